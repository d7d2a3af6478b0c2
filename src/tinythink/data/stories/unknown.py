"""The ``unknown`` kind: an unknown change ("had 17; after adding some he had 18") or an
unknown start ("spent $78 and has $33 left; how much did she have at first?"), of things,
money or a scene; and a change told as "went from 63 to 90".

The plan works backwards from what is known: the start is the end plus what was lost,
minus what was gained (the additions first, so no step goes below zero).
"""

from __future__ import annotations

import re

from tinythink.data import lexicon as lex
from tinythink.data.stories.events import event_phrase, join_phrases
from tinythink.data.stories.owners import Owner, other_person, person
from tinythink.data.stories.wording import Story, money, number, thing

AT_FIRST_Q = (
    "How many {T} did {s} have at first?",
    "How many {T} did {s} have to start with?",
    "How many {T} did {s} have before?",
    "How many {T} did {s} start with?",
    "How many {T} did {s} have in the beginning?",
    "How many {T} did {s} have initially?",
    "How many {T} did {s} have to begin with?",
)
MONEY_AT_FIRST_Q = (
    "How much money did {s} have at first?",
    "How much money did {s} start with?",
    "How many dollars did {s} have to begin with?",
    "How much did {s} have before shopping?",
    "How much money did {s} have initially?",
)
LEFT = (
    "{S} [have] {e} left.",
    "{S} [have] {e} {T} left.",
    "Now {s} [have:pres] {e} {T}.",
    "{S} [be] left with {e} {T}.",
    "{S} still [have] {e} {T}.",
    "In the end {s} [have] {e} {T}.",
)
NOW_HAS = (
    "Now {s} [have:pres] {e} {T}.",
    "Now {s} [have:pres] {e}.",
    "{S} [have:pres] {e} {T} now.",
    "After that, {s} [have] {e} {T}.",
    "Then {s} [have] {e} {T} in all.",
    "{S} [end] up with {e} {T}.",
)
SOME_GAIN = (
    "[find] some more",
    "[buy] some more",
    "[get] some more from {O}",
    "[win] some more",
    "[collect] some more",
    "[add] some more",
    "[be] given some more by {O}",
    "[pick] up some more",
)
SOME_LOSS = (
    "[give] some to {O}",
    "[give] some away",
    "[lose] some",
    "[sell] some",
    "[use] some",
    "[lend] some to {O}",
    "[throw] some away",
)
SOME_LOSS_FOOD = ("[eat] some",)
# The question of an unknown change asks for the verb of the change itself.
SOME_Q = (
    "How many {T} did {s} {vp}?",
    "How many did {s} {vp}?",
)


def _unknown_change(st: Story, who: Owner, t: lex.Thing, hi: int) -> None:
    """ "Kira had 33 tents. She got some more from Alice. Now she has 53. How many did she
    get?" -- the change is the difference, larger minus smaller."""
    p = st.p
    o = other_person(p, who)
    start = number(p, 3, hi)
    gain = p.random() < 0.5
    x = number(p, 1, hi) if gain else number(p, 1, start - 1)
    end = start + x if gain else start - x
    options = SOME_GAIN if gain else SOME_LOSS + (SOME_LOSS_FOOD if t.kind == "food" else ())
    vp = p.choice("some", options)
    other = o.mention(p, False, False)
    if p.random() < 0.3:  # both amounts in one sentence: "After adding some, he had 18."
        st.add(st.say("{S} [have] {x} {T}.", who, tense="past", x=start, T=t.many))
        ing = _gerund(vp).format(O=other)
        st.add(st.say(f"After {ing}, {{s}} [have] {{e}}.", who, tense="past", e=end))
    else:
        st.add(st.say("{S} [have] {x} {T}.", who, tense="past", x=start, T=t.many))
        st.add(st.say("{S} " + vp + ".", who, tense="past", O=other))
        st.add(st.say(p.choice("now-has", NOW_HAS), who, e=end, T=t.many))
    verb = re.search(r"\[(\w+)\]", vp).group(1)
    rest = vp.split("]", 1)[1].replace(" some", "").replace(" more", "").replace("{O}", o.again)
    if verb == "be":  # "was given some more by Leo" -> "How many was she given by Leo?"
        was = "were" if who.pron in ("you", "they") else "was"
        st.question = f"How many {t.many} {was} {who.mention(p, False)}{rest}?"
    else:
        q = p.choice("some-q", SOME_Q).format(T=t.many, s=who.mention(p, False), vp=verb + rest)
        st.question = " ".join(q.split()).replace(" ?", "?")
    st.answer = st.op(end, "-", start) if gain else st.op(start, "-", end)


