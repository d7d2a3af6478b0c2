"""The ``compare`` kind: how many more or fewer; the other amount from a difference,
forwards and inverse ("B has 16 more than A; B has 50").
"""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.events import add_changes, start_amount
from tinythink.data.stories.owners import Owner, person
from tinythink.data.stories.wording import Story, cap, number, thing

COMPARE_Q = (
    "How many more {T} [do:pres] {A} have than {B}?",
    "How many more {T} does {A} have than {B}?",
    "How many fewer {T} does {B} have than {A}?",
    "How many {T} does {B} need to have as many as {A}?",
    "What is the difference between their numbers of {T}?",
    "How many more does {A} have?",
    "By how many {T} does {A} have more than {B}?",
)


INVERSE_COMPARE = (
    "{B} [have] {d} {w} {T} than {A}. {B2} [have] {y} {T}.",
    "{B} [have] {y} {T}. That is {d} {w} than {A} has.",
    "{B} [have] {y} {T}, which is {d} {w} than {A}.",
)
INVERSE_Q = ("How many {T} does {A} have?", "How many does {A} have?", "How many {T} does {A} own?")
IF_COMPARE = (
    "If {A} has {x} {T} and {B} has {y} {T}, how many more {T} does {A} have?",
    "If {A} has {x} {T} and {B} has {y}, how many fewer does {B} have?",
    "{A} has {x} {T}. If {B} has {y} {T}, how many more does {A} have than {B}?",
)
# The smaller amount told first: the plan still takes the larger minus the smaller.
SMALLER_FIRST = (
    "If {B} has {y} {T} and {A} has {x} {T}, how many fewer {T} does {B} have?",
    "If {B} has {y} {T} and {A} has {x}, how many more does {A} have?",
    "{B} has {y} {T} and {A} has {x} {T}. How many fewer {T} does {B} have than {A}?",
    "{B} has {y} {T}. {A} has {x}. How many more {T} does {A} have than {B}?",
    "{B} has only {y} {T}, but {A} has {x}. How many more {T} does {B} need to have as many as {A}?",
    "{B} has {y} {T} and {A} has {x} {T}. What is the difference between their numbers of {T}?",
    "{B} collected {y} {T}. {A} collected {x} {T}. How many more did {A} collect?",
    "{B} has {y} {T}, which is fewer than {A}'s {x}. How many fewer does {B} have?",
)


# Chained comparisons: each amount told from the one before ("Ana jumped 37 cm farther
# than Ben; Cara jumped 16 cm less than Ana"). (base, more, less, question) per measure.
CHAINS = (
    (
        "{S} [have] {x} {T}.",
        "{S} [have] {d} more {T} than {R}.",
        "{S} [have] {d} fewer {T} than {R}.",
        "How many {T} does {Q} have?",
    ),
    (
        "{S} [jump] {x} centimeters.",
        "{S} [jump] {d} centimeters farther than {R}.",
        "{S} [jump] {d} centimeters less than {R}.",
        "How far did {Q} jump?",
    ),
    (
        "{S} [be] {x} years old.",
        "{S} [be] {d} years older than {R}.",
        "{S} [be] {d} years younger than {R}.",
        "How old is {Q}?",
    ),
    (
        "{S} [be] {x} centimeters tall.",
        "{S} [be] {d} centimeters taller than {R}.",
        "{S} [be] {d} centimeters shorter than {R}.",
        "How tall is {Q}?",
    ),
    (
        "{S} [score] {x} points.",
        "{S} [score] {d} more points than {R}.",
        "{S} [score] {d} fewer points than {R}.",
        "How many points did {Q} score?",
    ),
    (
        "{S} [save] {x} dollars.",
        "{S} [save] {d} dollars more than {R}.",
        "{S} [save] {d} dollars less than {R}.",
        "How many dollars did {Q} save?",
    ),
    (
        "{S} [read] {x} pages.",
        "{S} [read] {d} more pages than {R}.",
        "{S} [read] {d} fewer pages than {R}.",
        "How many pages did {Q} read?",
    ),
    (
        "{S} [pick] {x} {T}.",
        "{S} [pick] {d} more {T} than {R}.",
        "{S} [pick] {d} fewer {T} than {R}.",
        "How many {T} did {Q} pick?",
    ),
)


def _chained(st: Story, steps: int, hi: int) -> None:
    """Three or four people, each compared with the one before; the last one is asked.

    (Their total is not: the plan would repeat each amount's whole computation, and the
    plan writes every step once.)"""
    p = st.p
    t = thing(p, ("food",)) if p.random() < 0.5 else thing(p)
    base_t, more_t, less_t, question = p.choice("chain", CHAINS)
    links = steps
    people = [person(p, allow_you=False)]
    while len(people) < links + 1:
        people.append(person(p, exclude={o.first for o in people}, allow_you=False))
    x = number(p, 2, min(hi, 90))
    base_first = p.random() >= 0.35  # or last: "...The camper read 7 pages."
    values, sentences = [x], []
    if base_first:
        sentences.append(st.say(base_t, people[0], x=x, T=t.many))
    for i in range(links):
        more = p.random() < 0.5
        d = number(p, 1, min(hi, 60)) if more else number(p, 1, max(1, values[-1] - 1))
        if not more and d >= values[-1]:
            more = True
        template = more_t if more else less_t
        sentences.append(
            st.say(template, people[i + 1], d=d, T=t.many, R=people[i].mention(p, False, False))
        )
        values.append(st.op(values[-1], "+" if more else "-", d))
    if not base_first:  # named in full: the comparisons mentioned it first
        named = cap(people[0].mention(p, True, pronoun_ok=False))
        sentences.append(st.say(base_t.replace("{S}", named), people[0], x=x, T=t.many))
    for sentence in sentences:
        st.add(sentence)
    st.question = question.format(T=t.many, Q=people[-1].again)
    st.answer = values[-1]


