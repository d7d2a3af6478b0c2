"""The ``implied`` kind: a number the words imply but do not write -- every day for a week
(7), a dozen (12), a pair (2), hours in minutes (60), days in hours (24), a year of months
(12) -- which the plan writes out ("5*7"); then, with steps to spare, changes.
"""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.events import add_changes, ask_have_now
from tinythink.data.stories.owners import Owner, person
from tinythink.data.stories.wording import Story, number, spell, thing

# (story, question, implied number); {m} the amount per unit.
PER_WEEK = (
    ("{S} [verb] {m} {what} every day for a week.", "How many {what} did {s} {verb} in all?"),
    ("{S} [verb] {m} {what} each day of the week.", "How many {what} is that for the week?"),
    ("For a whole week, {s} [verb] {m} {what} a day.", "How many {what} did {s} {verb} that week?"),
    ("Every day for one week, {s} [verb] {m} {what}.", "How many {what} altogether?"),
)
PER_WEEKS = (
    ("{S} [verb] {m} {what} every day for {k} weeks.", "How many {what} did {s} {verb} in all?"),
    ("For {k} weeks, {s} [verb] {m} {what} each day.", "How many {what} is that altogether?"),
)
PER_YEAR = (
    ("{S} [save] {m} dollars every month for a year.", "How many dollars did {s} save?"),
    ("{S} [pay] {m} dollars a month for a year.", "How much did {s} pay in the year?"),
    ("A club collects {m} dollars each month for one year.", "How many dollars does it collect?"),
)
UNITS = (
    # (story with {k} units, question, implied number per unit)
    ("{S} [practice] the piano for {k} hours.", "How many minutes is that?", 60),
    ("A movie lasts {k} hours.", "How many minutes long is the movie?", 60),
    ("{S} [sleep] for {k} hours.", "How many minutes did {s} sleep?", 60),
    ("A trip takes {k} days.", "How many hours does the trip take?", 24),
    ("{S} [stay] at the camp for {k} days.", "How many hours is that?", 24),
    ("{S} [hold] {Poss} breath for {k} minutes.", "How many seconds is that?", 60),
    ("A baby is {k} years old.", "How many months old is the baby?", 12),
    ("{S} [buy] {k} dozen {T}.", "How many {T} [do:pres] {s} buy?", 12),
    ("{S} [bake] {k} dozen {B}.", "How many {B} [do:pres] {s} bake?", 12),
    ("A box holds a dozen {T}. {S} [have] {k} boxes.", "How many {T} [do:pres] {s} have?", 12),
    ("{S} [have] {k} pairs of {P}.", "How many {P} is that?", 2),
    ("{S} [buy] {k} pairs of {P}.", "How many {P} did {s} buy?", 2),
    ("{k} children each wear a pair of {P}.", "How many {P} are there?", 2),
)
PAIRED = ("socks", "gloves", "shoes", "boots", "mittens", "earrings", "skates")
# Two steps: a unit and some more of the small one ("2 hours and 15 minutes").
AND_SOME = (
    ("A movie is {k} hours and {x} minutes long.", "How many minutes long is it?", 60),
    ("{S} [walk] for {k} hours and {x} minutes.", "How many minutes did {s} walk?", 60),
    ("{S} [have] {k} dozen {T} and {x} more.", "How many {T} [do:pres] {s} have?", 12),
    ("{S} [have] {k} pairs of {P} and {x} odd ones.", "How many {P} [do:pres] {s} have?", 2),
)


def _rate(st: Story, who: Owner, steps: int, hi: int) -> None:
    """A daily or monthly amount over an implied span (one step, or two over k weeks)."""
    p = st.p
    verb, _, what = p.choice("activity", lex.ACTIVITIES)
    m = number(p, 2, min(hi, 50))
    if steps == 2:
        k = p.randint(2, 5)
        story, question = p.choice("per-weeks", PER_WEEKS)
        st.add(st.say(story.replace("[verb]", f"[{verb}]"), who, m=m, k=spell(p, k), what=what))
        st.answer = st.op(st.op(m, "*", 7), "*", k)
    elif p.random() < 0.25:
        story, question = p.choice("per-year", PER_YEAR)
        st.add(st.say(story, who, m=m))
        st.answer, what, verb = st.op(m, "*", 12), "dollars", "save"
    else:
        story, question = p.choice("per-week", PER_WEEK)
        st.add(st.say(story.replace("[verb]", f"[{verb}]"), who, m=m, what=what))
        st.answer = st.op(m, "*", 7)
    st.question = st.say(question.replace("{verb}", verb), who, what=what)


def implied(st: Story, steps: int, hi: int, res: int) -> None:
    """An implied number once, then (with steps to spare) changes to the things counted."""
    p = st.p
    who = person(p)
    t = thing(p)
    r = p.random()
    if steps <= 2 and r < 0.35:
        return _rate(st, who, steps, hi)
    slots = {
        "T": t.many,
        "P": p.choice("paired", PAIRED),
        "B": p.choice("baked", sorted(lex.BAKED)),
    }
    if steps == 2 and r < 0.55:
        story, question, unit = p.choice("and-some", AND_SOME)
        k = p.randint(1, 9) if unit != 12 else p.randint(2, 9)
        x = number(p, 1, unit - 1) if unit != 2 else 1
        st.add(st.say(story, who, k=spell(p, k, 0.3), x=x, **slots))
        st.question = st.say(question, who, **slots)
        st.answer = st.op(st.op(unit, "*", k), "+", x)
        return
    # Later steps change the things counted ("She buys 3 dozen eggs. She uses 10."), so
    # only stories about things go on.
    options = UNITS if steps == 1 else tuple(u for u in UNITS if "{T}" in u[0])
    story, question, unit = p.choice("units", options)
    k = p.randint(2, 9) if p.random() < 0.8 else p.randint(10, 25)
    st.add(st.say(story, who, k=spell(p, k, 0.3), **slots))
    total = st.op(unit, "*", k)
    if steps == 1:
        st.question = st.say(question, who, **slots)
        st.answer = total
        return
    st.answer = add_changes(st, who, t, total, steps - 1, hi, res)
    st.question = ask_have_now(st, who, t)
