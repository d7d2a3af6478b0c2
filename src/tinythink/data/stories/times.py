"""The ``times`` kind: times as many, half as many, twice as long; forwards and inverse."""

from __future__ import annotations

from tinythink.data.stories.events import add_changes, ask_have_now
from tinythink.data.stories.owners import other_person, person
from tinythink.data.stories.wording import Story, cap, number, spell, thing

TIMES = (
    "{B} [have] {w} as many {T} as {A}.",
    "{B} [have] {w} as many {T} as {A} does.",
    "{B} [collect] {w} as many {T} as {A}.",
)


AS_LONG = (
    (
        "{A} [practice] for {x} minutes. {B} [practice] {w} as long.",
        "How many minutes [do:pres] {b} practice?",
    ),
    ("{A} [walk] {x} kilometers. {B} [walk] {w} as far.", "How far [do:pres] {b} walk?"),
    ("{A} [read] {x} pages. {B} [read] {w} as many pages.", "How many pages [do:pres] {b} read?"),
    (
        "{A}'s ribbon is {x} centimeters long. {B}'s ribbon is {w} as long.",
        "How long is {b}'s ribbon?",
    ),
    ("{A} [save] {x} dollars. {B} [save] {w} as much.", "How much [do:pres] {b} save?"),
    (
        "A small tank holds {x} liters. A big tank holds {w} as much.",
        "How many liters does the big tank hold?",
    ),
)


INVERSE_TIMES = (
    ("{B} [have] {y} {T}. That is {w} as many as {A} has.", "How many {T} does {A} have?"),
    ("{B} [have] {w} as many {T} as {A}. {B2} [have] {y}.", "How many {T} does {A} have?"),
    ("{B} [be] {y} years old. {B2} [be] {w} as old as {A}.", "How old is {A}?"),
    ("{B} [read] {y} pages, {w} as many as {A}.", "How many pages did {A} read?"),
)


def _inverse_times(st: Story, hi: int, res: int) -> None:
    """The product is known: divide ("36 is 4 times as old as Hiro")."""
    p = st.p
    t = thing(p)
    a = person(p, allow_you=False)
    b = other_person(p, a)
    k = p.randint(2, 9)
    x = number(p, 1, max(1, min(hi, res) // k))
    w = "twice" if k == 2 and p.random() < 0.5 else f"{spell(p, k)} times"
    story, question = p.choice("inverse-times", INVERSE_TIMES)
    B2 = cap(b.pron) if b.pron != "I" else "I"
    st.add(st.say(story.replace("{B}", "{S}", 1), b, y=x * k, w=w, T=t.many, A=a.again, B2=B2))
    st.question = question.format(T=t.many, A=a.again)
    st.answer = st.op(x * k, "/", k)


def _times_as_long(st: Story, hi: int, res: int) -> None:
    """ "She practiced 25 minutes; her teacher practiced twice as long." """
    p = st.p
    a = person(p, allow_you=False)
    b = other_person(p, a)
    k = p.randint(2, 9)
    x = number(p, 1, min(hi, res // k))
    w = "twice" if k == 2 and p.random() < 0.6 else f"{spell(p, k)} times"
    story, question = p.choice("as-long", AS_LONG)
    # [verb] in the story agrees with each sentence's own subject
    first, second = story.split(". ", 1)
    st.add(st.say(first.replace("{A}", "{S}") + ".", a, x=x))
    st.add(st.say(second.replace("{B}", "{S}"), b, w=w))
    st.question = st.say(question.replace("{b}", b.again), b)
    st.answer = st.op(x, "*", k)


def times(st: Story, steps: int, hi: int, res: int) -> None:
    """ "Leo has 3 times as many cards as Mia": multiply (or halve), then maybe add up."""
    p = st.p
    t = thing(p)
    a = person(p, allow_you=False)
    b = person(p, exclude={a.first}, allow_you=False)
    r = p.random()
    if steps == 1 and r < 0.2:
        return _times_as_long(st, hi, res)
    if steps == 1 and r < 0.4:
        return _inverse_times(st, hi, res)
    half = p.random() < 0.15
    k = 2 if half else p.randint(2, 9)
    if half:
        x = 2 * number(p, 1, hi // 2)
        w = "half"
    else:
        x = number(p, 1, min(hi, res // k))
        w = {
            2: p.choice("twice", ["twice", "2 times", "two times"]),
            3: p.choice("three", ["3 times", "three times"]),
        }.get(k, f"{spell(p, k)} times")
    st.add(
        st.say(p.choice("times-a", ["{S} [have] {x} {T}.", "{S} [own] {x} {T}."]), a, x=x, T=t.many)
    )
    st.add(
        st.say(
            p.choice("times-b", TIMES).replace("{B}", "{S}"),
            b,
            w=w,
            T=t.many,
            A=a.mention(p, False, False),
        )
    )
    y = st.op(x, "/" if half else "*", k)
    if steps == 2 and p.random() < 0.5:
        total = st.op(x, "+", y)
        together = (
            f"How many {t.many} do they have together?",
            f"How many {t.many} do {a.again} and {b.again} have in all?",
            f"How many {t.many} do they have altogether?",
        )
        st.question, st.answer = p.choice("times-q2", together), total
        return
    if steps >= 2:  # then the second owner's amount changes
        st.answer = add_changes(st, b, t, y, steps - 1, hi, res)
        st.question = ask_have_now(st, b, t)
        return
    st.question = st.say(
        p.choice(
            "times-q",
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
