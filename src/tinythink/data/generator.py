"""Deterministic grade-school word problems with digit-level worked reasoning.

The stories themselves (owners, events, the many ways to word them, and the
hold-out of wordings and words) live in :mod:`tinythink.data.stories`; this module
turns a story into a :class:`Problem`, writes its reasoning, and cuts the splits.

The reasoning writes every operation column by column, least significant digit
first, with carries and borrows spelt out (``47+38: 7+8=15, 4+3+1=8, so 85.``).
Small transformers learn this far better than whole-number equations (see
docs/experiments.md): each digit then depends on a few visible tokens only.

Splits are disjoint by construction: a question's split is a hash of its text,
so no val/test question can ever be generated into train. Train is written only
with the wordings and words that are not held out; val, test and ood may use any,
and each of their problems says which (``Problem.wording``).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from tinythink.data import stories
from tinythink.data.problem import Problem

FAMILIES = stories.KINDS
SPLITS = ("train", "val", "test", "ood")
# The two halves of ood (Problem.harder): more steps than train, or bigger numbers.
MORE_STEPS, BIGGER_NUMBERS = "more_steps", "bigger_numbers"
# Bump when generated text changes, so cached data built by older code is not reused.
FORMAT_VERSION = 7

# Hash buckets (out of 100) that each split may draw from.
_SPLIT_BUCKETS = {"train": range(0, 90), "val": range(90, 95), "test": range(95, 100)}
_SPLIT_BUCKETS["ood"] = _SPLIT_BUCKETS["test"]


@dataclass(frozen=True)
class Difficulty:
    """How hard a split's problems are: step count range and operand size."""

    min_steps: int
    max_steps: int
    max_operand: int  # largest number written in a question
    max_result: int  # largest intermediate or final result
    families: tuple[str, ...]  # kinds of story, from FAMILIES

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
    """Sizes and difficulties of the built-in splits: the ``data.generator`` block of
    ``conf/data/arithmetic.yaml``, the one home of their values (built by
    :func:`tinythink.data.datamodule.generator_config`)."""

    n_train: int
    n_val: int
    n_test: int
    n_ood: int
    seed: int
    # Open the reasoning with the whole computation in the story's numbers
    # ("30*5-24+16."), then work each step: reading first, then arithmetic.
    plan: bool
    # After each step but the last, write what is left to compute with its result in
    # place ("30*5: ..., so 150. 150-24+16. 150-24: ..."): each step then reads only
    # the line before it, however many came earlier.
    restate: bool
    train: Difficulty
    # OOD is harder than anything trained on: half have more steps, half bigger numbers.
    ood_steps: Difficulty
    ood_digits: Difficulty


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


def _mul_columns(a: int, k: int) -> tuple[list[str], int]:
    cols, carry = [], 0
    for x in _digits_lsb(a):
        p = x * k + carry
        cols.append(f"{x}*{k}+{carry}={p}" if carry else f"{x}*{k}={p}")
        carry = p // 10
    if carry:
        cols.append(f"carry {carry}")
    return cols, a * k


def work_mul(a: int, k: int) -> str:
    """``12*6: 2*6=12, 1*6+1=7, so 72.`` -- by one digit, column by column.

    By a longer number, one partial product per digit of ``k`` and then their sum:
    ``23*45: 23*5=115 by 3*5=15, 2*5+1=11; 23*40=920 by 3*4=12, 2*4+1=9;
    115+920 by 5+0=5, 1+2=3, 1+9=10, carry 1; so 1035.``
    """
    if k < 0 or a < 0:
        raise ValueError(f"work_mul needs non-negative numbers, got {a}*{k}")
    if k <= 9:
        cols, product = _mul_columns(a, k)
        return f"{a}*{k}: {', '.join(cols)}, so {product}."
    parts, partials = [], []
    for place, digit in enumerate(_digits_lsb(k)):
        cols, product = _mul_columns(a, digit)
        shifted = product * 10**place
        parts.append(f"{a}*{digit * 10**place}={shifted} by {', '.join(cols)}")
        partials.append(shifted)
    total = partials[0]
    for shifted in partials[1:]:
        cols = work_add(total, shifted).split(": ", 1)[1].rsplit(", so", 1)[0]
        parts.append(f"{total}+{shifted} by {cols}")
        total += shifted
    return f"{a}*{k}: {'; '.join(parts)}; so {total}."


def work_div(a: int, k: int) -> str:
    """``84/7: 8/7=1 r1, 14/7=2 r0, so 12.`` -- long division from the top.

    A two-digit divisor shows the product that fits: ``156/12: 1/12=0 r1,
    15/12=1 r3 (12*1=12), 36/12=3 r0 (12*3=36), so 13.``
    """
    if not 1 <= k <= 99 or a % k or a < 0:
        raise ValueError(f"work_div needs an exact division by 1..99, got {a}/{k}")
    cols, rem = [], 0
    for c in str(a):
        cur = rem * 10 + int(c)
        q, rem = divmod(cur, k)
        cols.append(f"{cur}/{k}={q} r{rem}" + (f" ({k}*{q}={k * q})" if k > 9 and q else ""))
    return f"{a}/{k}: {', '.join(cols)}, so {a // k}."


_WORK = {"+": work_add, "-": work_sub, "*": work_mul, "/": work_div}


def work(ops: list[tuple[int, str, int]]) -> str:
    """The reasoning of a list of ``(a, op, b)`` steps, each worked digit by digit."""
    return " ".join(_WORK[sign](a, b) for a, sign, b in ops)


# --- problems -----------------------------------------------------------------------------

