"""The ``part_whole`` kind: a whole and some parts given, the other part asked."""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.owners import person
from tinythink.data.stories.wording import Story, cap, number, thing

NOT_PART = (
    ("{S} [have] {n} {T}. {k} of them are {adj}.", "How many are not {adj}?"),
    ("{S} [have] {n} {T}, and {k} of them are {adj}.", "How many {T} are not {adj}?"),
    ("There are {n} {T} in a box. {k} are {adj}.", "How many {T} are not {adj}?"),
    ("Of {Poss} {n} {T}, {k} are {adj}.", "How many of them are not {adj}?"),
)
ADJECTIVES = ("red", "broken", "new", "old", "big", "small", "wet", "clean", "striped", "painted")


def part_whole(st: Story, steps: int, hi: int, res: int) -> None:
    """A part of a whole given, the other part asked: "30 students, 12 are boys." """
    p = st.p
    if steps == 1 and p.random() < 0.3:
        who = person(p)
        t = thing(p)
        n = number(p, 2, hi)
        k = number(p, 1, n - 1)
        story, question = p.choice("not-part", NOT_PART)
        adj = p.choice("adjective", ADJECTIVES)
        st.add(st.say(story, who, n=n, k=k, T=t.many, adj=adj))
        st.question = st.say(question, who, T=t.many, adj=adj)
        st.answer = st.op(n, "-", k)
        return
    whole, parts = p.choice("parts", lex.PARTS)
    n = 3 if steps >= 2 and len(parts) >= 3 else 2
    parts = parts[:n]
    counts = [number(p, 1, max(1, hi // n)) for _ in parts]
    total = sum(counts)
    where = p.choice(
        "part-where",
        [
            "There are {N} {W} in a {place}.",
            "A {place} has {N} {W}.",
            "{N} {W} are at the {place}.",
            "There are {N} {W} at the {place}.",
        ],
    ).format(
        N=total,
        W=whole,
        place=p.choice(
            "part-place",
            ["park", "club", "room", "yard", "shop", "garden", "school", "show", "farm", "hall"],
        ),
    )
    st.add(where)
    known = [f"{c} are {w}" for c, w in zip(counts[:-1], parts[:-1], strict=True)]
    st.add(
        cap(
            " and ".join(known)
            + (", and the rest are " + parts[-1] if p.random() < 0.5 else "")
            + "."
        )
    )
    st.question = p.choice(
        "part-q", ("How many {X} are there?", "How many are {X}?", "How many of them are {X}?")
    ).format(X=parts[-1])
    left = total
    for c in counts[:-1]:
        left = st.op(left, "-", c)
    st.answer = left
