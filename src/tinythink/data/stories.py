"""Word problems that model meaning first, then word it one of many ways.

A story is a small world: owners (people, "you", "I", "a farmer", a shop, a bus)
holding quantities, and events on them (buy, give, eat, break, share, compare...).
Each problem kind builds the meaning (which numbers, which operations, what is
asked) and then realises every sentence from a list of wordings: first, second or
third person, names, pronouns or noun phrases, present or past, conditionals,
the question first or last, and irrelevant sentences with numbers in them.

The operations are kept as ``(a, op, b)`` triples in the order a person would do
them; ``generator.work`` writes each one out digit by digit as the reasoning.

Reading is tested by holding out of training a slice of every wording list and
every word list: :class:`Picker` skips held-out entries when building train rows
and records when a test row used one.
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
from dataclasses import dataclass, field

from tinythink.data import lexicon as lex

# Problem kinds (the ``family`` of a Problem), and the step counts each can build.
KIND_STEPS = {
    "change": (1, 6),
    "combine": (1, 6),
    "compare": (1, 6),
    "groups": (1, 6),
    "times": (1, 6),
    "share": (1, 6),
    "unknown": (1, 2),
    "needed": (1, 6),
    "part_whole": (1, 2),
    "money": (1, 4),
    "measure": (1, 2),
}
KINDS = tuple(KIND_STEPS)
HELD_OUT_PERCENT = 12  # of every list of wordings and of words


def _bucket(key: str) -> int:
    return int(hashlib.blake2b(key.encode(), digest_size=4).hexdigest(), 16) % 100


def is_held_out(key: str) -> bool:
    """Whether a wording or a word is kept out of training (stable across runs)."""
    return _bucket("held-out\0" + key) < HELD_OUT_PERCENT


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text))


# Held-out words: names and things (a thing by its plural, with its singular). A train
# row never contains one of them.
_HELD_THINGS = [t for t in lex.THINGS if is_held_out(t.many)]
HELD_OUT_WORDS = frozenset(
    [w for w in (*lex.SHE_NAMES, *lex.HE_NAMES, *lex.SURNAMES) if is_held_out(w)]
    + [w for t in _HELD_THINGS for w in (t.one, t.many) if " " not in w]
)
# A multi-word thing ("cherry tomatoes") is held out as a whole.
HELD_OUT_THINGS = frozenset(t.many for t in _HELD_THINGS)


def words_held_out(text: str) -> set[str]:
    """The held-out words (names, things) in ``text``."""
    found = _words(text) & HELD_OUT_WORDS
    found |= {t for t in HELD_OUT_THINGS if " " in t and t in text}
    return found


@functools.cache
def _entry_held_out(slot: str, entry: object) -> bool:
    """A thing or a word list entry is held out by its words; a wording also by its text."""
    if isinstance(entry, lex.Thing):
        return entry.many in HELD_OUT_THINGS or bool(_words(entry.many) & HELD_OUT_WORDS)
    text = entry if isinstance(entry, str) else repr(entry)
    if ("{" in text or "[" in text) and len(_literal(text).split()) >= 3:  # a wording
        return is_held_out(f"{slot}\0{text}") or bool(_words(_literal(text)) & HELD_OUT_WORDS)
    return bool(_words(text) & HELD_OUT_WORDS)


# Every list of text entries a Picker has chosen from, by slot: lets tests enumerate
# the wordings (and which are held out) without a second copy of them.
WORDINGS: dict[str, set[str]] = {}


class Picker:
    """Random choices that respect the hold-out: train never picks a held-out entry.

    ``train=True``: entries whose key is held out, or whose text contains a held-out
    word, are skipped (a list keeps at least its first allowed entry).
    ``train=False``: anything may be picked; :attr:`used_held_out` records whether it was.
    """

    def __init__(self, rng: random.Random, train: bool) -> None:
        self.rng = rng
        self.train = train
        self.used_held_out = False

    def _held(self, slot: str, entry: object) -> bool:
        return _entry_held_out(slot, entry)

    def choice(self, slot: str, options: list | tuple):
        first = options[0]
        if isinstance(first, str) and ("{" in first or "[" in first):
            WORDINGS.setdefault(slot, set()).update(options)
        if self.train:
            allowed = [o for o in options if not self._held(slot, o)]
            return self.rng.choice(allowed or list(options[:1]))
        picked = self.rng.choice(options)
        if self._held(slot, picked):
            self.used_held_out = True
        return picked

    def random(self) -> float:
        return self.rng.random()

    def randint(self, a: int, b: int) -> int:
        return self.rng.randint(a, b)


def _literal(template: str) -> str:
    """The fixed words of a wording (slots removed), e.g. for the hold-out test."""
    return re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", template)


# --- owners ---------------------------------------------------------------------------------


@dataclass
class Owner:
    """Someone (or something) that holds things, and how to refer to them."""

    first: str  # first mention: "Mia", "you", "a farmer", "the shop"
    again: str  # a later full mention: "Mia", "you", "the farmer"
    pron: str  # she he you I it they
    obj: str  # her him you me it them
    poss: str  # her his your my its their
    third: bool = True
    first_person: bool = False
    mentioned: bool = False

    def mention(self, p: Picker, start: bool, pronoun_ok: bool = True) -> str:
        """The next way to name this owner: its name first, then often a pronoun."""
        if not self.mentioned:
            self.mentioned = True
            word = self.first
        elif pronoun_ok and p.random() < 0.6:
            word = self.pron
        else:
            word = self.again
        return _cap(word) if start else word


_ONE = {t.many: t.one for t in (*lex.THINGS, *lex.CONTAINERS)} | {
    unit: unit[:-1] for unit in (*(m[1] for m in lex.MEASURES), "years", "dollars", "pages")
}
_ONE["feet"] = "foot"
_ONE_RE = re.compile(
    r"\b1 (" + "|".join(sorted(map(re.escape, _ONE), key=len, reverse=True)) + r")\b"
)


def _tidy(text: str) -> str:
    """Capitalise each sentence and make "1 apples" "1 apple"."""
    text = _ONE_RE.sub(lambda m: "1 " + _ONE[m.group(1)], text)
    text = re.sub(r"\b([Aa]) ([aeiou])", r"\1n \2", text)
    text = re.sub(r"([.?!] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return _cap(text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_SHE = ("she", "her", "her")
_HE = ("he", "him", "his")
RELATIVES = (
    ("sister", _SHE),
    ("brother", _HE),
    ("mom", _SHE),
    ("dad", _HE),
    ("friend", None),
    ("cousin", None),
    ("aunt", _SHE),
    ("uncle", _HE),
    ("neighbor", None),
    ("classmate", None),
    ("grandma", _SHE),
    ("grandpa", _HE),
    ("teacher", None),
    ("best friend", None),
)
_SHE_ROLES = {"girl", "woman", "lady", "grandma", "mother", "aunt"}
_HE_ROLES = {"boy", "man", "grandpa", "father", "uncle"}


def person(p: Picker, exclude: set[str] = frozenset(), allow_you: bool = True) -> Owner:
    """A protagonist: a name, you, I, a role ("a farmer") or a titled surname."""
    r = p.random()
    if allow_you and r < 0.14:
        return Owner("you", "you", "you", "you", "your", third=False)
    if allow_you and r < 0.22:
        return Owner("I", "I", "I", "me", "my", third=False, first_person=True)
    if r < 0.34:
        role = p.choice("role", [x for x in lex.ROLES if x not in exclude])
        she = role in _SHE_ROLES or (role not in _HE_ROLES and p.random() < 0.5)
        pron = _SHE if she else _HE
        article = "an" if role[0] in "aeiou" else "a"
        return Owner(f"{article} {role}", f"the {role}", *pron)
    if r < 0.40:
        surname = p.choice("surname", [x for x in lex.SURNAMES if x not in exclude])
        she = p.random() < 0.5
        title = p.choice("title", ["Mrs.", "Ms.", "Miss"]) if she else "Mr."
        return Owner(f"{title} {surname}", f"{title} {surname}", *(_SHE if she else _HE))
    she = p.random() < 0.5
    names = lex.SHE_NAMES if she else lex.HE_NAMES
    name = p.choice("name", [x for x in names if x not in exclude])
    return Owner(name, name, *(_SHE if she else _HE))


def other_person(p: Picker, main: Owner) -> Owner:
    """A second person: another name, or the protagonist's relative ("her brother")."""
    if p.random() < 0.3 and main.poss != "its":
        rel, pron = p.choice("relative", RELATIVES)
        pron = pron or (_SHE if p.random() < 0.5 else _HE)
        return Owner(f"{main.poss} {rel}", f"{main.poss} {rel}", *pron)
    return person(p, exclude={main.first, main.again}, allow_you=False)


