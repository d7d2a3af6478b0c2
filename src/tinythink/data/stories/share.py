"""The ``share`` kind: an exact division. Equal shares ("among 4 friends", "over 3 months",
"between herself and her 3 friends"), or how many groups ("bags of 6", "9 on each
shelf", "every packet holds 7"); often after a first step that makes the amount
("17 bears and a shipment of 10", "68 cupcakes, 32 eaten, the rest packed 6 to a box").
"""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.events import add_changes, event_sentence, start_amount
from tinythink.data.stories.owners import Owner, other_person, person
from tinythink.data.stories.wording import Story, number, spell, thing

# Who or what receives an equal share, and how the question asks about one of them.
_GETS = (
    "How many {T} does each {r} get?",
    "How many does each {r} get?",
    "How many {T} will each {r} get?",
    "How many {T} does each {r} receive?",
    "How many {T} will each {r} have?",
)
_IN = ("How many {T} are in each {r}?", "How many {T} go in each {r}?", "How many are in each {r}?")
_ON = ("How many {T} are on each {r}?", "How many {T} go on each {r}?", "How many are on each {r}?")
RECEIVERS = {
    "friend": ("friends", _GETS),
    "child": ("children", _GETS),
    "student": ("students", _GETS),
    "team": ("teams", _GETS),
    "cousin": ("cousins", _GETS),
    "box": ("boxes", _IN),
    "bag": ("bags", _IN),
    "basket": ("baskets", _IN),
    "group": ("groups", _IN),
    "jar": ("jars", _IN),
    "row": ("rows", _IN),
    "shelf": ("shelves", _ON),
    "plate": ("plates", _ON),
    "tray": ("trays", _ON),
    "table": ("tables", _ON),
}

# An equal share of the amount already told ({them}: "them", "the rest", ...).
SHARE = (
    ("{S} [share] {them} equally among {k} {R}.", ("friend", "child", "cousin")),
    ("{S} [split] {them} equally among {k} {R}.", ("friend", "child", "team")),
    ("{S} [divide] {them} equally between {k} {R}.", ("child", "friend", "team")),
    ("{S} [give] the same number to each of {k} {R}.", ("friend", "child", "student")),
    ("{S} [hand] {them} out equally to {k} {R}.", ("student", "child", "friend")),
    ("{S} [pack] {them} equally into {k} {R}.", ("box", "bag", "basket", "jar")),
    ("{S} [put] {them} into {k} equal groups.", ("group",)),
    ("{S} [put] {them} equally on {k} {R}.", ("shelf", "plate", "tray", "table")),
    ("{S} [place] an equal number in each of {k} {R}.", ("box", "bag", "basket", "jar")),
    ("{S} [arrange] {them} in {k} equal rows.", ("row",)),
    ("{S} [want] to give {them} to {k} {R}, the same number each.", ("friend", "cousin")),
)
# The amount and the share in one sentence: the two numbers stand close together.
SHARE_ONE = (
    ("{S} [share] {n} {T} equally among {k} {R}.", ("friend", "child")),
    ("{S} [put] {n} {T} equally on {k} {R}.", ("shelf", "plate", "table")),
    ("{S} [divide] {n} {T} equally between {k} {R}.", ("child", "friend", "team")),
    ("{S} [pack] {n} {T} into {k} {R}, the same number in each.", ("box", "bag", "jar")),
    ("{n} {T} are shared equally among {k} {R}.", ("friend", "child", "student")),
    ("{S} [give] {n} {T} to {k} {R}, the same number to each.", ("friend", "child", "student")),
    ("{S} [have] {n} {T} to put into {k} {R} equally.", ("box", "basket", "bag")),
    ("There are {n} {T} for {k} {R} to share equally.", ("friend", "child", "team")),
)
SHARE_IF = (
    "If {n} {T} are shared equally among {k} {R}, how many does each {r} get?",
    "If {s} [share] {n} {T} equally among {k} {R}, how many does each {r} get?",
    "{n} {T} are split equally among {k} {R}. How many does each {r} get?",
    "If {n} {T} are put equally into {k} {R}, how many go in each {r}?",
)
SHARE_IF_RECEIVERS = {
    0: ("friend", "child"),
    1: ("friend",),
    2: ("child", "team"),
    3: ("box", "bag"),
}

