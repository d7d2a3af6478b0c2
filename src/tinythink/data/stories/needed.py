"""The ``needed`` kind: how many more to reach a goal, fill a tank, finish a book."""

from __future__ import annotations

from tinythink.data.stories.events import add_changes, add_start
from tinythink.data.stories.owners import person
from tinythink.data.stories.wording import Story, cap, number, thing

CAPACITY = (
    ("A {c} holds {n} {u}. It has {k} {u} in it now.", "How many more {u} are needed to fill it?"),
    ("A {c} can hold {n} {u}. There are {k} {u} in it.", "How many more {u} will fit?"),
    ("A {c} has room for {n} {u}, and {k} {u} are already in it.", "How many more {u} can go in?"),
    (
        "A movie is {n} minutes long. {S} [have] watched {k} minutes.",
        "How many more minutes until it ends?",
    ),
    (
        "A trip is {n} kilometers long. {S} [have] gone {k} kilometers.",
        "How many kilometers are left?",
    ),
    (
        "{S} [need] {n} points to win. {S2} [have] {k} points.",
        "How many more points [do:pres] {s} need?",
    ),
)
CAPACITY_THINGS = (
    ("tank", "liters"),
    ("bus", "people"),
    ("jar", "cookies"),
    ("shelf", "books"),
    ("box", "crayons"),
    ("bottle", "cups"),
    ("hall", "chairs"),
    ("pool", "liters"),
)


def needed(st: Story, steps: int, hi: int, res: int) -> None:
    """How many more to reach a number."""
    p = st.p
    if steps == 1 and p.random() < 0.3:
        who = person(p)
        c, u = p.choice("capacity-thing", CAPACITY_THINGS)
        n = number(p, 3, hi)
        k = number(p, 2, n - 1)  # "2 liters are in it", not "1 liter are"
        story, question = p.choice("capacity", CAPACITY)
        S2 = cap(who.pron) if who.pron != "I" else "I"
        st.add(st.say(story, who, c=c, u=u, n=n, k=k, S2=S2))
        st.question = st.say(question, who, u=u)
        st.answer = st.op(n, "-", k)
        return
    who = person(p)
    t = thing(p)
    start = number(p, 1, hi - 1)
    total = start
    if p.random() < 0.15 and steps == 1:
        pages = number(p, 2, hi)
        done = number(p, 1, pages - 1)
        st.add(
            st.say(
                p.choice(
                    "book",
                    [
                        "A book has {n} pages. {S} [have] read {d} pages.",
                        "{S} [be] reading a book with {n} pages and [have] read {d}.",
                    ],
                ),
                who,
                n=pages,
                d=done,
            )
        )
        st.question = st.say(
            p.choice(
                "book-q",
                [
                    "How many pages [do:pres] {s} have left to read?",
                    "How many more pages must {s} read to finish the book?",
                    "How many pages are left?",
                ],
            ),
            who,
        )
        st.answer = st.op(pages, "-", done)
        return
    add_start(st, who, t, start)
    total = add_changes(st, who, t, start, steps - 1, hi - 1, min(res, hi) - 1)
    goal = number(p, total + 1, max(total + 1, hi))
    template = p.choice(
        "wants",
        [
            "{S} [want] {g} {T}.",
            "{S} [need] {g} {T} in all.",
            "{S} [want] to have {g} {T}.",
            "{S} [need] {g} {T} for a project.",
            "{Poss} goal is {g} {T}.",
        ],
    )
    st.add(st.say(template, who, g=goal, T=t.many))
    st.question = st.say(
        p.choice(
            "need-q",
            [
                "How many more {T} [do:pres] {s} need?",
                "How many more [do:pres] {s} need?",
                "How many more {T} must {s} get?",
                "How many more {T} [do:pres] {s} need to reach {g}?",
            ],
        ),
        who,
        T=t.many,
        g=goal,
    )
    st.answer = st.op(goal, "-", total)
