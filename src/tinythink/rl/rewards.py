"""The reward of a completion: is the answer right, and is the completion well formed.

Both are exact here: every problem has an integer answer, and the format is the
one the training rows teach (``<think> ... </think> Answer: N``).
"""

from __future__ import annotations

import re

from tinythink.data.problem import ANSWER_PREFIX, THINK_CLOSE, THINK_OPEN, extract_answer

# One thinking block, then "Answer: N" and nothing else (what a training row ends with).
_WELL_FORMED = re.compile(
    rf"^\s*{re.escape(THINK_OPEN)}(?:(?!{re.escape(THINK_OPEN)}).)*?{re.escape(THINK_CLOSE)}"
    rf"\s*{ANSWER_PREFIX}\s*-?\d+\s*$",
    re.DOTALL,
)


def well_formed(completion: str) -> bool:
    """``<think> ... </think> Answer: N`` with one thinking block and nothing after N."""
    return _WELL_FORMED.match(completion) is not None


def reward(completion: str, answer: int, format_weight: float) -> float:
    """1 for the right answer, plus ``format_weight`` for a well-formed completion.

    A wrong, missing or non-integer answer earns no answer reward; a completion cut
    off by the token budget has no ``Answer:`` and earns nothing at all.
    """
    correct = extract_answer(completion) == answer
    return float(correct) + (format_weight if well_formed(completion) else 0.0)
