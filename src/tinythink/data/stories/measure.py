"""The ``measure`` kind: lengths, heights, weights and ages compared."""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.owners import other_person, person
from tinythink.data.stories.wording import Story, number


def measure(st: Story, steps: int, hi: int, res: int) -> None:
    """Lengths, heights, weights and ages compared."""
    p = st.p
    if p.random() < 0.4:
        a = person(p, allow_you=False)
        b = other_person(p, a)
        age = number(p, 2, min(hi, 60))
        diff = number(p, 1, min(hi, 50))
        older = p.random() < 0.6 or diff >= age
        if not older and diff >= age:
            older = True
        word = "older" if older else "younger"
        st.add(st.say("{S} [be] {n} years old.", a, n=age))
        st.add(
            st.say(
                p.choice(
                    "age-diff", ["{S} [be] {d} years {w} than {A}.", "{S} [be] {d} years {w}."]
                ),
                b,
                d=diff,
                w=word,
                A=a.mention(p, False, False),
            )
        )
        older_age = st.op(age, "+" if older else "-", diff)
        if steps >= 2:
            st.question = (
                "What is the sum of their ages?"
                if p.random() < 0.5
                else "How old are they together?"
            )
            st.answer = st.op(age, "+", older_age)
        else:
            st.question = f"How old is {b.again}?"
            st.answer = older_age
        return
    noun, unit, bigger, smaller = p.choice("measure", lex.MEASURES)
    c1, c2 = p.rng.sample(lex.COLORS, 2)
    x = number(p, 2, hi)
    if steps == 1 and p.random() < 0.5:
        y = number(p, 1, x - 1)
        st.add(
            f"The {c1} {noun} is {x} {unit} long."
            if bigger == "longer"
            else f"The {c1} {noun} measures {x} {unit}."
        )
        st.add(f"The {c2} {noun} is {y} {unit}.")
        st.question = p.choice(
            "measure-q",
            (
                "How much {bigger} is the {c1} {noun}?",
                "How many {unit} {bigger} is the {c1} {noun} than the {c2} one?",
                "What is the difference in {unit}?",
            ),
        ).format(bigger=bigger, c1=c1, c2=c2, noun=noun, unit=unit)
        st.answer = st.op(x, "-", y)
        return
    more = p.random() < 0.5
    d = number(p, 1, hi) if more else number(p, 1, x - 1)
    st.add(f"The {c1} {noun} is {x} {unit}.")
    st.add(f"The {c2} {noun} is {d} {unit} {bigger if more else smaller} than the {c1} one.")
    y = st.op(x, "+" if more else "-", d)
    if steps >= 2:
        st.question = p.choice(
            "measure-sum-q",
            ("How many {unit} are both together?", "What is their total in {unit}?"),
        ).format(unit=unit)
        st.answer = st.op(x, "+", y)
    else:
        q1 = (
            "How many {unit} is the {c2} {noun}?",
            "How long is the {c2} {noun}?"
            if bigger == "longer"
            else "How many {unit} is the {c2} {noun}?",
        )
        st.question = p.choice("measure-q1", q1).format(unit=unit, c2=c2, noun=noun)
        st.answer = y