# How many groups: the size of each group is told, their number asked.
GROUPS_OF = (
    ("{S} [put] {them} into bags of {k}.", "bag"),
    ("{S} [pack] {them} {k} to a box.", "box"),
    ("{S} [put] {k} on each shelf.", "shelf"),
    ("Every packet holds {k}.", "packet"),
    ("Each box holds {k} {T}.", "box"),
    ("{S} [tie] {them} in bundles of {k}.", "bundle"),
    ("{S} [make] piles of {k}.", "pile"),
    ("{S} [want] to put {k} {T} into every jar.", "jar"),
    ("{S} [fill] bags with {k} {T} each.", "bag"),
    ("{S} [sort] {them} into groups of {k}.", "group"),
    ("{S} [put] {k} {T} on each plate.", "plate"),
)
GROUPS_OF_PLURAL = {
    "bag": "bags",
    "box": "boxes",
    "shelf": "shelves",
    "packet": "packets",
    "bundle": "bundles",
    "pile": "piles",
    "jar": "jars",
    "group": "groups",
    "plate": "plates",
}
GROUPS_OF_Q = (
    "How many {R} [do:pres] {s} fill?",
    "How many {R} [do:pres] {s} need?",
    "How many {R} are needed?",
    "How many {R} can {s} fill?",
    "How many {R} does that make?",
    "How many full {R} are there?",
)
# The same amount every day, week or month until it is used up.
OVER_TIME = (
    ("{S} [want] to use {them} up in {k} {U}, the same number each {u}.", "use"),
    ("{S} [plan] to sell {them} over {k} {U}, an equal number each {u}.", "sell"),
    ("{S} [give] {them} away equally over {k} {U}.", "give away"),
)
OVER_TIME_FOOD = (("{S} [eat] {them} over {k} {U}, the same number each {u}.", "eat"),)
OVER_TIME_Q = (
    "How many {T} [do:pres] {s} {v} each {u}?",
    "How many [do:pres] {s} {v} each {u}?",
    "How many {T} is that each {u}?",
)
TIME_UNITS = (("days", "day"), ("weeks", "week"), ("months", "month"))
# The sharer counts too: "between herself and her 3 friends" is 4 shares.
WITH_SELF = (
    "{S} [share] {them} equally between {Self} and {Poss} {k} {R}.",
    "{S} and {Poss} {k} {R} share {them} equally.",
    "{S} [split] {them} evenly between {Self} and {k} {R}.",
)
WITH_SELF_Q = (
    "How many {T} does each of them get?",
    "How many {T} does each person get?",
    "How many does each one get?",
)
# After a loss the share is of what is left; after a gain, of everything.
THEM_AFTER_LOSS = ("the rest", "the others", "what is left", "the rest of them", "them")
THEM_AFTER_GAIN = ("them", "all of them", "them all", "all the {T}")


def _divisor(p, big: bool) -> int:
    return p.randint(10, 25) if big else p.randint(2, 9)


def _ask(st: Story, who: Owner, t: lex.Thing, k: int, them: str) -> None:
    """The sentence that divides the amount by ``k``, and its question. ``them`` names the
    amount ("them", "the rest", "all the {T}")."""
    p = st.p
    r = p.random()
    them = them.format(T=t.many)
    if r < 0.5:
        template, receivers = p.choice("share", SHARE)
        receiver = p.choice("receiver", receivers)
        plural, questions = RECEIVERS[receiver]
        st.add(st.say(template, who, k=spell(p, k), R=plural, them=them))
        st.question = st.say(p.choice("share-q", questions), who, T=t.many, r=receiver)
    elif r < 0.85:
        template, container = p.choice("groups-of", GROUPS_OF)
        st.add(st.say(template, who, k=k, T=t.many, them=them))
        plural = GROUPS_OF_PLURAL[container]
        st.question = st.say(p.choice("groups-of-q", GROUPS_OF_Q), who, R=plural, k=k)
    else:
        options = OVER_TIME + (OVER_TIME_FOOD if t.kind == "food" else ())
        template, verb = p.choice("over-time", options)
        units, unit = p.choice("time-unit", TIME_UNITS)
        st.add(st.say(template, who, k=spell(p, k), U=units, u=unit, them=them))
        st.question = st.say(p.choice("over-time-q", OVER_TIME_Q), who, T=t.many, v=verb, u=unit)


def _with_self(st: Story, who: Owner, t: lex.Thing, k: int, them: str) -> int:
    """ "She shares them equally between herself and her 3 friends": k + 1 shares, one
    step of its own. Returns the number of shares."""
    p = st.p
    template = p.choice("with-self", WITH_SELF)
    receiver = p.choice("self-receiver", ("friends", "cousins", "brothers", "sisters"))
    st.add(st.say(template, who, k=spell(p, k), R=receiver, them=them.format(T=t.many)))
    st.question = st.say(p.choice("with-self-q", WITH_SELF_Q), who, T=t.many)
    return st.op(k, "+", 1)


