"""Read user word problems from JSONL files and split them into train/val/test.

One JSON object per line (UTF-8; blank lines are skipped). Two layouts are
accepted, and keys other than those below are ignored:

1. ours::

       {"question": "Tom has 3 pens. He buys 4 more. How many now?", "answer": 7,
        "reasoning": "3+4=7.", "family": "pens", "steps": 1}

   ``answer`` is an integer, an integral float (``7.0``) or a numeric string
   (``"-1,204"``); ``reasoning`` (default ""), ``family`` (default "custom")
   and ``steps`` (default 0) are optional. ``kind`` is accepted as another name
   for ``family`` (the hand-written evaluation set below uses it); ``family``
   wins when a row has both. ``category`` (optional) names what the problem tests;
   accuracy is then also reported by category.

2. GSM8K's::

       {"question": "...", "answer": "Natalia sold 48/2 = <<48/2=24>>24 clips.\\n#### 24"}

   The integer after ``####`` is the answer (commas and a minus sign allowed);
   the lines before it, with the ``<<...>>`` calculator annotations removed and
   joined by single spaces, are the reasoning; ``steps`` is the number of
   non-empty reasoning lines and ``family`` defaults to "gsm8k".

The hand-written evaluation set ships beside this module (:data:`HANDWRITTEN_PATH`,
rows like ``{"question": ..., "answer": 7, "kind": "change", "steps": 1, "check": "3+4",
"category": "simple"}``; ``check`` is ignored like any other unknown key). It is scored, never trained on:
:func:`read_handwritten` is its only reader, and only evaluation calls it.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from tinythink.data.problem import Problem

ACCEPTED = (
    'one JSON object per line: {"question": str, "answer": int, "reasoning": str (optional), '
    '"family": str (optional), "steps": int (optional)} or GSM8K\'s '
    '{"question": str, "answer": "<reasoning lines>\\n#### 72"}'
)
GSM8K_MARK = "####"
_INT_RE = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")
_CALC_RE = re.compile(r"<<[^<>]*>>")
# Package data (pyproject's [tool.setuptools.package-data]); the one place its path is named.
HANDWRITTEN_PATH = Path(__file__).resolve().with_name("handwritten.jsonl")
# What each hand-written problem tests (its "category"): the readings people's problems
# need that the model has failed, and "simple" for a plain one-step problem.
HANDWRITTEN_CATEGORIES = {
    "simple": "a plain one-step problem",
    "two_actions": "two actions in one sentence ('12 get off and 5 get on')",
    "chain": "three or more events in a row ('spends 13, then finds 8, then spends 20')",
    "subset": "several kinds of thing; the question asks about one kind or some",
    "unknown": "an unknown start or change ('spent 78 and has 33 left: how much at first?')",
    "smaller_first": "the smaller number comes first; the larger minus the smaller is asked",
    "then_divide": "a first step, then a division ('17 bears and 10 more, 9 on each shelf')",
    "implicit": "a number the words imply: a week, a dozen, a pair, an hour in minutes",
    "whole_minus_part": "a whole minus a part in other words ('how many seats are empty?')",
    "chained_compare": "comparisons in a chain ('37 farther than B; C 16 less than A')",
    "copying": "numbers close together or alike, to be copied in the right order",
}


class DataFileError(ValueError):
    """A data file is missing, empty or has a line that is not a valid problem."""


def _show(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _parse_int(value: object, where: str) -> int:
    """The answer as an int, from an int, an integral float or a string like ``"-1,204"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        whole, _, frac = value.strip().replace(",", "").partition(".")
        if not frac.strip("0"):
            return int(whole)
    raise DataFileError(
        f"{where}: answer must be an integer, got {_show(value)}; "
        'accepted: 72, 72.0, "72", "-1,204" or GSM8K\'s "... #### 72"'
    )


def _optional_str(obj: dict, key: str, default: str, where: str) -> str:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise DataFileError(f"{where}: {key!r} must be a string, got {_show(value)}")
    return value.strip()