def _gerund(vp: str) -> str:
    """ "[give] some to {O}" -> "giving some to {O}"; "[be] given some" -> "being given some"."""
    verb = re.search(r"\[(\w+)\]", vp).group(1)
    if verb.endswith("e") and verb not in ("be",):
        ing = verb[:-1] + "ing"
    elif verb in ("win", "get", "put", "cut", "drop", "stop"):
        ing = verb + verb[-1] + "ing"
    else:
        ing = verb + "ing"
    return re.sub(r"\[\w+\]", ing, vp, count=1)


def _unknown_start(st: Story, steps: int, hi: int, res: int) -> None:
    """ "She lost 16, then found 5, and has 29 now. How many did she have at first?" """
    p = st.p
    who = person(p)
    t = thing(p)
    o = other_person(p, who)
    events = [(p.random() < 0.35, number(p, 1, hi)) for _ in range(steps)]
    if all(gain for gain, _ in events):
        events[0] = (False, events[0][1])
    end = number(p, 1, hi)
    # The start must be at least what later losses need: end + losses - gains >= 1.
    start = end + sum(x for g, x in events if not g) - sum(x for g, x in events if g)
    if start < 1 or start > res:
        raise ValueError("no start fits these changes")
    amount = start
    for gain, x in events:
        amount += x if gain else -x
        if amount < 0:
            raise ValueError("the story would lose more than there is")
    phrases = []
    for i, (gain, x) in enumerate(events):
        template, slots = event_phrase(st, gain, t, x, o, names="first" if i == 0 else "")
        phrases.append((template, {**slots, "gain": str(gain)}))
    if len(phrases) == 1 and p.random() < 0.5:
        template, slots = phrases[0]
        vp = st.say(template, who, tense="past", inner=True, **slots)
        form = p.choice(
            "after",
            ("After {s} {v}, {s2} [have:pres] {e} {T}.", "{S} {v} and now [have:pres] {e} {T}."),
        )
        st.add(st.say(form, who, v=vp, e=end, T=t.many, s2=who.pron))
    else:
        past = st.past
        st.past = True
        if len(phrases) == 1:
            template, slots = phrases[0]
            st.add(st.say("{S} " + template + ".", who, **slots))
        else:
            st.add(join_phrases(st, who, phrases))
        st.past = past
        st.add(st.say(st.p.choice("left-two", LEFT), who, tense="present", e=end, T=t.many))
    st.question = st.say(p.choice("at-first", AT_FIRST_Q), who, T=t.many)
    # Work backwards: the end, plus each loss, then minus each gain.
    total = end
    for gain, x in reversed(events):
        if not gain:
            total = st.op(total, "+", x)
    for gain, x in reversed(events):
        if gain:
            total = st.op(total, "-", x)
    st.answer = total


SPENT = (
    "[spend] {p} on a {t}",
    "[buy] a {t} for {p}",
    "[pay] {p} for a {t}",
    "[spend] {p}",
)


def _money_start(st: Story, steps: int, hi: int, res: int) -> None:
    """ "Ana spent $78 on a coat and has $33 left. How much did she have at first?" """
    p = st.p
    who = person(p)
    costs = [number(p, 1, min(hi, 90)) for _ in range(steps)]
    end = number(p, 1, min(hi, 90))
    phrases = []
    for cost in costs:
        item = p.choice("thing", [x for x in lex.THINGS if x.kind != "fragile"])
        phrases.append(
            (p.choice("spent", SPENT), {"p": money(p, cost), "t": item.one, "gain": "False"})
        )
    left = money(p, end)
    if len(phrases) == 1 and p.random() < 0.5:
        template, slots = phrases[0]
        vp = st.say(template, who, tense="past", inner=True, **slots)
        st.add(
            st.say(
                "After {s} {v}, {s2} [have] {m} left.", who, tense="past", v=vp, m=left, s2=who.pron
            )
        )
    else:
        past = st.past
        st.past = True
        text = join_phrases(st, who, phrases) if len(phrases) > 1 else None
        if text is None:
            template, slots = phrases[0]
            text = st.say("{S} " + template + ".", who, **slots)
        st.past = past
        st.add(text)
        st.add(
            st.say(
                p.choice(
                    "money-left",
                    (
                        "{S} [have:pres] {m} left.",
                        "Now {s} [have:pres] {m}.",
                        "{S} [have] {m} left over.",
                    ),
                ),
                who,
                tense="past" if p.random() < 0.3 else "present",
                m=left,
            )
        )
    st.question = st.say(p.choice("money-at-first", MONEY_AT_FIRST_Q), who)
    total = end
    for cost in reversed(costs):
        total = st.op(total, "+", cost)
    st.answer = total


