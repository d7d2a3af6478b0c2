"""The ``change`` kind: a start, then gains and losses; a scene where things come and go
by themselves; or one conditional sentence ("If you have 3 apples and give away 1...").
"""

from __future__ import annotations

import re

from tinythink.data import lexicon as lex
from tinythink.data.stories.events import (
    THEN,
    add_changes,
    ask_have_now,
    event_phrase,
    start_amount,
)
from tinythink.data.stories.owners import Owner, other_person, person, place
from tinythink.data.stories.wording import Story, number, thing, tidy


def change(st: Story, steps: int, hi: int, res: int) -> None:
    """A start, then gains and losses; or a conditional, or a scene, instead."""
    p = st.p
    who = person(p) if p.random() < 0.85 else place(p)
    t = thing(p)
    if steps <= 2 and p.random() < 0.25:
        return _conditional_change(st, who, t, steps, hi, res)
    start = number(p, 2, hi)
    if p.random() < 0.1:
        return _scene(st, steps, hi, res)
    start, used = start_amount(st, who, t, hi, res, steps - 1)
    total = add_changes(st, who, t, start, steps - used, hi, res)
    st.question, st.answer = ask_have_now(st, who, t), total
    st.owner, st.things = who.again, t.many


COND_Q = (
    "how many are left?",
    "how many {T} are left?",
    "how many {T} [do:pres] {s} have?",
    "how many {T} [do:pres] {s} have now?",
    "how many will {s} have?",
    "how many {T} will {s} have left?",
    "how many would {s} have?",
    "how many {T} would be left?",
    "how many [do:pres] {s} have left?",
)


def _conditional_change(st: Story, who: Owner, t: lex.Thing, steps: int, hi: int, res: int) -> None:
    """ "If you have 3 apples and give away 1, how many are left?" """
    p = st.p
    start = number(p, 2, hi)
    total, parts = start, []
    o = other_person(p, who)
    for _ in range(steps):
        room = min(hi, res - total)
        gain = room >= 1 and (total < 2 or p.random() < 0.4)
        x = number(p, 1, room) if gain else number(p, 1, min(hi, total - 1))
        total = st.op(total, "+" if gain else "-", x)
        template, slots = event_phrase(st, gain, t, x, o)
        parts.append(st.say(template, who, inner=True, **slots))
    have = st.say("{s} [have] {x} {T}", who, inner=True, x=start, T=t.many)
    clauses = " and ".join([have, *parts])
    q = st.say(p.choice("cond-q", COND_Q), who, tense="present", inner=True, T=t.many)
    st.whole = f"If {clauses}, {q}"
    st.answer = total


STOPS = ("At the first stop,", "At the second stop,", "At the third stop,", "At the fourth stop,")
SCENE_START = (
    "There {be} {n} {what} {where}.",
    "{where} there {be} {n} {what}.",
    "There {be} currently {n} {what} {where}.",
    "At the start of the day, there {be} {n} {what} {where}.",
)


def _scene(st: Story, steps: int, hi: int, res: int) -> None:
    """Things that come and go by themselves: "There are 23 people on a bus. At the first
    stop, 7 get off and 4 get on." """
    p = st.p
    where, what, arrive, leave = p.choice("scene", lex.SCENES)
    total = number(p, 2, hi)
    be = "were" if st.past else "are"
    template = p.choice("scene-start", SCENE_START if not st.past else SCENE_START[:2])
    st.add(tidy(template.format(be=be, n=total, what=what, where=where)))
    moves = []
    for _ in range(steps):
        room = min(hi, res - total)
        gain = room >= 1 and (total < 3 or p.random() < 0.5)
        x = number(p, 2, max(2, room)) if gain else number(p, 1, min(hi, total - 1))
        total = st.op(total, "+" if gain else "-", x)
        verb = p.choice("scene-verb", arrive if gain else leave).split()
        verb[0] = lex.conjugate(verb[0], third=x == 1, past=st.past)
        more = "more " if gain and p.random() < 0.5 else ""
        moves.append(f"{x} {more}{what} {' '.join(verb)}")
    stops = where in ("on a bus", "on a train") and p.random() < 0.6
    i = 0
    while i < len(moves):
        pair = i + 1 < len(moves) and p.random() < 0.4
        text = f"{moves[i]} and {moves[i + 1].replace(f' {what} ', ' ', 1)}" if pair else moves[i]
        lead = ""
        if stops:
            lead = STOPS[min(len(st.sentences) - 1, len(STOPS) - 1)] + " "
        elif i and p.random() < 0.5:
            lead = p.choice("then", THEN) + " "
        st.add(tidy(f"{lead}{text}."))
        i += 2 if pair else 1
    scene_q = (
        "How many {what} are {where} now?",
        "How many {what} are there now?",
        "How many {what} are left?",
        "How many {what} are {where} in the end?",
    )
    again = re.sub(r"\ban? ", "the ", where, count=1)  # "in a pond", then "in the pond"
    st.question = p.choice("scene-q", scene_q).format(what=what, where=again)
    st.answer = total