def _gsm8k(answer: str, where: str) -> tuple[int, str, int]:
    """(answer, reasoning, steps) from a GSM8K answer ``"<lines>\\n#### 72"``."""
    text, _, final = answer.rpartition(GSM8K_MARK)
    lines = [" ".join(_CALC_RE.sub("", line).split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    return _parse_int(final.strip(), where), " ".join(lines), len(lines)


def parse_record(obj: dict, where: str) -> Problem:
    """One JSON object (our layout or GSM8K's) as a Problem; ``where`` is e.g. ``"f.jsonl:3"``."""
    if not isinstance(obj, dict):
        raise DataFileError(
            f"{where}: expected a JSON object, got {type(obj).__name__} {_show(obj)}; {ACCEPTED}"
        )
    if "question" not in obj:
        raise DataFileError(
            f"{where}: missing required key 'question' (keys present: {_show(sorted(obj))}); "
            f"{ACCEPTED}"
        )
    question = obj["question"]
    if not isinstance(question, str):
        raise DataFileError(f"{where}: 'question' must be a string, got {_show(question)}")
    question = question.strip()
    if not question:
        raise DataFileError(f"{where}: 'question' is empty; it must be non-empty text")
    if "answer" not in obj:
        raise DataFileError(f"{where}: missing required key 'answer'; {ACCEPTED}")

    raw = obj["answer"]
    if isinstance(raw, str) and GSM8K_MARK in raw:
        answer, reasoning, steps = _gsm8k(raw, where)
        family = "gsm8k"
    else:
        answer = _parse_int(raw, where)
        reasoning = _optional_str(obj, "reasoning", "", where)
        steps, family = 0, "custom"
    family = _optional_str(
        obj, "family" if obj.get("family") is not None else "kind", family, where
    )
    if obj.get("steps") is not None:
        steps = obj["steps"]
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise DataFileError(f"{where}: 'steps' must be an integer >= 0, got {_show(steps)}")
    category = _optional_str(obj, "category", "", where)
    return Problem(question, answer, reasoning, family, steps, category=category)


def read_jsonl(path: str | Path, option: str = "data.path") -> list[Problem]:
    """All problems in a JSONL file, in file order; DataFileError on any bad line.

    ``option`` is the setting that named the file, for the hint when it is missing.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a directory, not a file" if path.is_dir() else "not found"
        raise DataFileError(
            f"data file {what}: {path} (absolute: {path.resolve()}); "
            f"point {option}=/path/to/problems.jsonl at an existing JSONL file"
        )
    problems: list[Problem] = []
    offset = 0
    for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        where = f"{path}:{number}"
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as err:
            raise DataFileError(
                f"{where}: not valid UTF-8: byte {raw[err.start : err.start + 1]!r} at byte "
                f"offset {offset + err.start} of the file; save the file as UTF-8"
            ) from None
        offset += len(raw) + 1
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataFileError(
                f"{where}: invalid JSON ({err.msg} at column {err.colno}): {_show(line.strip())}; "
                f"{ACCEPTED}"
            ) from None
        problems.append(parse_record(obj, where))
    if not problems:
        raise DataFileError(f"data file is empty: {path}; it needs {ACCEPTED}")
    return problems


def require_handwritten(also: str = "") -> Path:
    """The hand-written set's path; DataFileError if the file is not there (a broken install).

    Checks existence only: training calls this before fitting, and must never read it.
    ``also`` is one more way out, for the caller to add to the message.
    """
    path = HANDWRITTEN_PATH
    if not path.is_file():
        raise DataFileError(
            f"the hand-written evaluation set is missing: {path}; it ships with the package "
            "as src/tinythink/data/handwritten.jsonl: restore it "
            "(git checkout -- src/tinythink/data/handwritten.jsonl) and reinstall "
            f"(pip install -e .){also}"
        )
    return path


def read_handwritten() -> list[Problem]:
    """The hand-written evaluation problems (:data:`HANDWRITTEN_PATH`), in file order."""
    return read_jsonl(require_handwritten())


def _check_fraction(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {_show(value)}")


def _split_key(question: str, seed: int) -> float:
    """A stable pseudo-random number in [0, 1) for a question (whitespace and case ignored)."""
    text = " ".join(question.split()).casefold()
    digest = hashlib.blake2b(f"{seed}\0{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def split_problems(
    problems: list[Problem], val_fraction: float, test_fraction: float, seed: int
) -> dict[str, list[Problem]]:
    """Split into ``{"train", "val", "test"}`` by a hash of each question's text.

    The same question (up to whitespace and case) always lands in the same
    split for a given seed, whatever else is in the file, so duplicates cannot
    leak from train into val/test. Input order is kept inside each split.
    """
    _check_fraction("val_fraction", val_fraction)
    _check_fraction("test_fraction", test_fraction)
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            f"val_fraction + test_fraction must be < 1 to leave training data, "
            f"got {val_fraction} + {test_fraction} = {val_fraction + test_fraction}"
        )
    splits: dict[str, list[Problem]] = {"train": [], "val": [], "test": []}
    for problem in problems:
        key = _split_key(problem.question, seed)
        if key < test_fraction:
            splits["test"].append(problem)
        elif key < test_fraction + val_fraction:
            splits["val"].append(problem)
        else:
            splits["train"].append(problem)
    # Equal questions hash alike, so this drops nothing today; it is a cheap guard that
    # keeps "no val/test question is in train" true should the split key ever change.
    held_out = {problem.question for problem in splits["val"] + splits["test"]}
    splits["train"] = [p for p in splits["train"] if p.question not in held_out]
    return splits
