"""The ``combine`` kind: two or three owners, colours or days put together."""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.events import add_changes, ask_have_now
from tinythink.data.stories.owners import person
from tinythink.data.stories.wording import Story, number, thing


def _and(chunks: list[str]) -> str:
    """``a``, ``a and b``, ``a, b, and c``."""
    if len(chunks) == 1:
        return chunks[0]
    if len(chunks) == 2:
        return f"{chunks[0]} and {chunks[1]}"
    return ", ".join(chunks[:-1]) + ", and " + chunks[-1]


COMBINE_Q = (
    "How many {T} do they have together?",
    "How many {T} do they have in all?",
    "How many {T} do they have altogether?",
    "How many {T} are there in all?",
    "What is the total number of {T}?",
    "How many {T} do the {n} of them have?",
    "How many {T} do they have in total?",
    "How many {T} is that altogether?",
)


def combine(st: Story, steps: int, hi: int, res: int) -> None:
    """Two or three owners (or days, or colours) put together."""
    p = st.p
    r = p.random()
    if r < 0.3:
        return _per_day(st, steps, hi, res)
    t = thing(p)
    if r < 0.5:  # colours: "There are 12 red balloons and 9 blue balloons."
        n = min(3, steps + 1)
        colors = p.rng.sample(lex.COLORS, n)
        counts = [number(p, 1, hi) for _ in colors]
        chunks = [f"{c} {col} {t.many}" for c, col in zip(counts, colors, strict=True)]
        listed = _and(chunks)
        who = person(p)
        intro = (
            "{S} [have] {L}.",
            "In {Poss} room there are {L}.",
            "{S} [buy] {L}.",
            "{S} [see] {L}.",
        )
        st.add(st.say(p.choice("colors", intro), who, L=listed))
        total = counts[0]
        for c in counts[1:]:
            total = st.op(total, "+", c)
        if steps > n - 1:  # then some change to the whole lot
            st.answer = add_changes(st, who, t, total, steps - (n - 1), hi, res)
            st.question = ask_have_now(st, who, t)
            return
        colors_q = (
            "How many {T} [do:pres] {s} have in all?",
            "How many {T} are there altogether?",
            "How many {T} is that in total?",
            "How many {T} [do:pres] {s} have?",
        )
        st.question = st.say(p.choice("colors-q", colors_q), who, T=t.many)
        st.answer = total
        return
    # owners: "Mia has 12 stickers and Leo has 9."
    n = 3 if steps >= 2 and p.random() < 0.4 else 2
    owners = [person(p, allow_you=False)]
    while len(owners) < n:
        owners.append(person(p, exclude={o.first for o in owners}, allow_you=False))
    counts = [number(p, 1, hi) for _ in owners]
    total = counts[0]
    for c in counts[1:]:
        total = st.op(total, "+", c)
    if p.random() < 0.5:
        first = st.say("{S} [have] {x} {T}", owners[0], x=counts[0], T=t.many)
        rest = [
            st.say("{S} [have] {x}", o, inner=True, x=c)
            for o, c in zip(owners[1:], counts[1:], strict=True)
        ]
        st.add(_and([first, *rest]) + ".")
    else:
        have = ("{S} [have] {x} {T}.", "{S} [collect] {x} {T}.", "{S} [bring] {x} {T}.")
        for o, c in zip(owners, counts, strict=True):
            st.add(st.say(p.choice("combine-have", have), o, x=c, T=t.many))
    extra = steps - (n - 1)
    if extra > 0:  # the first owner's amount changes first, then the total is asked
        owners[0].pronoun_ok = owners[0].pron in ("I", "you")  # the others came since
        st.ops.clear()
        total = add_changes(st, owners[0], t, counts[0], extra, hi, res)
        for c in counts[1:]:
            total = st.op(total, "+", c)
    q = p.choice("combine-q", COMBINE_Q).format(T=t.many, n=lex.NUMBER_WORDS[n])
    st.question, st.answer = q, total


def _per_day(st: Story, steps: int, hi: int, res: int) -> None:
    """ "She reads 12 pages on Monday and 15 on Tuesday. How many pages in all?" """
    p = st.p
    verb, past, what = p.choice("activity", lex.ACTIVITIES)
    who = person(p)
    n = min(steps + 1, 4)
    start = p.randint(0, 7 - n)
    days = lex.DAYS[start : start + n]
    counts = [number(p, 1, hi) for _ in days]
    total = counts[0]
    for c in counts[1:]:
        total = st.op(total, "+", c)
    v = past if st.past else lex.conjugate(verb, who.third, False, who.first_person)
    if p.random() < 0.5:
        chunks = [f"{counts[0]} {what} on {days[0]}"] + [
            f"{c} on {d}" for c, d in zip(counts[1:], days[1:], strict=True)
        ]
        listed = ", ".join(chunks[:-1]) + (" and " if n == 2 else ", and ") + chunks[-1]
        st.add(st.say("{S} " + v + " " + listed + ".", who))
    else:
        for i, (c, d) in enumerate(zip(counts, days, strict=True)):
            lead = p.choice("day-lead", [f"On {d}", f"On {d},"])
            st.add(
                f"{lead} {who.mention(p, False)} {v} {c} {what if i == 0 or p.random() < 0.5 else 'more'}."
            )
    did = "did" if st.past or p.random() < 0.5 else ("does" if who.third else "do")
    day_q = (
        "How many {what} {did} {who} {verb} in all?",
        "How many {what} {did} {who} {verb} altogether?",
        "How many {what} is that in total?",
        "What is the total number of {what}?",
        "How many {what} {did} {who} {verb} over the {n} days?",
    )
    st.question = p.choice("day-q", day_q).format(
        what=what, did=did, who=who.mention(p, False), verb=verb, n=lex.NUMBER_WORDS[n]
    )
    st.answer = total
