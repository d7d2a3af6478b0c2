"""A word problem and its text format: the one place that knows how a row looks.

Every training row is ``prompt + completion``::

    Q: Mia has 47 apples. She buys 38 more. How many apples does Mia have now?
    A: <think> 47+38: 7+8=15, 4+3+1=8, so 85. </think> Answer: 85

The generator, the JSONL reader, the tokenizer, the datamodule and the answer
scorer all go through this module, so the format cannot drift between
training and evaluation.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
ANSWER_PREFIX = "Answer:"
FORMATS = ("cot", "direct")

# The number right after the last "Answer:"; a decimal part is captured so that
# "Answer: 12.5" is not mistaken for 12.
_ANSWER_RE = re.compile(r"Answer:\s*(-?\d[\d,]*(?:\.\d+)?)")


@dataclass(frozen=True)
class Problem:
    """One question with its integer answer and (optionally) worked reasoning."""

    question: str
    answer: int
    reasoning: str = ""
    family: str = "custom"
    steps: int = 0  # arithmetic operations needed; 0 when unknown (user data)
    # Generated held-out splits: "seen" if every wording and word was in the train
    # lexicon, "held_out" if the question uses one that train never shows; "" otherwise.
    wording: str = ""
    # The ood split: how it is harder than train, "more_steps" or "bigger_numbers"
    # (a question number above train's largest); "" otherwise.
    harder: str = ""
    # The hand-written set: which reading it tests ("two_actions", "chain", ... or
    # "simple"; docs/data.md), so accuracy is reported by category; "" otherwise.
    category: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown data format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt


def prompt_text(question: str) -> str:
    """What the model is given at evaluation time (and the unscored part in training)."""
    return f"Q: {question}\nA:"


def completion_text(problem: Problem, fmt: str) -> str:
    """What the model must produce after the prompt: the thinking (for ``cot``) and answer."""
    check_format(fmt)
    answer = f" {ANSWER_PREFIX} {problem.answer}"
    if fmt == "direct" or not problem.reasoning:
        return answer
    return f" {THINK_OPEN} {problem.reasoning} {THINK_CLOSE}{answer}"


def extract_answer(text: str) -> int | None:
    """The integer after the last ``Answer:`` in ``text``; None if there is none.

    ``"... Answer: -1,204 apples"`` gives -1204; a missing ``Answer:``, a
    missing number or a non-integer such as ``12.5`` gives None (scored wrong).
    """
    matches = _ANSWER_RE.findall(text)
    if not matches:
        return None
    number = matches[-1].replace(",", "")
    if "." in number:
        whole, _, frac = number.partition(".")
        if frac.strip("0"):
            return None
        number = whole
    try:
        return int(number)
    except ValueError:  # e.g. "-" followed by commas only
        return None


def split_thinking(completion: str) -> tuple[str, str]:
    """Split a generated completion into (thinking, rest) for display."""
    if THINK_OPEN in completion and THINK_CLOSE in completion:
        head, _, tail = completion.partition(THINK_CLOSE)
        return head.split(THINK_OPEN, 1)[1].strip(), tail.strip()
    return "", completion.strip()
