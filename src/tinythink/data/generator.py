"""Deterministic grade-school word problems with digit-level worked reasoning.

Four families, each a story of 1..N arithmetic steps:

- ``change``:  start with a amount, then gain or lose some, step after step;
- ``groups``:  n groups of m items ("6 boxes with 12 pens in each"), then changes;
- ``share``:   changes, then an exact equal share among k people;
- ``compare``: changes to one person, then "how many more than" another.

The reasoning writes every operation column by column, least significant digit
first, with carries and borrows spelt out (``47+38: 7+8=15, 4+3+1=8, so 85.``).
Small transformers learn this far better than whole-number equations (see
docs/experiments.md): each digit then depends on a few visible tokens only.

Splits are disjoint by construction: a question's split is a hash of its text,
so no val/test question can ever be generated into train.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tinythink.data.problem import Problem

FAMILIES = ("change", "groups", "share", "compare")
SPLITS = ("train", "val", "test", "ood")
# Bump when generated text changes, so cached data built by older code is not reused.
FORMAT_VERSION = 2

# Hash buckets (out of 100) that each split may draw from.
_SPLIT_BUCKETS = {"train": range(0, 90), "val": range(90, 95), "test": range(95, 100)}
_SPLIT_BUCKETS["ood"] = _SPLIT_BUCKETS["test"]

SHE_NAMES = ("Mia", "Ana", "Ivy", "Zoe", "Eva", "Lily", "Nora", "Yuki", "Ella", "Rosa")
HE_NAMES = ("Leo", "Sam", "Tom", "Max", "Ben", "Omar", "Ravi", "Finn", "Jack", "Kofi")
NAMES = SHE_NAMES + HE_NAMES
OBJECTS = (
    "apples",
    "pens",
    "stickers",
    "marbles",
    "books",
    "coins",
    "cards",
    "shells",
    "cookies",
    "stamps",
    "balloons",
    "pencils",
    "beads",
    "candies",
    "toys",
    "rocks",
)
CONTAINERS = ("boxes", "bags", "jars", "baskets", "packs", "rows", "crates", "trays")
GAINS = (
    "{P} buys {x} more.",
    "{P} finds {x} more.",
    "{F} gives {p} {x} more.",
    "{P} gets {x} more from {F}.",
    "{P} wins {x} more.",
    "{P} picks up {x} more.",
)
LOSSES = (
    "{P} gives {x} to {F}.",
    "{P} loses {x}.",
    "{P} sells {x}.",
    "{P} gives away {x}.",
    "{P} uses {x}.",
    "{F} takes {x} of them.",
)
THEN = ("", "Then ", "After that, ", "Next, ")


@dataclass(frozen=True)
class Difficulty:
    """How hard a split's problems are: step count range and operand size."""

    min_steps: int = 1
    max_steps: int = 4
    max_operand: int = 99  # largest number written in a question
    max_result: int = 999  # largest intermediate or final result
    families: tuple[str, ...] = FAMILIES

    def __post_init__(self) -> None:
        if not 1 <= self.min_steps <= self.max_steps:
            raise ValueError(
                f"need 1 <= min_steps <= max_steps, got min_steps={self.min_steps}, "
                f"max_steps={self.max_steps}"
            )
        if self.max_operand < 10:
            raise ValueError(f"max_operand must be >= 10, got {self.max_operand}")
        if self.max_result < self.max_operand:
            raise ValueError(
                f"max_result ({self.max_result}) must be >= max_operand ({self.max_operand})"
            )
        unknown = [f for f in self.families if f not in FAMILIES]
        if unknown or not self.families:
            raise ValueError(
                f"unknown problem families {unknown or '[]'}; choose from {', '.join(FAMILIES)}"
            )


@dataclass(frozen=True)
class GeneratorConfig:
    """Sizes and difficulties of the built-in splits (the ``data.generator`` config)."""

    n_train: int = 100_000
    n_val: int = 1_000
    n_test: int = 1_000
    n_ood: int = 1_000
    seed: int = 1234
    train: Difficulty = field(default_factory=Difficulty)
    # OOD is harder than anything trained on: half have more steps, half bigger numbers.
    ood_steps: Difficulty = field(
        default_factory=lambda: Difficulty(min_steps=5, max_steps=6, max_result=999)
    )
    ood_digits: Difficulty = field(
        default_factory=lambda: Difficulty(max_operand=999, max_result=9999)
    )


# --- digit-level working --------------------------------------------------------------------


def _digits_lsb(n: int) -> list[int]:
    return [int(c) for c in reversed(str(n))]