def place(p: Picker) -> Owner:
    where = p.choice("place", lex.PLACES)
    article = "an" if where[0] in "aeiou" else "a"
    first = p.choice("place-article", [f"{article} {where}", f"the {where}"])
    return Owner(first, f"the {where}", "it", "it", "its")


# --- wording ----------------------------------------------------------------------------------

_VERB = re.compile(r"\[(\w+)(?::(\w+))?\]")


class Quantity(int):
    """A result of earlier steps that remembers how it was computed, e.g. ``12+(12+5)``."""

    def __new__(cls, value: int, sign: str, expr: str) -> Quantity:
        self = super().__new__(cls, value)
        self.sign, self.expr = sign, expr
        return self


def _operand(n: int, sign: str, right: bool) -> str:
    """``n`` as an operand of ``sign``, in brackets where the order of operations needs them."""
    if not isinstance(n, Quantity):
        return str(n)
    weak = n.sign in "+-" and sign in "*/"
    return f"({n.expr})" if weak or (right and n.sign in "+-*/") else n.expr


def expression(n: int) -> str:
    """The whole computation behind a result, with the story's numbers: ``30*5-24+16``."""
    return n.expr if isinstance(n, Quantity) else str(n)


@dataclass
class Story:
    """One problem under construction: its sentences, its operations and its answer."""

    p: Picker
    past: bool
    sentences: list[str] = field(default_factory=list)
    ops: list[tuple[int, str, int]] = field(default_factory=list)
    # the main owner's name and the things counted, set by kinds that have one
    owner: str = ""
    things: str = ""
    question: str = ""
    answer: int = 0
    # A conditional or question-first form may replace the plain one.
    whole: str | None = None

    def op(self, a: int, sign: str, b: int) -> Quantity:
        """Record one operation and return its result (which remembers its expression)."""
        value = {"+": a + b, "-": a - b, "*": a * b, "/": a // b if b else 0}[sign]
        if (sign == "-" and b > a) or (sign == "/" and (b == 0 or a % b)):
            raise ValueError(f"not a whole-number step: {a}{sign}{b}")
        self.ops.append((int(a), sign, int(b)))
        return Quantity(value, sign, f"{_operand(a, sign, False)}{sign}{_operand(b, sign, True)}")

    def say(self, template: str, subj: Owner | None = None, *, tense: str = "", **slots) -> str:
        """Fill a wording: ``[verb]`` agrees with ``subj`` (or ``[verb:pl]`` with a plural)."""
        past = self.past if tense == "" else tense == "past"

        def verb(m: re.Match) -> str:
            base, mode = m.group(1), m.group(2)
            if mode == "pl":
                return lex.conjugate(base, third=False, past=past)
            if mode == "base":
                return base
            if mode == "pres":
                return lex.conjugate(base, subj.third, False, subj.first_person)
            return lex.conjugate(
                base, subj.third if subj else True, past, bool(subj and subj.first_person)
            )

        text = _VERB.sub(verb, template)
        if "{S}" in text or "{s}" in text:
            if "{S}" in text:
                slots["S"] = subj.mention(self.p, start=text.startswith("{S}"))
            else:
                slots["s"] = subj.mention(self.p, start=False)
        if "{Poss}" in text:
            slots["Poss"] = subj.poss
        text = text.format(**slots)
        return _tidy(text)

    def add(self, sentence: str) -> None:
        self.sentences.append(sentence)

    def text(self) -> str:
        if self.whole:
            return self.whole
        return " ".join([*self.sentences, self.question])


def _and(chunks: list[str]) -> str:
    """``a``, ``a and b``, ``a, b, and c``."""
    if len(chunks) == 1:
        return chunks[0]
    if len(chunks) == 2:
        return f"{chunks[0]} and {chunks[1]}"
    return ", ".join(chunks[:-1]) + ", and " + chunks[-1]


def number(p: Picker, lo: int, hi: int) -> int:
    """A number in [lo, hi], mostly small as in workbook problems: 45 % up to 20, 47 % up
    to 99, 8 % up to ``hi``."""
    hi = max(lo, hi)
    r = p.random()
    if r < 0.45:
        return p.randint(lo, max(lo, min(hi, 20)))
    if r < 0.92:
        return p.randint(lo, max(lo, min(hi, 99)))
    return p.randint(lo, hi)


def spell(p: Picker, n: int, chance: float = 0.2) -> str:
    """Small counts are sometimes written as words ("four friends")."""
    if 2 <= n < len(lex.NUMBER_WORDS) and p.random() < chance:
        return lex.NUMBER_WORDS[n]
    return str(n)


def thing(p: Picker, kinds: tuple[str, ...] = ("food", "fragile", "item")) -> lex.Thing:
    return p.choice("thing", [t for t in lex.THINGS if t.kind in kinds])


def money(p: Picker, n: int) -> str:
    return p.choice("money", [f"${n}", f"{n} dollars"]) if n != 1 else "$1"


# --- events: gain and lose, as verb phrases (the owner is the subject) or whole sentences ----

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
START_HAVE = (
    "{S} [have] {x} {T}.",
    "{S} [have] {x} {T}.",
    "{S} [own] {x} {T}.",
    "{S} [start] with {x} {T}.",
    "{S} [have] a collection of {x} {T}.",
    "{S} [keep] {x} {T} in a box.",
    "There [be:pl] {x} {T} in {Poss} bag.",
    "{S} [count] {x} {T}.",
)
START_HAVE_PAST = ("At first {s} [have] {x} {T}.", "In the morning, {s} [have] {x} {T}.")

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
)
Q_NOW_PAST = (
    "How many {T} did {s} have then?",
    "How many {T} were left?",
    "How many {T} did {s} have left?",
    "How many {T} did {s} end up with?",
    "How many {T} did {s} have in the end?",
)


