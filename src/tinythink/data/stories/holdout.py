"""The hold-out: which wordings and words train never sees, and the Picker that obeys it.

A stable hash puts ``HELD_OUT_PERCENT`` of every list of wordings and of words (names,
things) out of training. Every random choice a story makes goes through a
:class:`Picker`: for train it skips held-out entries, for val/test/ood it records
whether one was used.
"""

from __future__ import annotations

import functools
import hashlib
import random
import re

from tinythink.data import lexicon as lex

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


def _wording(entry: object) -> object:
    """A wording paired with what goes with it (its question, the words it may take) is
    held out, and listed, by its text."""
    if isinstance(entry, tuple) and entry and isinstance(entry[0], str) and "{" in entry[0]:
        return entry[0]
    return entry


@functools.cache
def _entry_held_out(slot: str, entry: object) -> bool:
    """A thing or a word list entry is held out by its words; a wording also by its text."""
    entry = _wording(entry)
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
        first = _wording(options[0])
        if isinstance(first, str) and ("{" in first or "[" in first):
            WORDINGS.setdefault(slot, set()).update(_wording(o) for o in options)
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