def _one_step(st: Story, who: Owner, t: lex.Thing, k: int, hi: int, res: int) -> None:
    """An amount and its division, in one sentence or two, or as a conditional."""
    p = st.p
    total = number(p, 1, max(1, min(hi, res) // k)) * k
    r = p.random()
    if r < 0.2:
        index = p.randint(0, len(SHARE_IF) - 1)
        receiver = p.choice("receiver", SHARE_IF_RECEIVERS[index])
        template = p.choice("share-if", [SHARE_IF[index]])
        plural = RECEIVERS[receiver][0]
        st.whole = st.say(template, who, n=total, k=spell(p, k), T=t.many, R=plural, r=receiver)
    elif r < 0.45:
        template, receivers = p.choice("share-one", SHARE_ONE)
        receiver = p.choice("receiver", receivers)
        plural, questions = RECEIVERS[receiver]
        st.add(st.say(template, who, n=total, k=spell(p, k), T=t.many, R=plural))
        st.question = st.say(p.choice("share-q", questions), who, T=t.many, r=receiver)
    else:
        have = ["{S} [have] {n} {T}.", "{S} [buy] {n} {T}.", "{S} [get] {n} {T}."]
        if t.many in lex.BAKED:
            have.append("{S} [bake] {n} {T}.")
        st.add(st.say(p.choice("share-have", have), who, n=total, T=t.many))
        _ask(st, who, t, k, "them")
    st.answer = st.op(total, "/", k)


POOL = (
    ("{S} [have] {a} {T}", " and ", "{S} [have] {b}."),
    ("{S} [bring] {a} {T}", ", and ", "{S} [bring] {b} more."),
    ("{S} [pick] {a} {T}.", " ", "{S} [pick] {b}."),
    ("{S} [make] {a} {T}.", " ", "{S} [make] {b} more."),
)


def _two_owners_pool(st: Story, who: Owner, t: lex.Thing, hi: int, d: int) -> int:
    """ "Ana picks 17 apples and her brother picks 10": the first step is their sum, made
    a multiple of ``d``."""
    p = st.p
    other = other_person(p, who)
    a = number(p, 1, hi)
    low = -(-(a + 1) // d) * d
    b = p.choice("pool-target", range(low, low + 5 * d, d)) - a
    if b > hi:
        raise ValueError("no second amount small enough")
    first, joiner, second = p.choice("pool", POOL)
    inner = joiner != " "
    text = st.say(first, who, a=a, T=t.many) + joiner + st.say(second, other, inner=inner, b=b)
    st.add(text)
    return st.op(a, "+", b)


def share(st: Story, steps: int, hi: int, res: int) -> None:
    """A division of an amount, told at once (one step) or made by earlier steps."""
    p = st.p
    who = person(p)
    t = thing(p)
    k = _divisor(p, big=p.random() < 0.15)
    if steps == 1:
        return _one_step(st, who, t, k, hi, res)
    sharer = steps >= 3 and p.random() < 0.15  # the last two steps: k + 1, then the share
    room = steps - 1 - sharer
    if room == 1 and p.random() < 0.25:  # "Ana has 17 and Leo has 10. They pack them 9 to a box."
        total = _two_owners_pool(st, who, t, hi, k + sharer)
        them = p.choice("them-gain", THEM_AFTER_GAIN)
    else:
        start, used = start_amount(st, who, t, hi, res, room - 1)
        total = add_changes(st, who, t, start, room - 1 - used, hi, res)
        # one last change that lands on a multiple of the divisor
        d = k + sharer
        low = max(1, -(-(total - hi) // d))
        high = min(res, total + hi) // d
        choices = [q for q in range(low, high + 1) if q * d != total]
        target = p.choice("share-target", choices) * d
        gain = target > total
        st.add(event_sentence(st, who, gain, t, abs(target - total), lead=True))
        total = st.op(total, "+" if gain else "-", abs(target - total))
        them = p.choice(
            "them-gain" if gain else "them-loss", THEM_AFTER_GAIN if gain else THEM_AFTER_LOSS
        )
    if sharer:
        st.answer = st.op(total, "/", _with_self(st, who, t, k, them))
        return
    _ask(st, who, t, k, them)
    st.answer = st.op(total, "/", k)