def _vp(st: Story, gain: bool, t: lex.Thing, x: int, o: Owner) -> str:
    """A gain or loss of ``x`` as a verb phrase with the owner as subject."""
    p = st.p
    if gain:
        options = GAIN_VP
    else:
        options = (
            LOSS_VP
            + (LOSS_VP_FOOD * 2 if t.kind == "food" else ())
            + (LOSS_VP_FRAGILE * 2 if t.kind == "fragile" else ())
        )
    template = p.choice("gain-vp" if gain else "loss-vp", options)
    return template, {"x": spell(p, x, 0.05), "T": t.many, "O": o.mention(p, False, False)}


def _event(st: Story, who: Owner, gain: bool, t: lex.Thing, x: int, lead: bool) -> str:
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
            O=o.mention(p, True, False),
            O_poss=o.poss,
        )
    else:
        template, slots = _vp(st, gain, t, x, o)
        sentence = st.say("{S} " + template + ".", who, **slots)
    if lead and p.random() < 0.5:
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


def _changes(st: Story, who: Owner, t: lex.Thing, total: int, n: int, hi: int, d_res: int) -> int:
    """``n`` gains and losses applied to ``total``; two may share a sentence ("and")."""
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
        gain, x = pending[i]
        if i + 1 < len(pending) and p.random() < 0.3:
            gain2, x2 = pending[i + 1]
            o = other_person(p, who)
            t1, s1 = _vp(st, gain, t, x, o)
            t2, s2 = _vp(st, gain2, t, x2, o)
            s2 = {f"{k}2": v for k, v in s2.items()}
            t2 = re.sub(r"\{(\w+)\}", r"{\g<1>2}", t2)
            st.add(st.say("{S} " + t1 + " and " + t2 + ".", who, **s1, **s2))
            i += 2
            continue
        st.add(_event(st, who, gain, t, x, lead=i > 0))
        i += 1
    return total


def _ask_have(st: Story, who: Owner, t: lex.Thing) -> str:
    options = Q_NOW + (Q_NOW_PAST if st.past else ())
    return st.say(st.p.choice("q-now", options), who, T=t.many)


# --- the kinds ------------------------------------------------------------------------------


def _start(st: Story, who: Owner, t: lex.Thing, x: int) -> None:
    p = st.p
    options = START_HAVE + (START_HAVE_PAST if st.past else ())
    st.add(st.say(p.choice("start", options), who, x=x, T=t.many))


GROUPS_START = (
    "{S} [have] {k} {C} with {m} {T} in each.",
    "{S} [buy] {k} {C} of {m} {T}.",
    "{S} [have] {k} {C} of {T}, {m} in each.",
    "{S} [get] {k} {C}, each with {m} {T}.",
)


