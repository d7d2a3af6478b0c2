"""A story under construction, and the small draws every kind makes.

:class:`Story` holds the sentences, the operations (each result a :class:`Quantity`
that remembers its expression, which becomes the plan line) and the answer, and fills
wordings: ``[verb]`` agrees with the subject and the story's tense, ``{S}`` names the
subject. :func:`tidy` fixes the finished text ("1 apples", "a egg", capitals).
:func:`number`, :func:`spell`, :func:`thing` and :func:`money` draw and write numbers
and things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tinythink.data import lexicon as lex
from tinythink.data.stories.holdout import Picker

if TYPE_CHECKING:
    from tinythink.data.stories.owners import Owner

_VERB = re.compile(r"\[(\w+)(?::(\w+))?\]")


class Quantity(int):
    """A result of earlier steps that remembers how it was computed: ``left sign right``,
    each a number or a Quantity, made by the story's operation number ``step``."""

    def __new__(cls, value: int, sign: str, left: int, right: int, step: int) -> Quantity:
        self = super().__new__(cls, value)
        self.sign, self.left, self.right, self.step = sign, left, right, step
        return self


def _worked(n: int, done: range) -> bool:
    return not isinstance(n, Quantity) or n.step in done


def _operand(n: int, sign: str, right: bool, done: range) -> str:
    """``n`` as an operand of ``sign``, in brackets where the order of operations needs them."""
    if _worked(n, done):
        return str(int(n))
    weak = n.sign in "+-" and sign in "*/"
    text = expression(n, done)
    return f"({text})" if weak or (right and n.sign in "+-*/") else text


def expression(n: int, done: range = range(0)) -> str:
    """The whole computation behind a result, with the story's numbers: ``30*5-24+16``.

    The results of the operations numbered in ``done`` are written as their values:
    what is left to compute once they are worked (``150-24+16`` after the first).
    """
    if _worked(n, done):
        return str(int(n))
    return f"{_operand(n.left, n.sign, False, done)}{n.sign}{_operand(n.right, n.sign, True, done)}"


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
        return Quantity(value, sign, a, b, step=len(self.ops) - 1)

    def say(
        self,
        template: str,
        subj: Owner | None = None,
        *,
        tense: str = "",
        inner: bool = False,
        **slots,
    ) -> str:
        """Fill a wording: ``[verb]`` agrees with ``subj``; ``[verb:pl]`` with the count
        ``{x}`` ("3 of them break", "1 of them breaks").

        ``inner``: the text goes inside a sentence ("If {s} [have] ..., how many..."), so
        its first word keeps its case ("a farmer", not "A farmer").
        """
        past = self.past if tense == "" else tense == "past"

        def verb(m: re.Match) -> str:
            base, mode = m.group(1), m.group(2)
            if mode == "pl":
                return lex.conjugate(base, third=str(slots.get("x")) == "1", past=past)
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
                slots["S"] = subj.mention(self.p, start=text.startswith("{S}") and not inner)
            else:
                slots["s"] = subj.mention(self.p, start=False)
        if "{Poss}" in text:
            slots["Poss"] = subj.poss
        if "{Self}" in text:
            slots["Self"] = subj.reflexive
        text = text.format(**slots)
        return tidy(text, inner=inner)

    def add(self, sentence: str) -> None:
        self.sentences.append(sentence)

    def text(self) -> str:
        """The problem as asked, tidied once more as a whole (some sentences are built
        from fragments that :meth:`say` never saw together)."""
        return tidy(self.whole or " ".join([*self.sentences, self.question]))


_ONE = lex.SINGULAR | {t.many: t.one for t in (*lex.THINGS, *lex.CONTAINERS)}
_ONE_RE = re.compile(
    r"\b(1 (?:more |fewer |less )?(?:(?:"
    + "|".join(lex.COLORS)
    + r") )?)("
    + "|".join(sorted(map(re.escape, _ONE), key=len, reverse=True))
    + r")\b"
)


def tidy(text: str, inner: bool = False) -> str:
    """Capitalise each sentence (but the first word of an ``inner`` part of one) and make
    "1 apples" "1 apple", "1 more apples" "1 more apple"."""
    text = _ONE_RE.sub(lambda m: m.group(1) + _ONE[m.group(2)], text)
    text = re.sub(r"\b([Aa]) ([aeiou])", r"\1n \2", text)
    text = re.sub(r"([.?!] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text if inner else cap(text)


def cap(text: str) -> str:
    """``text`` with its first letter capitalised."""
    return text[:1].upper() + text[1:]


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
    """A thing to count, of one of ``kinds``."""
    return p.choice("thing", [t for t in lex.THINGS if t.kind in kinds])


def container(p: Picker, t: lex.Thing) -> lex.Thing:
    """Something to hold ``t`` in groups (never ``t`` itself: not "4 boxes of 18 boxes")."""
    return p.choice("container", [c for c in lex.CONTAINERS if c.many != t.many])


def money(p: Picker, n: int) -> str:
    """``n`` dollars as "$5" or "5 dollars"."""
    return p.choice("money", [f"${n}", f"{n} dollars"]) if n != 1 else "$1"
