"""One owner's amount: how it starts, its gains and losses, and "how many now?".

Gains and losses are worded as verb phrases with the owner as subject ("buys 5 more")
or as whole sentences with another subject ("Leo gives her 5 more."); two may share a
sentence. Most kinds start and change an amount this way before their own step.
"""

from __future__ import annotations

import re

from tinythink.data import lexicon as lex
from tinythink.data.stories.owners import Owner, other_person
from tinythink.data.stories.wording import Story, container, number, spell

# --- the start -----------------------------------------------------------------------------

START_HAVE = (
    "{S} [have] {x} {T}.",
    "{S} [have] {x} {T}.",
    "{S} [own] {x} {T}.",
    "{S} [start] with {x} {T}.",
    "{S} [have] a collection of {x} {T}.",
    "{S} [keep] {x} {T} in a box.",
    "{S} [have] {x} {T} in {Poss} bag.",
    "{S} [count] {x} {T}.",
    "At the start of the day, {s} [have] {x} {T}.",
    "{S} initially [have] {x} {T}.",
    "To begin with, {s} [have] {x} {T}.",
)
START_HAVE_NOW = ("{S} currently [have] {x} {T}.", "Right now {s} [have] {x} {T}.")
START_HAVE_PAST = ("At first {s} [have] {x} {T}.", "In the morning, {s} [have] {x} {T}.")
# A shop, a school, a farm: "A toy store had 40 kites in stock."
START_PLACE = (
    "{S} [have] {x} {T} in stock.",
    "{S} [have] {x} {T} on its shelves.",
    "There [be:pl] {x} {T} at {s}.",
)


def add_start(st: Story, who: Owner, t: lex.Thing, x: int) -> None:
    """The owner's first amount as a sentence ("Mia has 12 stickers.")."""
    p = st.p
    options = START_HAVE + (START_HAVE_PAST if st.past else START_HAVE_NOW)
    if who.poss == "its":
        options += START_PLACE
    st.add(st.say(p.choice("start", options), who, x=x, T=t.many))


GROUPS_START = (
    "{S} [have] {k} {C} with {m} {T} in each.",
    "{S} [buy] {k} {C} of {m} {T}.",
    "{S} [have] {k} {C} of {T}, {m} in each.",
    "{S} [get] {k} {C}, each with {m} {T}.",
)