def work_add(a: int, b: int) -> str:
    """``47+38: 7+8=15, 4+3+1=8, so 85.`` -- columns from the units up, carries shown."""
    da, db = _digits_lsb(a), _digits_lsb(b)
    width = max(len(da), len(db))
    da += [0] * (width - len(da))
    db += [0] * (width - len(db))
    cols, carry = [], 0
    for x, y in zip(da, db, strict=True):
        s = x + y + carry
        cols.append(f"{x}+{y}+{carry}={s}" if carry else f"{x}+{y}={s}")
        carry = s // 10
    if carry:
        cols.append(f"carry {carry}")
    return f"{a}+{b}: {', '.join(cols)}, so {a + b}."


def work_sub(a: int, b: int) -> str:
    """``82-47: 12-7=5, 8-1-4=3, so 35.`` -- a borrow shows as 1x on the column that takes it."""
    if b > a:
        raise ValueError(f"work_sub needs a >= b, got {a}-{b}")
    da, db = _digits_lsb(a), _digits_lsb(b)
    db += [0] * (len(da) - len(db))
    cols, borrow = [], 0
    for x, y in zip(da, db, strict=True):
        top = f"{x}-{borrow}" if borrow else f"{x}"
        need = x - borrow < y
        d = x - borrow - y + (10 if need else 0)
        cols.append(f"1{top}-{y}={d}" if need else f"{top}-{y}={d}")
        borrow = int(need)
    return f"{a}-{b}: {', '.join(cols)}, so {a - b}."


def work_mul(a: int, k: int) -> str:
    """``12*6: 2*6=12, 1*6+1=7, so 72.`` -- a multi-digit number times one digit."""
    if not 0 <= k <= 9:
        raise ValueError(f"work_mul multiplies by one digit, got {k}")
    cols, carry = [], 0
    for x in _digits_lsb(a):
        p = x * k + carry
        cols.append(f"{x}*{k}+{carry}={p}" if carry else f"{x}*{k}={p}")
        carry = p // 10
    if carry:
        cols.append(f"carry {carry}")
    return f"{a}*{k}: {', '.join(cols)}, so {a * k}."


def work_div(a: int, k: int) -> str:
    """``84/7: 8/7=1 r1, 14/7=2 r0, so 12.`` -- long division by one digit, from the top."""
    if not 1 <= k <= 9 or a % k:
        raise ValueError(f"work_div needs an exact division by one digit, got {a}/{k}")
    cols, rem = [], 0
    for c in str(a):
        cur = rem * 10 + int(c)
        cols.append(f"{cur}/{k}={cur // k} r{cur % k}")
        rem = cur % k
    return f"{a}/{k}: {', '.join(cols)}, so {a // k}."


# --- stories --------------------------------------------------------------------------------


def _step(
    rng: random.Random,
    total: int,
    x: int,
    gain: bool,
    first: bool,
    pron: str,
    obj_pron: str,
    who: str,
) -> tuple[str, str]:
    """The sentence and the working of one gain or loss of ``x``."""
    lead = "" if first else rng.choice(THEN)
    subject = pron.lower() if lead else pron
    friend = rng.choice([f for f in NAMES if f != who])
    template = rng.choice(GAINS if gain else LOSSES)
    sentence = lead + template.format(P=subject, p=obj_pron, F=friend, x=x)
    return sentence, work_add(total, x) if gain else work_sub(total, x)


def _changes(
    rng: random.Random, start: int, n: int, d: Difficulty, *, who: str, pron: str, obj_pron: str
) -> tuple[list[str], list[str], int]:
    """n gain/lose sentences applied to ``start``; returns (sentences, working, final)."""
    sentences, working, total = [], [], start
    for i in range(n):
        room = min(d.max_operand, d.max_result - total)
        gain = room >= 1 and (total < 2 or rng.random() < 0.5)
        x = rng.randint(1, room) if gain else rng.randint(1, min(d.max_operand, total - 1))
        sentence, work = _step(rng, total, x, gain, i == 0, pron, obj_pron, who)
        sentences.append(sentence)
        working.append(work)
        total = total + x if gain else total - x
    return sentences, working, total


def _person(rng: random.Random) -> tuple[str, str, str]:
    name = rng.choice(NAMES)
    she = name in SHE_NAMES
    return name, ("She" if she else "He"), ("her" if she else "him")


