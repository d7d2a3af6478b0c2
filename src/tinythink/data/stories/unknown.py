"""The ``unknown`` kind: an unknown change ("gave some, now has 27") or an unknown start."""

from __future__ import annotations

import re

from tinythink.data.stories.owners import other_person, person
from tinythink.data.stories.wording import Story, number, thing

AT_FIRST_Q = (
    "How many {T} did {s} have at first?",
    "How many {T} did {s} have to start with?",
    "How many {T} did {s} have before?",
    "How many {T} did {s} start with?",
)


def _unknown_start_two(st: Story, hi: int) -> None:
    """ "She gave 11 to Sam and 6 to Kim and has 9 left. How many did she have at first?" """
    p = st.p
    who = person(p)
    t = thing(p)
    end = number(p, 1, hi)
    o1, o2 = other_person(p, who), other_person(p, who)
    x1, x2 = number(p, 1, hi), number(p, 1, hi)
    gave = (
        "{S} [give] {x} {T} to {O} and {y} to {O2}.",
        "{S} [give] {x} {T} to {O} and {y} {T} to {O2}.",
        "{S} [sell] {x} {T} and [give] away {y}.",
        "{S} [lose] {x} {T} and then [give] {y} to {O2}.",
    )
    others = {"O": o1.mention(p, False, False), "O2": o2.mention(p, False, False)}
    st.add(st.say(p.choice("gave-two", gave), who, tense="past", x=x1, y=x2, T=t.many, **others))
    left = ("{S} [have] {e} left.", "{S} [have] {e} {T} left.", "Now {s} [have:pres] {e} {T}.")
    st.add(st.say(p.choice("left-two", left), who, tense="past", e=end, T=t.many))
    st.question = st.say(p.choice("at-first", AT_FIRST_Q), who, T=t.many)
    st.answer = st.op(st.op(end, "+", x1), "+", x2)


def unknown(st: Story, steps: int, hi: int, res: int) -> None:
    """Unknown change or unknown start: "She gave some away and now has 27." """
    p = st.p
    if steps >= 2:
        return _unknown_start_two(st, hi)
    who = person(p)
    t = thing(p)
    o = other_person(p, who)
    start = number(p, 3, hi)
    gain = p.random() < 0.5
    x = number(p, 1, hi) if gain else number(p, 1, start - 1)
    end = start + x if gain else start - x
    some_gain = (
        "[find] some more",
        "[buy] some more",
        "[get] some more from {O}",
        "[win] some more",
        "[collect] some more",
    )
    some_loss = (
        "[give] some to {O}",
        "[give] some away",
        "[lose] some",
        "[sell] some",
        "[use] some",
    ) + (("[eat] some",) if t.kind == "food" else ())
    if p.random() < 0.5:  # unknown change: start - end (or end - start)
        st.add(st.say("{S} [have] {x} {T}.", who, tense="past", x=start, T=t.many))
        vp = p.choice("some", some_gain if gain else some_loss)
        st.add(st.say("{S} " + vp + ".", who, tense="past", O=o.mention(p, False, False)))
        st.add(
            st.say(
                p.choice(
                    "now-has",
                    [
                        "Now {s} [have:pres] {e} {T}.",
                        "Now {s} [have:pres] {e}.",
                        "{S} [have:pres] {e} {T} now.",
                    ],
                ),
                who,
                e=end,
                T=t.many,
            )
        )
        verb = re.search(r"\[(\w+)\]", vp).group(1)
        rest = vp.split("]", 1)[1].replace(" some", "").replace("{O}", o.again).strip()
        q = f"How many {t.many} did {who.mention(p, False)} {verb} {rest}".rstrip() + "?"
        q = q.replace(" more?", "?").replace("  ", " ")
        st.question = q
        st.answer = st.op(end, "-", start) if gain else st.op(start, "-", end)
    else:  # unknown start: end + x (lost) or end - x (gained)
        vp = p.choice(
            "known-change",
            ("[give] away {x}", "[lose] {x}", "[sell] {x}", "[give] {x} to {O}")
            if not gain
            else ("[buy] {x} more", "[find] {x} more", "[get] {x} more from {O}"),
        )
        vp_text = st.say(vp, who, tense="past", x=x, O=o.mention(p, False, False))
        forms = [
            "After {s} {v}, {s2} [have:pres] {e} {T}.",
            "{S} {v} and now [have:pres] {e} {T}.",
        ]
        template = p.choice("after", forms)
        st.add(
            st.say(template, who, v=vp_text[0].lower() + vp_text[1:], e=end, T=t.many, s2=who.pron)
        )
        st.question = st.say(
            p.choice(
                "at-first",
                [
                    "How many {T} did {s} have at first?",
                    "How many {T} did {s} have to start with?",
                    "How many {T} did {s} have before?",
                    "How many {T} did {s} start with?",
                ],
            ),
            who,
            T=t.many,
        )
        st.answer = st.op(end, "+", x) if not gain else st.op(end, "-", x)