def start_amount(
    st: Story, who: Owner, t: lex.Thing, hi: int, res: int, room: int
) -> tuple[int, int]:
    """The owner's first amount: plain, or (if ``room`` allows a step) groups of things.

    Returns the amount and the number of steps it used (0 or 1).
    """
    p = st.p
    if room >= 1 and p.random() < 0.3:
        k = p.randint(2, 9)
        m = number(p, 2, min(hi, res // k, 99))
        c = container(p, t)
        template = p.choice("groups-start", GROUPS_START)
        st.add(st.say(template, who, k=spell(p, k), m=m, C=c.many, T=t.many))
        return st.op(m, "*", k), 1
    start = number(p, 2, hi)
    add_start(st, who, t, start)
    return start, 0


# --- gains and losses ----------------------------------------------------------------------

GAIN_VP = (
    "[buy] {x} more {T}",
    "[buy] {x} more",
    "[buy] another {x}",
    "[find] {x} more {T}",
    "[find] {x} more",
    "[get] {x} more {T}",
    "[get] {x} more from {O}",
    "[get] {x} {T} from {O}",
    "[win] {x} more {T}",
    "[win] {x} more at a fair",
    "[pick] up {x} more",
    "[receive] {x} {T} from {O}",
    "[collect] {x} more {T}",
    "[collect] {x} more",
    "[be] given {x} more {T}",
    "[be] given {x} more by {O}",
    "[get] {x} {T} as a gift",
    "[add] {x} more {T} to the pile",
    "[borrow] {x} {T} from {O}",
    "[bring] home {x} more",
    "[trade] for {x} more {T}",
    "[make] {x} more",
    "[get] another {x} {T}",
    "[gather] {x} more",
)
GAIN_SENT = (
    "{O} [give] {P} {x} more {T}.",
    "{O} [give] {P} {x} more.",
    "{O} [hand] {P} {x} {T}.",
    "{O} [bring] {P} {x} more {T}.",
    "{O} [send] {P} {x} {T}.",
    "Then {O} [give] {P} {x} more.",
    "{O} [share] {x} of {O_poss} {T} with {P}.",
    "{x} more {T} [arrive:pl] in the mail.",
)
LOSS_VP = (
    "[give] {x} {T} to {O}",
    "[give] {x} to {O}",
    "[give] {O} {x} of them",
    "[give] away {x}",
    "[give] away {x} {T}",
    "[lose] {x}",
    "[lose] {x} {T}",
    "[lose] {x} of them",
    "[sell] {x}",
    "[sell] {x} {T}",
    "[sell] {x} of them",
    "[use] {x}",
    "[use] {x} {T}",
    "[use] {x} of them",
    "[donate] {x} {T}",
    "[throw] away {x}",
    "[trade] away {x} {T}",
    "[lend] {x} {T} to {O}",
    "[send] {x} {T} to {O}",
    "[drop] {x}",
    "[leave] {x} at school",
    "[pack] {x} away",
    "[put] {x} in a box for {O}",
    "[hand] out {x}",
)
LOSS_VP_FOOD = (
    "[eat] {x}",
    "[eat] {x} of them",
    "[eat] {x} {T}",
    "[cook] {x}",
    "[eat] {x} for lunch",
)
LOSS_VP_FRAGILE = (
    "[break] {x}",
    "[break] {x} of them",
    "[crack] {x} {T}",
    "[drop] and [break] {x}",
)
LOSS_SENT = (
    "{O} [take] {x} of them.",
    "{O} [take] {x} {T}.",
    "{O} [borrow] {x} {T}.",
    "{x} of them [get:pl] lost.",
    "{x} {T} [go:pl] missing.",
    "{O} [buy] {x} {T} from {P}.",
)
LOSS_SENT_FOOD = ("{O} [eat] {x} of them.", "{x} of them [go:pl] bad.", "{O} [eat] {x} {T}.")
LOSS_SENT_FRAGILE = ("{x} of them [break:pl].", "{x} {T} [break:pl] on the way home.")
THEN = ("Then", "After that,", "Later,", "Next,", "The next day,", "In the afternoon,", "Soon")


def event_phrase(
    st: Story, gain: bool, t: lex.Thing, x: int, o: Owner, names: str = ""
) -> tuple[str, dict[str, str]]:
    """A gain or loss of ``x`` as a verb phrase with the owner as subject.

    ``names="kind"``: the phrase names the things ("gives out 27 pencils", not "gives out
    27"), where several kinds are about. ``names="first"``: it is the story's first word on
    them, so it also refers to nothing before it ("sold 17 brushes", not "17 more").
    """
    p = st.p
    if gain:
        options = GAIN_VP
    else:
        options = (
            LOSS_VP
            + (LOSS_VP_FOOD * 2 if t.kind == "food" else ())
            + (LOSS_VP_FRAGILE * 2 if t.kind == "fragile" else ())
        )
    if names:
        unnamed = r"of them|more|another" if names == "first" else r"of them"
        options = tuple(o for o in options if "{T}" in o and not re.search(unnamed, o))
    template = p.choice("gain-vp" if gain else "loss-vp", options)
    return template, {"x": spell(p, x, 0.05), "T": t.many, "O": o.mention(p, False, False)}


def event_sentence(st: Story, who: Owner, gain: bool, t: lex.Thing, x: int, lead: bool) -> str:
    """One gain or loss as a sentence: mostly "She buys 5 more.", sometimes another subject."""
    p = st.p
    o = other_person(p, who)
    named = who.mentioned and not who.first.startswith(("the", "a ", "an "))
    if p.random() < 0.2 and who.third and named:
        sents = GAIN_SENT if gain else LOSS_SENT
        if not gain and t.kind == "food":
            sents += LOSS_SENT_FOOD
        if not gain and t.kind == "fragile":
            sents += LOSS_SENT_FRAGILE
        template = p.choice("gain-sent" if gain else "loss-sent", sents)
        sentence = st.say(
            template,
            o,
            x=spell(p, x, 0.05),
            T=t.many,
            P=who.obj,
            O=o.mention(p, template.startswith("{O}"), False),
            O_poss=o.poss,
        )
    else:
        template, slots = event_phrase(st, gain, t, x, o)
        sentence = st.say("{S} " + template + ".", who, **slots)
    if lead and p.random() < 0.5 and not sentence.startswith("Then "):
        first = p.choice("then", THEN)
        sentence = f"{first} {_after_lead(sentence)}"
    return sentence


def _after_lead(sentence: str) -> str:
    """A sentence continued after "Then": its first word lower-cased unless it is a name."""
    word = sentence.split()[0].strip(".,")
    names = word in lex.SHE_NAMES or word in lex.HE_NAMES or word in lex.SURNAMES
    if names or sentence.startswith(("I ", "Mr", "Ms", "Miss")):
        return sentence
    return sentence[0].lower() + sentence[1:]


# Several events in one sentence: "buys 5 and gives away 3", "spends 13, then finds 8,
# then spends 20". {0} {1} {2} are the events' verb phrases.
JOIN_TWO = (
    "{0} and {1}",
    "{0} and then {1}",
    "{0}, then {1}",
    "{0}, and later {1}",
    "{0} and {1}",
)
JOIN_TWO_MIXED = ("{0} but {1}", "{0}, but then {1}")  # a gain and a loss
JOIN_THREE = (
    "{0}, {1}, and then {2}",
    "{0}, then {1}, then {2}",
    "{0}, {1} and {2}",
    "first {0}, then {1}, and finally {2}",
    "{0}, then {1}, and then {2}",
)


def join_phrases(st: Story, who: Owner, phrases: list[tuple[str, dict[str, str]]]) -> str:
    """Two or three verb phrases (each a template and its slots, the owner their subject)
    as one sentence: "She buys 5 more, gives 3 to Leo, and then loses 2." A "but" joins
    two only when ``mixed`` gains and losses are marked by a leading "+" or "-"."""
    p = st.p
    texts, slots = [], {}
    for j, (template, own) in enumerate(phrases):
        texts.append(re.sub(r"\{(\w+)\}", rf"{{\g<1>{j}}}", template))
        slots.update({f"{key}{j}": value for key, value in own.items()})
    if len(phrases) == 3:
        joined = p.choice("join-three", JOIN_THREE)
    else:
        mixed = slots.get("gain0") != slots.get("gain1")
        joined = p.choice("join-two", JOIN_TWO + (JOIN_TWO_MIXED if mixed else ()))
    body = joined.format(*texts)
    if body.startswith("first "):  # "First she buys 5 more, then ..."
        return st.say("First {s} " + body.removeprefix("first ") + ".", who, **slots)
    return st.say("{S} " + body + ".", who, **slots)


def _joined_events(st: Story, who: Owner, t: lex.Thing, events: list[tuple[bool, int]]) -> str:
    """Two or three gains and losses of things as one sentence."""
    o = other_person(st.p, who)
    phrases = []
    for gain, x in events:
        template, slots = event_phrase(st, gain, t, x, o)
        phrases.append((template, {**slots, "gain": str(gain)}))
    return join_phrases(st, who, phrases)


def add_changes(
    st: Story, who: Owner, t: lex.Thing, total: int, n: int, hi: int, d_res: int
) -> int:
    """``n`` gains and losses applied to ``total``, a sentence each or two or three to a
    sentence ("gives 4 to Ana and buys 6 more", "spends 13, then finds 8, then spends 20")."""
    p = st.p
    pending: list[tuple[bool, int]] = []
    for _ in range(n):
        room = min(hi, d_res - total)
        gain = room >= 1 and (total < 2 or p.random() < 0.5)
        x = number(p, 1, room) if gain else number(p, 1, min(hi, total - 1))
        total = st.op(total, "+" if gain else "-", x)
        pending.append((gain, x))
    i = 0
    while i < len(pending):
        left, r = len(pending) - i, p.random()
        size = 3 if left >= 3 and r < 0.15 else 2 if left >= 2 and r < 0.45 else 1
        if size > 1:
            st.add(_joined_events(st, who, t, pending[i : i + size]))
        else:
            gain, x = pending[i]
            st.add(event_sentence(st, who, gain, t, x, lead=i > 0))
        i += size
    return total


# --- the question --------------------------------------------------------------------------

Q_NOW = (
    "How many {T} [do:pres] {s} have now?",
    "How many {T} [do:pres] {s} have now?",
    "How many {T} [do:pres] {s} have left?",
    "How many {T} [do:pres] {s} have in the end?",
    "How many {T} are left?",
    "How many are left?",
    "How many {T} [do:pres] {s} have at the end?",
    "How many {T} [do:pres] {s} end up with?",
    "What is the number of {T} {s} [have:pres] now?",
    "Find how many {T} {s} [have:pres] now.",
    "How many {T} [do:pres] {s} still have?",
    "How many {T} remain?",
    "Now how many {T} [do:pres] {s} have?",
    "How many {T} are there now?",
    "How many {T} [do:pres] {s} have altogether now?",
    "How many {T} [be:pres] {s} left with?",
    "How many {T} [do:pres] {s} have remaining?",
    "How many {T} [do:pres] {s} have after that?",
)
Q_NOW_PAST = (
    "How many {T} did {s} have then?",
    "How many {T} were left?",
    "How many {T} did {s} have left?",
    "How many {T} did {s} end up with?",
    "How many {T} did {s} have in the end?",
    "How many {T} [be] {s} left with?",
)


def ask_have_now(st: Story, who: Owner, t: lex.Thing) -> str:
    """The question: how many of its things the owner has now (or had then)."""
    options = Q_NOW + (Q_NOW_PAST if st.past else ())
    return st.say(st.p.choice("q-now", options), who, T=t.many)