def make_problem(rng: random.Random, family: str, steps: int, d: Difficulty) -> Problem:
    """One problem of ``family`` needing exactly ``steps`` operations."""
    name, pron, obj_pron = _person(rng)
    obj = rng.choice(OBJECTS)
    sentences: list[str] = []
    working: list[str] = []

    if family == "change":
        start = rng.randint(2, d.max_operand)
        sentences.append(f"{name} has {start} {obj}.")
        more, work, total = _changes(rng, start, steps, d, who=name, pron=pron, obj_pron=obj_pron)
        sentences += more
        working += work
        question = f"How many {obj} does {name} have now?"
    elif family == "groups":
        k = rng.randint(2, 9)
        m = rng.randint(2, min(d.max_operand, d.max_result // k))
        box = rng.choice(CONTAINERS)
        sentences.append(f"{name} has {k} {box} with {m} {obj} in each.")
        working.append(work_mul(m, k))
        more, work, total = _changes(
            rng, m * k, steps - 1, d, who=name, pron=pron, obj_pron=obj_pron
        )
        sentences += more
        working += work
        question = f"How many {obj} does {name} have in all?"
    elif family == "share":
        k = rng.randint(2, 9)
        if steps == 1:  # the total is written in the question, so it obeys max_operand
            q = rng.randint(1, d.max_operand // k)
            sentences.append(f"{name} has {q * k} {obj}.")
        else:
            # Changes, then one last gain or loss that lands on a multiple of k.
            start = rng.randint(2, d.max_operand)
            sentences.append(f"{name} has {start} {obj}.")
            more, work, total = _changes(
                rng, start, steps - 2, d, who=name, pron=pron, obj_pron=obj_pron
            )
            # A multiple of k within max_operand of the total (and not the total itself).
            low = max(1, -(-(total - d.max_operand) // k))
            high = min(d.max_result, total + d.max_operand) // k
            choices = [q for q in range(low, high + 1) if q * k != total]
            target = rng.choice(choices) * k
            gain = target > total
            sentence, last = _step(
                rng, total, abs(target - total), gain, False, pron, obj_pron, name
            )
            sentences += [*more, sentence]
            working += [*work, last]
            q = target // k
        sentences.append(f"{pron} shares them equally among {k} friends.")
        working.append(work_div(q * k, k))
        total = q
        question = f"How many {obj} does each friend get?"
    elif family == "compare":
        other = rng.choice([n for n in NAMES if n != name])
        start = rng.randint(2, d.max_operand)
        sentences.append(f"{name} has {start} {obj}.")
        more, work, total_a = _changes(
            rng, start, steps - 1, d, who=name, pron=pron, obj_pron=obj_pron
        )
        sentences += more
        working += work
        b = rng.randint(1, min(d.max_operand, total_a - 1)) if total_a > 1 else 0
        sentences.append(f"{other} has {b} {obj}.")
        working.append(work_sub(total_a, b))
        total = total_a - b
        question = f"How many more {obj} does {name} have than {other}?"
    else:
        raise ValueError(f"unknown problem family {family!r}; choose from {', '.join(FAMILIES)}")

    text = " ".join([*sentences, question])
    return Problem(text, total, " ".join(working), family, steps)


def split_of(question: str) -> str:
    """Which split a question belongs to, from a hash of its text (stable across runs)."""
    bucket = int(hashlib.blake2b(question.encode(), digest_size=4).hexdigest(), 16) % 100
    return next(s for s in ("train", "val", "test") if bucket in _SPLIT_BUCKETS[s])


def iter_problems(d: Difficulty, seed: int, buckets: str | None = None) -> Iterator[Problem]:
    """An endless, seeded stream of problems, keeping those whose hash is in ``buckets``."""
    rng = random.Random(seed)
    while True:
        family = rng.choice(d.families)
        steps = rng.randint(d.min_steps, d.max_steps)
        problem = make_problem(rng, family, steps, d)
        if buckets is None or split_of(problem.question) == buckets:
            yield problem


def _take_unique(stream: Iterator[Problem], n: int) -> list[Problem]:
    seen: set[str] = set()
    out: list[Problem] = []
    for p in stream:
        if p.question not in seen:
            seen.add(p.question)
            out.append(p)
            if len(out) == n:
                return out
    return out


def generate_split(cfg: GeneratorConfig, split: str) -> list[Problem]:
    """The problems of one split; the same config and split always give the same list."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    # Each split has its own seed stream, so changing n_train never changes val/test.
    seed = cfg.seed * 10 + SPLITS.index(split)
    if split == "train":
        stream = iter_problems(cfg.train, seed, "train")
        return [p for _, p in zip(range(cfg.n_train), stream, strict=False)]
    if split in ("val", "test"):
        n = cfg.n_val if split == "val" else cfg.n_test
        return _take_unique(iter_problems(cfg.train, seed, split), n)
    # Keep only problems truly outside the training distribution.
    half = cfg.n_ood // 2
    longer = (
        p for p in iter_problems(cfg.ood_steps, seed, "test") if p.steps > cfg.train.max_steps
    )
    bigger = (
        p
        for p in iter_problems(cfg.ood_digits, seed + 100, "test")
        if largest_number(p.question) > cfg.train.max_operand
    )
    return _take_unique(longer, cfg.n_ood - half) + _take_unique(bigger, half)


def largest_number(text: str) -> int:
    return max((int(n) for n in re.findall(r"\d+", text)), default=0)
