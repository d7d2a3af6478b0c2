"""The ``groups`` kind: k groups of m (boxes, rows, days, dozens, a rate), then changes."""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.events import add_changes, ask_have_now
from tinythink.data.stories.owners import person
from tinythink.data.stories.wording import Story, container, number, spell, thing

GROUPS = (
    "{S} [have] {k} {C} with {m} {T} in each.",
    "{S} [have] {k} {C} of {T}, with {m} {T} in each {c}.",
    "{S} [buy] {k} {C} of {T}. Each {c} has {m} {T}.",
    "There are {m} {T} in each {c}. {S} [have] {k} {C}.",
    "Each {c} holds {m} {T}, and {s} [have] {k} {C}.",
    "{S} [fill] {k} {C} with {m} {T} each.",
    "{S} [put] {m} {T} into each of {k} {C}.",
    "{S} [pack] {k} {C}, {m} {T} to a {c}.",
    "{S} [get] {k} {C} of {m} {T}.",
    "Each of the {k} {C} holds {m} {T}.",
    "There are {k} {C}, and each {c} has {m} {T}.",
    "{S} [have] {k} {C}. In each {c} there are {m} {T}.",
    "{m} {T} fit in one {c}, and {s} [fill] {k} {C}.",
)
# People carried or seated in groups: "Each of the 6 vans carries 16 children."
CARRY = (
    ("vans", "van", "children", "carries"),
    ("buses", "bus", "students", "carries"),
    ("cars", "car", "people", "holds"),
    ("boats", "boat", "passengers", "carries"),
    ("tables", "table", "guests", "seats"),
    ("tents", "tent", "campers", "sleeps"),
)
CARRY_STORY = (
    "Each of the {k} {V} {verb} {m} {P}.",
    "There are {k} {V}. Each {v} {verb} {m} {P}.",
    "{k} {V} go on a trip, and each one {verb} {m} {P}.",
)
CARRY_Q = ("How many {P} are there in all?", "How many {P} is that altogether?")
# Full groups and some left over: "4 boxes of 14 pens and 14 loose pens".
AND_LOOSE = (
    "{S} [have] {k} {C} of {m} {T} and {x} loose {T}.",
    "{S} [have] {k} full {C} with {m} {T} in each, and {x} more {T}.",
    "There are {k} {C} of {m} {T}, and {x} {T} are not in a {c}.",
)
ROWS = (
    "There are {k} rows of {T} with {m} in each row.",
    "{S} [arrange] {T} in {k} rows of {m}.",
    "{S} [set] out {k} rows of {T}, {m} in a row.",
)
PER_DAY = (
    "{S} [verb] {m} {what} every day for {k} days.",
    "{S} [verb] {m} {what} a day for {k} days.",
    "Every day {s} [verb] {m} {what}. {S2} [do] this for {k} days.",
    "For {k} days, {s} [verb] {m} {what} each day.",
)
RATE = (
    "{S} [verb] {m} {what} every day.",
    "Each day {s} [verb] {m} {what}.",
    "{S} [verb] {m} {what} a day.",
)
RATE_Q = (
    "How many {what} [do:pres] {s} {verb} in {k} days?",
    "How many {what} will {s} {verb} in {k} days?",
    "How many {what} [do:pres] {s} {verb} in {k} days at this rate?",
)
HOLDS = (
    ("A {c} holds {m} {T}.", "How many {T} are in {k} {C}?"),
    ("Each {c} has {m} {T}.", "How many {T} are there in {k} {C}?"),
    ("There are {m} {T} in one {c}.", "How many {T} are in {k} {C}?"),
    ("One {c} can hold {m} {T}.", "How many {T} can {k} {C} hold?"),
)
GROUPS_Q = (
    "How many {T} [do:pres] {s} have in all?",
    "How many {T} are there in all?",
    "How many {T} [do:pres] {s} have altogether?",
    "How many {T} are there altogether?",
    "What is the total number of {T}?",
    "How many {T} is that?",
)