_PRONOUNS = re.compile(r"\b(she|he|it|they|her|his|him|them|its|their)\b", re.IGNORECASE)


def make_problem(
    rng: random.Random,
    family: str,
    steps: int,
    d: Difficulty,
    *,
    train: bool = True,
    plan: bool = True,
    restate: bool = False,
) -> Problem:
    """One problem of ``family`` needing ``steps`` operations (fewer where the kind has
    no longer form: see ``stories.KIND_STEPS``).

    ``train=True`` words it only with wordings and words that are not held out;
    ``plan=True`` opens the reasoning with the whole computation (``30*5-24+16.``);
    ``restate=True`` writes what is left after each step (``150-24+16.``).
    """
    if family not in stories.BUILDERS:
        raise ValueError(f"unknown problem family {family!r}; choose from {', '.join(FAMILIES)}")
    low, high = stories.KIND_STEPS[family]
    steps = min(max(steps, low), high)
    for _ in range(1000):
        picker = stories.Picker(rng, train)
        story = stories.Story(picker, past=rng.random() < 0.3)
        try:
            stories.BUILDERS[family](story, steps, d.max_operand, d.max_result)
        except (ValueError, IndexError):  # a draw with no room (e.g. nothing left to lose)
            continue
        if not story.ops or story.answer < 0:
            continue
        results = [a for a, _, _ in story.ops] + [story.answer]
        if max(results) > d.max_result:
            continue
        if story.whole is None:
            if rng.random() < 0.2:
                stories.add_distractor(story)
            if rng.random() < 0.15:
                stories.add_same_thing_distractor(story, story.owner, story.things)
            if rng.random() < 0.08 and not _PRONOUNS.search(story.question):
                story.sentences.insert(0, story.question)
                story.question = ""
        text = " ".join(story.text().split())
        if largest_number(text) > d.max_operand:
            continue
        if train and stories.words_held_out(text):  # a guard: pickers already skip them
            continue
        wording = "" if train else ("held_out" if picker.used_held_out else "seen")
        plan_text = stories.expression(story.answer)
        if sum(plan_text.count(sign) for sign in "+-*/") != len(story.ops):
            raise RuntimeError(f"{family}: the answer does not use every step: {story.ops}")
        reasoning = worked_reasoning(story, plan, restate)
        return Problem(text, int(story.answer), reasoning, family, len(story.ops), wording)
    raise RuntimeError(f"could not build a {family} problem with {steps} steps under {d}")


def worked_reasoning(story: stories.Story, plan: bool, restate: bool) -> str:
    """The plan line (if ``plan``), then each step worked, with what is left restated
    between steps (if ``restate``)."""
    parts = [f"{stories.expression(story.answer)}."] if plan else []
    last = len(story.ops) - 1
    for step, op in enumerate(story.ops):
        parts.append(work([op]))
        if restate and step < last:
            parts.append(f"{stories.expression(story.answer, done=range(step + 1))}.")
    return " ".join(parts)


def split_of(question: str) -> str:
    """Which split a question belongs to, from a hash of its text (stable across runs)."""
    bucket = int(hashlib.blake2b(question.encode(), digest_size=4).hexdigest(), 16) % 100
    return next(s for s in ("train", "val", "test") if bucket in _SPLIT_BUCKETS[s])


def iter_problems(
    d: Difficulty,
    seed: int,
    buckets: str | None = None,
    plan: bool = True,
    restate: bool = False,
) -> Iterator[Problem]:
    """An endless, seeded stream of problems, keeping those whose hash is in ``buckets``.

    Train problems use only wordings and words that are not held out.
    """
    rng = random.Random(seed)
    train = buckets in (None, "train")
    while True:
        family = rng.choice(d.families)
        low, high = stories.KIND_STEPS[family]
        if high < d.min_steps or low > d.max_steps:
            continue  # this kind has no form with that many steps
        # Shorter problems more often (1-4 steps: 40/30/20/10 %), as in workbooks: the
        # reading of a one-step question is where most questions people ask live.
        choices = range(max(low, d.min_steps), min(high, d.max_steps) + 1)
        steps = rng.choices(choices, weights=[len(choices) - i for i in range(len(choices))])[0]
        problem = make_problem(rng, family, steps, d, train=train, plan=plan, restate=restate)
        if buckets is None or split_of(problem.question) == buckets:
            yield problem


def take_unique(stream: Iterator[Problem], n: int) -> list[Problem]:
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
        stream = iter_problems(cfg.train, seed, "train", cfg.plan, cfg.restate)
        return [p for _, p in zip(range(cfg.n_train), stream, strict=False)]
    if split in ("val", "test"):
        n = cfg.n_val if split == "val" else cfg.n_test
        return take_unique(iter_problems(cfg.train, seed, split, cfg.plan, cfg.restate), n)
    # Keep only problems truly outside the training distribution.
    half = cfg.n_ood // 2
    longer = (
        replace(p, harder=MORE_STEPS)
        for p in iter_problems(cfg.ood_steps, seed, "test", cfg.plan, cfg.restate)
        if p.steps > cfg.train.max_steps
    )
    bigger = (
        replace(p, harder=BIGGER_NUMBERS)
        for p in iter_problems(cfg.ood_digits, seed + 100, "test", cfg.plan, cfg.restate)
        if largest_number(p.question) > cfg.train.max_operand and p.steps <= cfg.train.max_steps
    )
    return take_unique(longer, cfg.n_ood - half) + take_unique(bigger, half)


def largest_number(text: str) -> int:
    return max((int(n) for n in re.findall(r"\d+", text)), default=0)