def _start_amount(
    st: Story, who: Owner, t: lex.Thing, hi: int, res: int, room: int
) -> tuple[int, int]:
    """The owner's first amount: plain, or (if ``room`` allows a step) groups of things.

    Returns the amount and the number of steps it used (0 or 1).
    """
    p = st.p
    if room >= 1 and p.random() < 0.3:
        k = p.randint(2, 9)
        m = number(p, 2, min(hi, res // k, 99))
        c = p.choice("container", lex.CONTAINERS)
        template = p.choice("groups-start", GROUPS_START)
        st.add(st.say(template, who, k=spell(p, k), m=m, C=c.many, T=t.many))
        return st.op(m, "*", k), 1
    start = number(p, 2, hi)
    _start(st, who, t, start)
    return start, 0


def change(st: Story, steps: int, hi: int, res: int) -> None:
    p = st.p
    who = person(p) if p.random() < 0.85 else place(p)
    t = thing(p)
    if steps <= 2 and p.random() < 0.25:
        return _conditional_change(st, who, t, steps, hi, res)
    start = number(p, 2, hi)
    if p.random() < 0.1:
        return _scene(st, steps, hi, res)
    start, used = _start_amount(st, who, t, hi, res, steps - 1)
    total = _changes(st, who, t, start, steps - used, hi, res)
    st.question, st.answer = _ask_have(st, who, t), total
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
        template, slots = _vp(st, gain, t, x, o)
        parts.append(st.say(template, who, **slots))
    have = st.say("{s} [have] {x} {T}", who, x=start, T=t.many)
    clauses = " and ".join([have, *(x[0].lower() + x[1:] for x in parts)])
    q = st.say(p.choice("cond-q", COND_Q), who, tense="present", T=t.many)
    st.whole = f"If {clauses}, {q[0].lower()}{q[1:]}"
    st.answer = total


def _scene(st: Story, steps: int, hi: int, res: int) -> None:
    """Things that come and go by themselves: "There are 23 people on a bus. 7 get off." """
    p = st.p
    where, what, arrive, leave = p.choice("scene", lex.SCENES)
    total = number(p, 2, hi)
    be = "were" if st.past else "are"
    st.add(
        _tidy(
            p.choice(
                "scene-start", ("There {be} {n} {what} {where}.", "{where} there {be} {n} {what}.")
            ).format(be=be, n=total, what=what, where=where)
        )
    )
    for i in range(steps):
        room = min(hi, res - total)
        gain = room >= 1 and (total < 2 or p.random() < 0.5)
        x = number(p, 1, room) if gain else number(p, 1, min(hi, total - 1))
        total = st.op(total, "+" if gain else "-", x)
        verb = p.choice("scene-verb", arrive if gain else leave)
        words = verb.split()
        words[0] = lex.conjugate(words[0], third=False, past=st.past)
        lead = p.choice("then", THEN) + " " if i and p.random() < 0.5 else ""
        more = "more " if gain and p.random() < 0.5 else ""
        st.add(_tidy(f"{lead}{x} {more}{what} {' '.join(words)}."))
    scene_q = (
        "How many {what} are {where} now?",
        "How many {what} are there now?",
        "How many {what} are left?",
        "How many {what} are {where} in the end?",
    )
    st.question = p.choice("scene-q", scene_q).format(what=what, where=where)
    st.answer = total


COMBINE_Q = (
    "How many {T} do they have together?",
    "How many {T} do they have in all?",
    "How many {T} do they have altogether?",
    "How many {T} are there in all?",
    "What is the total number of {T}?",
    "How many {T} do the {n} of them have?",
    "How many {T} do they have in total?",
    "How many {T} is that altogether?",
)


def combine(st: Story, steps: int, hi: int, res: int) -> None:
    """Two or three owners (or days, or colours) put together."""
    p = st.p
    r = p.random()
    if r < 0.3:
        return _per_day(st, steps, hi, res)
    t = thing(p)
    if r < 0.5:  # colours: "There are 12 red balloons and 9 blue balloons."
        n = min(3, steps + 1)
        colors = p.rng.sample(lex.COLORS, n)
        counts = [number(p, 1, hi) for _ in colors]
        chunks = [f"{c} {col} {t.many}" for c, col in zip(counts, colors, strict=True)]
        listed = _and(chunks)
        who = person(p)
        intro = (
            "{S} [have] {L}.",
            "In {Poss} room there are {L}.",
            "{S} [buy] {L}.",
            "{S} [see] {L}.",
        )
        st.add(st.say(p.choice("colors", intro), who, L=listed))
        total = counts[0]
        for c in counts[1:]:
            total = st.op(total, "+", c)
        if steps > n - 1:  # then some change to the whole lot
            st.answer = _changes(st, who, t, total, steps - (n - 1), hi, res)
            st.question = _ask_have(st, who, t)
            return
        colors_q = (
            "How many {T} [do:pres] {s} have in all?",
            "How many {T} are there altogether?",
            "How many {T} is that in total?",
            "How many {T} [do:pres] {s} have?",
        )
        st.question = st.say(p.choice("colors-q", colors_q), who, T=t.many)
        st.answer = total
        return
    # owners: "Mia has 12 stickers and Leo has 9."
    n = 3 if steps >= 2 and p.random() < 0.4 else 2
    owners = [person(p, allow_you=False)]
    while len(owners) < n:
        owners.append(person(p, exclude={o.first for o in owners}, allow_you=False))
    counts = [number(p, 1, hi) for _ in owners]
    total = counts[0]
    for c in counts[1:]:
        total = st.op(total, "+", c)
    if p.random() < 0.5:
        first = st.say("{S} [have] {x} {T}", owners[0], x=counts[0], T=t.many)
        rest = [
            st.say("{S} [have] {x}", o, x=c) for o, c in zip(owners[1:], counts[1:], strict=True)
        ]
        st.add(_and([first, *rest]) + ".")
    else:
        have = ("{S} [have] {x} {T}.", "{S} [collect] {x} {T}.", "{S} [bring] {x} {T}.")
        for o, c in zip(owners, counts, strict=True):
            st.add(st.say(p.choice("combine-have", have), o, x=c, T=t.many))
    extra = steps - (n - 1)
    if extra > 0:  # the first owner's amount changes first, then the total is asked
        st.ops.clear()
        total = _changes(st, owners[0], t, counts[0], extra, hi, res)
        for c in counts[1:]:
            total = st.op(total, "+", c)
    q = p.choice("combine-q", COMBINE_Q).format(T=t.many, n=lex.NUMBER_WORDS[n])
    st.question, st.answer = q, total


def _per_day(st: Story, steps: int, hi: int, res: int) -> None:
    """ "She reads 12 pages on Monday and 15 on Tuesday. How many pages in all?" """
    p = st.p
    verb, past, what = p.choice("activity", lex.ACTIVITIES)
    who = person(p)
    n = min(steps + 1, 4)
    start = p.randint(0, 7 - n)
    days = lex.DAYS[start : start + n]
    counts = [number(p, 1, hi) for _ in days]
    total = counts[0]
    for c in counts[1:]:
        total = st.op(total, "+", c)
    v = past if st.past else lex.conjugate(verb, who.third, False, who.first_person)
    if p.random() < 0.5:
        chunks = [f"{counts[0]} {what} on {days[0]}"] + [
            f"{c} on {d}" for c, d in zip(counts[1:], days[1:], strict=True)
        ]
        listed = ", ".join(chunks[:-1]) + (" and " if n == 2 else ", and ") + chunks[-1]
        st.add(st.say("{S} " + v + " " + listed + ".", who))
    else:
        for i, (c, d) in enumerate(zip(counts, days, strict=True)):
            lead = p.choice("day-lead", [f"On {d}", f"On {d},"])
            st.add(
                f"{lead} {who.mention(p, False)} {v} {c} {what if i == 0 or p.random() < 0.5 else 'more'}."
            )
    did = "did" if st.past or p.random() < 0.5 else ("does" if who.third else "do")
    day_q = (
        "How many {what} {did} {who} {verb} in all?",
        "How many {what} {did} {who} {verb} altogether?",
        "How many {what} is that in total?",
        "What is the total number of {what}?",
        "How many {what} {did} {who} {verb} over the {n} days?",
    )
    st.question = p.choice("day-q", day_q).format(
        what=what, did=did, who=who.mention(p, False), verb=verb, n=lex.NUMBER_WORDS[n]
    )
    st.answer = total


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
            B2=_cap(b.pron) if b.pron != "I" else "I",
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
    if steps == 1 and r < 0.25:
        return _inverse_compare(st, a, b, t, hi)
    if steps == 1 and r < 0.35:
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
    x, used = _start_amount(st, a, t, hi, res, steps - 1)
    x = _changes(st, a, t, x, steps - 1 - used, hi, res)
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
    if big:
        m = p.randint(10, min(30, max(10, res // k)))
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
    t = thing(p)
    if steps == 1 and p.random() < 0.2:
        c = p.choice("container", lex.CONTAINERS)
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
        c = p.choice("container", lex.CONTAINERS)
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
        c = p.choice("container", lex.CONTAINERS)
        st.add(
            st.say(p.choice("groups", GROUPS), who, k=spell(p, k), m=m, C=c.many, c=c.one, T=t.many)
        )
        total = st.op(m, "*", k)
    if steps > 1:
        total = _changes(st, who, t, total, steps - 1, hi, res)
        st.question = _ask_have(st, who, t)
    else:
        st.question = st.say(p.choice("groups-q", GROUPS_Q), who, T=t.many)
    st.answer = total


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
    B2 = _cap(b.pron) if b.pron != "I" else "I"
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
        st.answer = _changes(st, b, t, y, steps - 1, hi, res)
        st.question = _ask_have(st, b, t)
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


SHARE = (
    "{S} [share] them equally among {k} friends.",
    "{S} [share] them equally with {k} friends.",
    "{S} [split] them equally among {k} friends.",
    "{S} [divide] them equally among {k} children.",
    "{S} [put] them into {k} equal groups.",
    "{S} [give] the same number to each of {k} friends.",
    "{S} [pack] them equally into {k} boxes.",
)
SHARE_Q = {
    "friends": (
        "How many {T} does each friend get?",
        "How many does each friend get?",
        "How many {T} will each friend get?",
    ),
    "children": ("How many {T} does each child get?", "How many does each child get?"),
    "groups": ("How many {T} are in each group?", "How many are in each group?"),
    "boxes": ("How many {T} go in each box?", "How many {T} are in each box?"),
}


def share(st: Story, steps: int, hi: int, res: int) -> None:
    """Changes, then an exact equal share among k (or: how many groups of k)."""
    p = st.p
    who = person(p)
    t = thing(p)
    big = p.random() < 0.15
    k = p.randint(10, 25) if big else p.randint(2, 9)
    if steps == 1:
        q = number(p, 1, max(1, min(hi, res) // k))
        total = q * k
        r = p.random()
        if r < 0.3:
            st.whole = st.say(
                p.choice(
                    "share-if",
                    [
                        "If {n} {T} are shared equally among {k} friends, how many does each friend get?",
                        "If {s} [share] {n} {T} equally among {k} friends, how many does each get?",
                        "{n} {T} are split equally among {k} children. How many does each child get?",
                    ],
                ),
                who,
                n=total,
                k=spell(p, k),
                T=t.many,
            )
        elif r < 0.5:
            st.add(
                st.say(
                    p.choice(
                        "into-groups",
                        [
                            "{S} [have] {n} {T}. {S2} [put] them into bags of {k}.",
                            "{S} [pack] {n} {T} into bags of {k}.",
                        ],
                    ),
                    who,
                    n=total,
                    k=k,
                    T=t.many,
                    S2=_cap(who.pron),
                )
            )
            st.question = p.choice(
                "groups-of-q",
                (
                    "How many groups of {k} are there?",
                    "How many bags are filled?",
                    "How many bags of {k} are there?",
                ),
            ).format(k=k)
        else:
            st.add(
                st.say(
                    p.choice(
                        "share-have",
                        ["{S} [have] {n} {T}.", "{S} [bake] {n} {T}.", "{S} [buy] {n} {T}."],
                    ),
                    who,
                    n=total,
                    T=t.many,
                )
            )
            template = p.choice("share", SHARE)
            st.add(st.say(template, who, k=spell(p, k)))
            key = next((w for w in SHARE_Q if w in template), "friends")
            st.question = p.choice("share-q", SHARE_Q[key]).format(T=t.many)
        st.answer = st.op(total, "/", k)
        return
    start, used = _start_amount(st, who, t, hi, res, steps - 2)
    total = _changes(st, who, t, start, steps - 2 - used, hi, res)
    # one last change that lands on a multiple of k
    low = max(1, -(-(total - hi) // k))
    high = min(res, total + hi) // k
    choices = [q for q in range(low, high + 1) if q * k != total]
    target = p.choice("share-target", choices) * k
    gain = target > total
    st.add(_event(st, who, gain, t, abs(target - total), lead=True))
    total = st.op(total, "+" if gain else "-", abs(target - total))
    template = p.choice("share", SHARE)
    st.add(st.say(template, who, k=spell(p, k)))
    key = next((w for w in SHARE_Q if w in template), "friends")
    st.question = p.choice("share-q", SHARE_Q[key]).format(T=t.many)
    st.answer = st.op(total, "/", k)


AT_FIRST_Q = (
    "How many {T} did {s} have at first?",
    "How many {T} did {s} have to start with?",
    "How many {T} did {s} have before?",
    "How many {T} did {s} start with?",
)


def _unknown_start_two(st: Story, hi: int) -> None:
    """ "She gave 11 to Sam and 6 to Kim and has 9 left. How many did she have at first?" """
    p = st.p
    who = person(p)
    t = thing(p)
    end = number(p, 1, hi)
    o1, o2 = other_person(p, who), other_person(p, who)
    x1, x2 = number(p, 1, hi), number(p, 1, hi)
    gave = (
        "{S} [give] {x} {T} to {O} and {y} to {O2}.",
        "{S} [give] {x} {T} to {O} and {y} {T} to {O2}.",
        "{S} [sell] {x} {T} and [give] away {y}.",
        "{S} [lose] {x} {T} and then [give] {y} to {O2}.",
    )
    others = {"O": o1.mention(p, False, False), "O2": o2.mention(p, False, False)}
    st.add(st.say(p.choice("gave-two", gave), who, tense="past", x=x1, y=x2, T=t.many, **others))
    left = ("{S} [have] {e} left.", "{S} [have] {e} {T} left.", "Now {s} [have:pres] {e} {T}.")
    st.add(st.say(p.choice("left-two", left), who, tense="past", e=end, T=t.many))
    st.question = st.say(p.choice("at-first", AT_FIRST_Q), who, T=t.many)
    st.answer = st.op(st.op(end, "+", x1), "+", x2)


def unknown(st: Story, steps: int, hi: int, res: int) -> None:
    """Unknown change or unknown start: "She gave some away and now has 27." """
    p = st.p
    if steps >= 2:
        return _unknown_start_two(st, hi)
    who = person(p)
    t = thing(p)
    o = other_person(p, who)
    start = number(p, 3, hi)
    gain = p.random() < 0.5
    x = number(p, 1, hi) if gain else number(p, 1, start - 1)
    end = start + x if gain else start - x
    some_gain = (
        "[find] some more",
        "[buy] some more",
        "[get] some more from {O}",
        "[win] some more",
        "[collect] some more",
    )
    some_loss = (
        "[give] some to {O}",
        "[give] some away",
        "[lose] some",
        "[sell] some",
        "[use] some",
    ) + (("[eat] some",) if t.kind == "food" else ())
    if p.random() < 0.5:  # unknown change: start - end (or end - start)
        st.add(st.say("{S} [have] {x} {T}.", who, tense="past", x=start, T=t.many))
        vp = p.choice("some", some_gain if gain else some_loss)
        st.add(st.say("{S} " + vp + ".", who, tense="past", O=o.mention(p, False, False)))
        st.add(
            st.say(
                p.choice(
                    "now-has",
                    [
                        "Now {s} [have:pres] {e} {T}.",
                        "Now {s} [have:pres] {e}.",
                        "{S} [have:pres] {e} {T} now.",
                    ],
                ),
                who,
                e=end,
                T=t.many,
            )
        )
        verb = re.search(r"\[(\w+)\]", vp).group(1)
        rest = vp.split("]", 1)[1].replace(" some", "").replace("{O}", o.again).strip()
        q = f"How many {t.many} did {who.mention(p, False)} {verb} {rest}".rstrip() + "?"
        q = q.replace(" more?", "?").replace("  ", " ")
        st.question = q
        st.answer = st.op(end, "-", start) if gain else st.op(start, "-", end)
    else:  # unknown start: end + x (lost) or end - x (gained)
        vp = p.choice(
            "known-change",
            ("[give] away {x}", "[lose] {x}", "[sell] {x}", "[give] {x} to {O}")
            if not gain
            else ("[buy] {x} more", "[find] {x} more", "[get] {x} more from {O}"),
        )
        vp_text = st.say(vp, who, tense="past", x=x, O=o.mention(p, False, False))
        forms = [
            "After {s} {v}, {s2} [have:pres] {e} {T}.",
            "{S} {v} and now [have:pres] {e} {T}.",
        ]
        template = p.choice("after", forms)
        st.add(
            st.say(template, who, v=vp_text[0].lower() + vp_text[1:], e=end, T=t.many, s2=who.pron)
        )
        st.question = st.say(
            p.choice(
                "at-first",
                [
                    "How many {T} did {s} have at first?",
                    "How many {T} did {s} have to start with?",
                    "How many {T} did {s} have before?",
                    "How many {T} did {s} start with?",
                ],
            ),
            who,
            T=t.many,
        )
        st.answer = st.op(end, "+", x) if not gain else st.op(end, "-", x)


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
        n = number(p, 2, hi)
        k = number(p, 1, n - 1)
        story, question = p.choice("capacity", CAPACITY)
        S2 = _cap(who.pron) if who.pron != "I" else "I"
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
    _start(st, who, t, start)
    total = _changes(st, who, t, start, steps - 1, hi - 1, min(res, hi) - 1)
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


NOT_PART = (
    ("{S} [have] {n} {T}. {k} of them are {adj}.", "How many are not {adj}?"),
    ("{S} [have] {n} {T}, and {k} of them are {adj}.", "How many {T} are not {adj}?"),
    ("There are {n} {T} in a box. {k} are {adj}.", "How many {T} are not {adj}?"),
    ("Of {Poss} {n} {T}, {k} are {adj}.", "How many of them are not {adj}?"),
)
ADJECTIVES = ("red", "broken", "new", "old", "big", "small", "wet", "clean", "striped", "painted")


def part_whole(st: Story, steps: int, hi: int, res: int) -> None:
    """A part of a whole given, the other part asked: "30 students, 12 are boys." """
    p = st.p
    if steps == 1 and p.random() < 0.3:
        who = person(p)
        t = thing(p)
        n = number(p, 2, hi)
        k = number(p, 1, n - 1)
        story, question = p.choice("not-part", NOT_PART)
        adj = p.choice("adjective", ADJECTIVES)
        st.add(st.say(story, who, n=n, k=k, T=t.many, adj=adj))
        st.question = st.say(question, who, T=t.many, adj=adj)
        st.answer = st.op(n, "-", k)
        return
    whole, parts = p.choice("parts", lex.PARTS)
    n = 3 if steps >= 2 and len(parts) >= 3 else 2
    parts = parts[:n]
    counts = [number(p, 1, max(1, hi // n)) for _ in parts]
    total = sum(counts)
    where = p.choice(
        "part-where",
        [
            "There are {N} {W} in a {place}.",
            "A {place} has {N} {W}.",
            "{N} {W} are at the {place}.",
            "There are {N} {W} at the {place}.",
        ],
    ).format(
        N=total,
        W=whole,
        place=p.choice(
            "part-place",
            ["park", "club", "room", "yard", "shop", "garden", "school", "show", "farm", "hall"],
        ),
    )
    st.add(where)
    known = [f"{c} are {w}" for c, w in zip(counts[:-1], parts[:-1], strict=True)]
    st.add(
        _cap(
            " and ".join(known)
            + (", and the rest are " + parts[-1] if p.random() < 0.5 else "")
            + "."
        )
    )
    st.question = p.choice(
        "part-q", ("How many {X} are there?", "How many are {X}?", "How many of them are {X}?")
    ).format(X=parts[-1])
    left = total
    for c in counts[:-1]:
        left = st.op(left, "-", c)
    st.answer = left


AT_EACH = (
    "{S} [buy] {k} {T} at {p} each.",
    "{S} [buy] {k} {T} for {p} each.",
    "{S} [buy] {k} {T}. Each one costs {p}.",
    "{S} [get] {k} {T} that cost {p} each.",
    "{T_} cost {p} each, and {s} [buy] {k}.",
)
AT_EACH_Q = (
    "How much [do:pres] {s} spend?",
    "How much money [do:pres] {s} spend in all?",
    "How much do the {T} cost altogether?",
    "What is the total cost?",
)


def _purchases(st: Story, steps: int, hi: int, res: int) -> None:
    """ "She buys 3 notebooks at $4 each" (and another item, a bill to pay with)."""
    p = st.p
    who = person(p)
    t = thing(p, ("item", "food"))
    k, price = p.randint(2, 9), number(p, 1, min(hi, 30))
    st.add(
        st.say(
            p.choice("at-each", AT_EACH),
            who,
            k=spell(p, k),
            T=t.many,
            T_=_cap(t.many),
            p=money(p, price),
        )
    )
    cost = st.op(price, "*", k)
    if steps >= 2 and p.random() < 0.5:  # and one more thing
        other = p.choice("thing", [x for x in lex.THINGS if x.kind != "fragile" and x != t])
        extra = number(p, 1, min(hi, 30))
        and_one = (
            "{S} also [buy] a {t} for {p}.",
            "{S} [buy] a {t} for {p} too.",
            "A {t} costs {p}, and {s} [buy] one.",
        )
        st.add(st.say(p.choice("and-one", and_one), who, t=other.one, p=money(p, extra)))
        cost = st.op(cost, "+", extra)
        steps -= 1
    if steps >= 2:
        bill = min((b for b in (10, 20, 50, 100, 200, 500, 1000) if b > cost), default=None)
        if bill is None:
            raise ValueError("no bill large enough")
        pays = ("{S} [pay] with a {b} bill.", "{S} [give] the cashier {b}.", "{S} [pay] with {b2}.")
        st.add(st.say(p.choice("pays-bill", pays), who, b=f"${bill}", b2=money(p, bill)))
        change_q = (
            "How much change [do:pres] {s} get?",
            "How much money [do:pres] {s} get back?",
            "How much change should {s} get?",
        )
        st.question = st.say(p.choice("change-q2", change_q), who)
        st.answer = st.op(bill, "-", cost)
        return
    asked = AT_EACH_Q[:2] + AT_EACH_Q[3:] if len(st.ops) > 1 else AT_EACH_Q  # not "the pens"
    st.question = st.say(p.choice("at-each-q", asked), who, T=t.many)
    st.answer = cost


def money_kind(st: Story, steps: int, hi: int, res: int) -> None:
    """Prices: cost of several, change from a payment, money left after buying."""
    p = st.p
    if steps <= 3 and p.random() < 0.35:
        return _purchases(st, steps, hi, res)
    who = person(p)
    t = thing(p, ("item", "food"))
    price = number(p, 1, min(hi, 50))
    r = p.random()
    if steps == 1 and r < 0.35:
        k = p.randint(2, 9)
        st.add(
            st.say(
                p.choice(
                    "price",
                    [
                        "One {t} costs {p}.",
                        "A {t} costs {p}.",
                        "Each {t} costs {p}.",
                        "{T} cost {p} each.",
                    ],
                ),
                who,
                t=t.one,
                T=_cap(t.many),
                p=money(p, price),
            )
        )
        st.question = st.say(
            p.choice(
                "cost-q",
                [
                    "How much do {k} {T} cost?",
                    "How much [do:pres] {s} pay for {k} {T}?",
                    "What is the cost of {k} {T}?",
                    "How many dollars do {k} {T} cost?",
                ],
            ),
            who,
            k=spell(p, k),
            T=t.many,
        )
        st.answer = st.op(price, "*", k)
        return
    if steps == 1 and r < 0.65:
        pay = p.choice("bill", [b for b in (5, 10, 20, 50, 100) if b > price] or [price + 1])
        st.add(
            st.say(
                p.choice(
                    "pays",
                    [
                        "{S} [buy] a {t} for {p} and [pay] with a {b} bill.",
                        "{S} [pay] for a {p} {t} with a {b} bill.",
                        "A {t} costs {p}. {S} [pay] with {b2}.",
                    ],
                ),
                who,
                t=t.one,
                p=money(p, price),
                b=f"${pay}",
                b2=money(p, pay),
            )
        )
        st.question = st.say(
            p.choice(
                "change-q",
                [
                    "How much change [do:pres] {s} get?",
                    "How much change should {s} get back?",
                    "How much money [do:pres] {s} get back?",
                ],
            ),
            who,
        )
        st.answer = st.op(pay, "-", price)
        return
    have = number(p, price + 1, max(price + 1, min(hi, res)))
    st.add(
        st.say(
            p.choice(
                "money-have",
                [
                    "{S} [have] {m}.",
                    "{S} [have] {m} in {Poss} wallet.",
                    "{S} [save] {m}.",
                    "{S} [take] {m} to the store.",
                ],
            ),
            who,
            m=money(p, have),
        )
    )
    left = have
    for _ in range(steps):
        if left < 2:
            break
        cost = number(p, 1, min(left - 1, 60))
        st.add(
            st.say(
                p.choice(
                    "spend",
                    [
                        "{S} [buy] a {t} for {p}.",
                        "{S} [spend] {p} on a {t}.",
                        "Then {s} [buy] a {t} that costs {p}.",
                        "{S} [pay] {p} for a {t}.",
                    ],
                ),
                who,
                t=p.choice("thing", [x for x in lex.THINGS if x.kind != "fragile"]).one,
                p=money(p, cost),
            )
        )
        left = st.op(left, "-", cost)
    st.question = st.say(
        p.choice(
            "left-q",
            [
                "How much money [do:pres] {s} have left?",
                "How many dollars [do:pres] {s} have left?",
                "How much money is left?",
                "How much [do:pres] {s} have now?",
            ],
        ),
        who,
    )
    st.answer = left


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


BUILDERS = {
    "change": change,
    "combine": combine,
    "compare": compare,
    "groups": groups,
    "times": times,
    "share": share,
    "unknown": unknown,
    "needed": needed,
    "part_whole": part_whole,
    "money": money_kind,
    "measure": measure,
}


def add_same_thing_distractor(st: Story, owner_name: str, things: str) -> bool:
    """ "Her sister has 45 dollars." in a story about Lena's dollars: only when the question
    asks about the owner by name, so the extra amount is plainly someone else's."""
    p = st.p
    if not owner_name or owner_name not in st.question or things not in st.text():
        return False
    other = person(p, exclude={owner_name}, allow_you=False)
    template = p.choice(
        "same-distractor", ("{S} [have] {n} {T}.", "{S} [have] {n} {T} too.", "{S} [own] {n} {T}.")
    )
    at = p.randint(1, max(1, len(st.sentences)))
    st.sentences.insert(at, st.say(template, other, n=p.randint(2, 60), T=things))
    return True


def add_distractor(st: Story, who: Owner | None = None) -> None:
    """An irrelevant sentence with a number in it, before the question."""
    p = st.p
    who = who or person(p, allow_you=False)
    template = p.choice("distractor", lex.DISTRACTORS)
    sentence = st.say(
        template,
        who,
        n=p.randint(2, 60),
        h=p.randint(2, 11),
        g=p.randint(1, 6),
        Poss=_cap(who.poss),
    )
    at = p.randint(1, max(1, len(st.sentences)))
    st.sentences.insert(at, sentence)