def _scene(st: Story, hi: int) -> None:
    """ "There were 23 people on a bus. At the stop some got off; now there are 15. How many
    got off?" or "Some birds flew away and 9 are left. 5 flew away. How many were there?" """
    p = st.p
    where, what, arrive, leave = p.choice("scene", lex.SCENES)
    start = number(p, 3, hi)
    gain = p.random() < 0.5
    x = number(p, 1, hi) if gain else number(p, 1, start - 1)
    end = start + x if gain else start - x
    verb = p.choice("scene-verb", arrive if gain else leave).split()
    past_verb = " ".join([lex.conjugate(verb[0], third=False, past=True), *verb[1:]])
    if p.random() < 0.5:  # the change is unknown
        st.add(f"There were {start} {what} {where}.")
        st.add(f"Some more {what} {past_verb}." if gain else f"Some {what} {past_verb}.")
        again = re.sub(r"\ban? ", "the ", where, count=1)  # "in a jar", then "in the jar"
        st.add(f"Now there are {end} {what} {again}.")
        st.question = f"How many {what} {past_verb}?"
        st.answer = st.op(end, "-", start) if gain else st.op(start, "-", end)
        return
    st.add(f"Some {what} were {where}.")
    st.add(f"{x} more {what} {past_verb}." if gain else f"{x} {what} {past_verb}.")
    st.add(f"Now there are {end} {what}.")
    st.question = p.choice(
        "scene-first-q",
        (f"How many {what} were there at first?", f"How many {what} were {where} to begin with?"),
    )
    st.answer = st.op(end, "-", x) if gain else st.op(end, "+", x)


# A change told by its two ends: "went from 63 to 90" (the smaller may come first).
WENT_FROM = (
    ("{A}'s score went up from {a} to {b} points.", "How many points did {a_} gain?", True),
    (
        "The price of a {t} rose from {a} to {b} dollars.",
        "By how many dollars did the price go up?",
        True,
    ),
    (
        "The price of a {t} dropped from {a} to {b} dollars.",
        "By how much did the price go down?",
        False,
    ),
    ("The temperature fell from {a} to {b} degrees.", "By how many degrees did it fall?", False),
    ("{A} grew from {a} to {b} centimeters tall.", "How many centimeters did {a_} grow?", True),
    (
        "The number of {T} in the shop went from {a} to {b}.",
        "By how many did the number change?",
        None,
    ),
    (
        "A plant was {a} centimeters tall. Now it is {b} centimeters tall.",
        "How much did it grow?",
        True,
    ),
    (
        "{A} had {a} {T} last year and has {b} this year.",
        "How many more {T} does {a_} have this year?",
        True,
    ),
)


def _went_from(st: Story, hi: int) -> None:
    p = st.p
    who = person(p, allow_you=False)
    t = thing(p)
    story, question, up = p.choice("went-from", WENT_FROM)
    if up is None:
        up = p.random() < 0.5
    low = number(p, 1, hi - 1)
    high = number(p, low + 1, hi)
    a, b = (low, high) if up else (high, low)
    st.add(st.say(story, who, A=who.first, a=a, b=b, t=t.one, T=t.many))
    st.question = question.format(a_=who.pron, T=t.many)
    st.answer = st.op(high, "-", low)


def unknown(st: Story, steps: int, hi: int, res: int) -> None:
    """An unknown change or start; by steps, what the plan works back through."""
    p = st.p
    r = p.random()
    if steps == 1:
        if r < 0.3:
            return _unknown_change(st, person(p), thing(p), hi)
        if r < 0.55:
            return _unknown_start(st, 1, hi, res)
        if r < 0.7:
            return _money_start(st, 1, hi, res)
        if r < 0.85:
            return _scene(st, hi)
        return _went_from(st, hi)
    if r < 0.65:
        return _unknown_start(st, steps, hi, res)
    return _money_start(st, steps, hi, res)
