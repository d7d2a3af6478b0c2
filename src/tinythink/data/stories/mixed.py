"""The ``mixed`` kind: several kinds of things at once, and the question asks about one kind
(or some of them). "A teacher has 33 pencils and 44 crayons. She gives out 27 pencils.
How many pencils does she have left?" is 33-27: the crayons are there to be left out.

Kinds are colours of one thing ("red" and "blue marbles"), things that go together
("apples" and "oranges"), or the parts of a whole ("cats", "dogs": "pets").
Changes to a kind the question does not ask about are told too, and count for nothing.
"""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.combine import _and
from tinythink.data.stories.events import event_phrase, join_phrases
from tinythink.data.stories.owners import other_person, person, place
from tinythink.data.stories.wording import Story, number, thing

HAVE_ALL = (
    "{S} [have] {L}.",
    "{S} [have] {L} in {Poss} room.",
    "{S} [buy] {L}.",
    "{S} [collect] {L}.",
    "There [be:pl] {L} in {Poss} basket.",
    "{S} [start] the day with {L}.",
    "{S} [pick] {L}.",
)
HAVE_ALL_NOW = ("{S} currently [have] {L}.", "Right now {s} [have] {L}.")
PLACE_HAVE_ALL = ("{S} [have] {L} in stock.", "There [be:pl] {L} at {s}.")
ASK_ONE = (
    "How many {T} [do:pres] {s} have now?",
    "How many {T} [do:pres] {s} have left?",
    "How many {T} are left?",
    "How many {T} [do:pres] {s} have in the end?",
    "How many {T} [be:pres] {s} left with?",
    "Now how many {T} [do:pres] {s} have?",
)
ASK_SOME = (
    "How many {L} [do:pres] {s} have now in all?",
    "How many {L} [do:pres] {s} have altogether now?",
    "How many {L} are there in total now?",
)
ASK_WHOLE = (
    "How many {W} [do:pres] {s} have now?",
    "How many {W} are there altogether now?",
    "How many {W} [do:pres] {s} have in all now?",
)


_PEOPLE = {"students", "children", "people", "players"}  # parts of a whole nobody owns


def _kinds(p, n: int) -> tuple[list[lex.Thing], str]:
    """``n`` kinds of things that go together, and the word for all of them."""
    r = p.random()
    if r < 0.35:
        t = thing(p, ("item", "fragile"))
        colors = p.rng.sample(lex.COLORS, n)
        return [lex.Thing(f"{c} {t.one}", f"{c} {t.many}", t.kind) for c in colors], t.many
    if r < 0.6:
        owned = [x for x in lex.PARTS if len(x[1]) >= n and x[0] not in _PEOPLE]
        whole, parts = p.choice("parts", owned)
        parts = list(parts[:n])
        return [lex.Thing(lex.SINGULAR.get(x, x), x, "item") for x in parts], whole
    first = thing(p)
    kinds = [first]
    while len(kinds) < n:
        t = thing(p, (first.kind,))
        if t.many not in (k.many for k in kinds):
            kinds.append(t)
    return kinds, "things" if first.kind != "food" else "pieces of food"


def mixed(st: Story, steps: int, hi: int, res: int) -> None:
    """Two or three kinds; changes to some; the question asks one kind, two, or all."""
    p = st.p
    who = person(p) if p.random() < 0.85 else place(p)
    n = 3 if p.random() < 0.35 else 2
    kinds, whole = _kinds(p, n)
    counts = [number(p, 2, hi) for _ in kinds]
    r = p.random()
    # which kinds the question asks for, and the steps left for changes to them
    if r < 0.6 or steps == 1:
        asked = [p.randint(0, n - 1)]
    elif r < 0.85 or n == 2:
        asked = sorted(p.rng.sample(range(n), 2))
    else:
        asked = list(range(n))
    changes = steps - (len(asked) - 1)
    if changes < 1 and len(asked) == 1:
        raise ValueError("a single kind needs a change")
    listed = _and([f"{c} {k.many}" for c, k in zip(counts, kinds, strict=True)])
    options = HAVE_ALL + (() if st.past else HAVE_ALL_NOW)
    options += PLACE_HAVE_ALL if who.poss == "its" else ()
    st.add(st.say(p.choice("have-all", options), who, L=listed))
    # the changes: to asked kinds (they count) and, now and then, to another kind
    o = other_person(p, who)
    amounts = {i: counts[i] for i in range(n)}
    events: list[tuple[int, bool, int]] = []
    targets = [p.choice("changed", asked) for _ in range(max(0, changes))]
    others = [i for i in range(n) if i not in asked]
    if others and p.random() < 0.6:
        targets.insert(p.randint(0, len(targets)), -1 - p.choice("other", others))
    for target in targets:
        i = target if target >= 0 else -1 - target
        total = amounts[i]
        room = min(hi, res - total)
        gain = room >= 1 and (total < 2 or p.random() < 0.5)
        x = number(p, 1, room) if gain else number(p, 1, min(hi, total - 1))
        if target >= 0:
            amounts[i] = st.op(total, "+" if gain else "-", x)
        else:
            amounts[i] = total + x if gain else total - x
        events.append((i, gain, x))
    phrases = []
    for i, gain, x in events:  # each names its kind: "gives out 27 pencils"
        template, slots = event_phrase(st, gain, kinds[i], x, o, names="kind")
        phrases.append((template, {**slots, "gain": str(gain)}))
    j = 0
    while j < len(phrases):
        pair = j + 1 < len(phrases) and p.random() < 0.4
        if pair:
            st.add(join_phrases(st, who, phrases[j : j + 2]))
        else:
            template, slots = phrases[j]
            st.add(st.say("{S} " + template + ".", who, **slots))
        j += 2 if pair else 1
    total = amounts[asked[0]]
    for i in asked[1:]:
        total = st.op(total, "+", amounts[i])
    if len(asked) == 1:
        st.question = st.say(p.choice("ask-one", ASK_ONE), who, T=kinds[asked[0]].many)
    elif len(asked) == n:
        st.question = st.say(p.choice("ask-whole", ASK_WHOLE), who, W=whole)
    else:
        names = " and ".join(kinds[i].many for i in asked)
        st.question = st.say(p.choice("ask-some", ASK_SOME), who, L=names)
    st.answer = total
