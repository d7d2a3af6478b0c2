"""The row format: cot and direct rows, the answer extracted, the thinking split off."""

import pytest

from tinythink.data.problem import (
    Problem,
    completion_text,
    extract_answer,
    prompt_text,
    split_thinking,
)

P = Problem(
    "Mia has 3 apples. She gives away 1. How many are left?", 2, "3-1: 3-1=2, so 2.", "change", 1
)


def test_cot_and_direct_rows():
    assert prompt_text(P.question) == f"Q: {P.question}\nA:"
    assert completion_text(P, "cot") == " <think> 3-1: 3-1=2, so 2. </think> Answer: 2"
    assert completion_text(P, "direct") == " Answer: 2"
    with pytest.raises(ValueError, match=r"'cots'.*cot, direct"):
        completion_text(P, "cots")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" <think> 3-1=2 </think> Answer: 2", 2),  # right
        (" <think> 3-1=3 </think> Answer: 3", 3),  # wrong, still parsed
        (" <think> 3-1=2 </think> The answer is 2", None),  # no Answer: line
        (" Answer: 2 apples, I think.", 2),  # extra text after the number
        (" Answer:   -17", -17),  # negative
        (" Answer: 1,204", 1204),  # multi-digit with a thousands comma
        (" Answer: 12.5", None),  # not an integer
        (" Answer: 12.0", 12),
        (" Answer: 4 ... Answer: 5", 5),  # the last Answer counts
        (" Answer: apples", None),
        ("", None),
    ],
)
def test_extract_answer(text, expected):
    assert extract_answer(text) == expected


def test_split_thinking():
    assert split_thinking(" <think> a b </think> Answer: 2") == ("a b", "Answer: 2")
    assert split_thinking(" Answer: 2") == ("", "Answer: 2")