def groups(st: Story, steps: int, hi: int, res: int) -> None:
    """k groups of m: boxes, rows, days; then changes to the total."""
    p = st.p
    who = person(p)
    big = p.random() < 0.15
    k = p.randint(10, 25) if big else p.randint(2, 9)
    m = number(p, 2, min(hi, res // k))
    if big:  # many groups: of a few ("25 students at $7 each") or of tens
        m = p.randint(2, 9) if p.random() < 0.4 else p.randint(10, min(30, max(10, res // k)))
    r = p.random()
    if r < 0.2 and steps == 1:
        verb, _, what = p.choice("activity", lex.ACTIVITIES)
        if p.random() < 0.4:  # the count of days comes in the question
            template = p.choice("rate", RATE).replace("[verb]", f"[{verb}]")
            st.add(st.say(template, who, m=m, what=what))
            q = p.choice("rate-q", RATE_Q).replace("{verb}", verb)
            st.question = st.say(q, who, what=what, k=spell(p, k))
            st.answer = st.op(m, "*", k)
            return
        template = p.choice("per-day", PER_DAY).replace("[verb]", f"[{verb}]")
        st.add(
            st.say(
                template,
                who,
                m=m,
                k=spell(p, k),
                what=what,
                S2=who.pron.capitalize() if who.pron != "I" else "I",
            )
        )
        total = st.op(m, "*", k)
        st.question = p.choice(
            "per-day-q",
            (
                "How many {what} did {who} {verb} in all?",
                "How many {what} is that in total?",
                "How many {what} altogether?",
            ),
        ).format(what=what, who=who.again, verb=verb)
        st.answer = total
        return
    if steps == 1 and p.random() < 0.1:
        vehicles, vehicle, people, verb = p.choice("carry", CARRY)
        story = p.choice("carry-story", CARRY_STORY)
        st.add(st.say(story, who, k=k, m=m, V=vehicles, v=vehicle, P=people, verb=verb))
        st.question = p.choice("carry-q", CARRY_Q).format(P=people)
        st.answer = st.op(m, "*", k)
        return
    t = thing(p)
    if steps == 2 and p.random() < 0.2:
        c = container(p, t)
        x = number(p, 1, min(hi, 99))
        story = p.choice("and-loose", AND_LOOSE)
        st.add(st.say(story, who, k=spell(p, k), m=m, x=x, C=c.many, c=c.one, T=t.many))
        st.question = st.say(p.choice("groups-q", GROUPS_Q), who, T=t.many)
        st.answer = st.op(st.op(m, "*", k), "+", x)
        return
    if steps == 1 and p.random() < 0.2:
        c = container(p, t)
        story, question = p.choice("holds", HOLDS)
        st.add(story.format(c=c.one, m=m, T=t.many))
        st.question = question.format(T=t.many, k=k, C=c.many)
        st.answer = st.op(m, "*", k)
        return
    if steps == 1 and p.random() < 0.08:  # dozens
        st.add(st.say("{S} [buy] {k} dozen {T}.", who, k=spell(p, k, 0.4), T=t.many))
        st.question = st.say("How many {T} [do:pres] {s} buy?", who, T=t.many)
        st.answer = st.op(12, "*", k)
        return
    if r < 0.35:
        st.add(st.say(p.choice("rows", ROWS), who, k=spell(p, k), m=m, T=t.many))
        total = st.op(m, "*", k)
    elif r < 0.45 and steps == 1:
        c = container(p, t)
        st.whole = st.say(
            p.choice(
                "groups-if",
                [
                    "If each {c} holds {m} {T}, how many {T} are in {k} {C}?",
                    "If there are {m} {T} in a {c}, how many {T} are there in {k} {C}?",
                    "How many {T} are in {k} {C} if each {c} has {m}?",
                ],
            ),
            who,
            c=c.one,
            C=c.many,
            m=m,
            k=spell(p, k),
            T=t.many,
        )
        st.answer = st.op(m, "*", k)
        return
    else:
        c = container(p, t)
        st.add(
            st.say(p.choice("groups", GROUPS), who, k=spell(p, k), m=m, C=c.many, c=c.one, T=t.many)
        )
        total = st.op(m, "*", k)
    if steps > 1:
        total = add_changes(st, who, t, total, steps - 1, hi, res)
        st.question = ask_have_now(st, who, t)
    else:
        st.question = st.say(p.choice("groups-q", GROUPS_Q), who, T=t.many)
    st.answer = total