def _smaller_first(st: Story, a: Owner, b: Owner, t: lex.Thing, hi: int) -> None:
    """ "Nadia has 23 shells and Pablo has 41. How many fewer does Nadia have?" -> 41-23."""
    p = st.p
    x = number(p, 2, hi)
    y = number(p, 1, x - 1)
    template = p.choice("smaller-first", SMALLER_FIRST)
    st.whole = template.format(A=a.again, B=b.again, x=x, y=y, T=t.many)
    st.answer = st.op(x, "-", y)


def _inverse_compare(st: Story, a: Owner, b: Owner, t: lex.Thing, hi: int) -> None:
    """The known amount is the compared one: "B has 16 more than A; B has 50. A?" """
    p = st.p
    more = p.random() < 0.5
    y = number(p, 2, hi)
    d = number(p, 1, y - 1) if more else number(p, 1, hi)
    template = p.choice("inverse-compare", INVERSE_COMPARE)
    st.add(
        st.say(
            template.replace("{B}", "{S}"),
            b,
            d=d,
            w="more" if more else "fewer",
            y=y,
            T=t.many,
            A=a.again,
            B2=cap(b.pron) if b.pron != "I" else "I",
        )
    )
    st.question = p.choice("inverse-q", INVERSE_Q).format(T=t.many, A=a.again)
    st.answer = st.op(y, "-" if more else "+", d)


def compare(st: Story, steps: int, hi: int, res: int) -> None:
    """How many more; or the other amount from a difference ("5 more than")."""
    p = st.p
    t = thing(p)
    a = person(p, allow_you=False)
    b = person(p, exclude={a.first}, allow_you=False)
    r = p.random()
    if 2 <= steps <= 3 and r < 0.35:
        return _chained(st, steps, hi)
    if steps == 1 and r < 0.2:
        return _inverse_compare(st, a, b, t, hi)
    if steps == 1 and r < 0.45:
        return _smaller_first(st, a, b, t, hi)
    if steps == 1 and r < 0.55:
        x = number(p, 2, hi)
        y = number(p, 1, x - 1)
        st.whole = p.choice("if-compare", IF_COMPARE).format(
            A=a.again, B=b.again, x=x, y=y, T=t.many
        )
        st.answer = st.op(x, "-", y)
        return
    if steps <= 2 and p.random() < 0.45:
        # derived: "Leo has 7 more stickers than Mia." -> how many does Leo have (and together)
        x = number(p, 2, hi)
        more = p.random() < 0.5
        d = number(p, 1, hi) if more else number(p, 1, x - 1)
        st.add(st.say("{S} [have] {x} {T}.", a, x=x, T=t.many))
        word = "more" if more else "fewer"
        template = p.choice(
            "derived",
            [
                "{S} [have] {d} {w} {T} than {A}.",
                "{S} [have] {d} {w} than {A}.",
                "{S} [have] {d} {w} {T} than {A} does.",
            ],
        )
        st.add(st.say(template, b, d=d, w=word, T=t.many, A=a.mention(p, False, False)))
        y = st.op(x, "+" if more else "-", d)
        if steps >= 2:
            total = st.op(x, "+", y)
            st.question = p.choice(
                "derived-q2",
                (
                    "How many {T} do they have together?",
                    "How many {T} do they have in all?",
                    "How many {T} do {A} and {B} have altogether?",
                ),
            ).format(T=t.many, A=a.again, B=b.again)
            st.answer = total
        else:
            st.question = st.say(
                p.choice(
                    "derived-q",
                    [
                        "How many {T} does {B} have?",
                        "How many {T} [do:pres] {s} have?",
                        "How many does {B} have?",
                    ],
                ),
                b,
                T=t.many,
                B=b.again,
            )
            st.answer = y
        return
    x, used = start_amount(st, a, t, hi, res, steps - 1)
    x = add_changes(st, a, t, x, steps - 1 - used, hi, res)
    y = number(p, 1, min(hi, x - 1)) if x > 1 else 0
    st.add(
        st.say(
            p.choice(
                "compare-b", ["{S} [have] {y} {T}.", "{S} [have] {y}.", "{S} only [have] {y} {T}."]
            ),
            b,
            y=y,
            T=t.many,
        )
    )
    st.answer = st.op(x, "-", y)
    st.question = (
        p.choice("compare-q", COMPARE_Q)
        .format(T=t.many, A=a.again, B=b.again)
        .replace("[do:pres]", "does")
    )
