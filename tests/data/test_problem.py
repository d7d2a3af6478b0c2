"""The row format and the answer scorer, end to end on hand-made model outputs."""

import pytest
import torch

from tinythink.data.problem import (
    Problem,
    completion_text,
    extract_answer,
    prompt_text,
    split_thinking,
)
from tinythink.evaluation.evaluate import Attempt, majority_vote, summarize
from tinythink.evaluation.metrics import AnswerAccuracy

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


def test_accuracy_end_to_end_on_hand_made_outputs():
    problems = [Problem(f"q{i}", a) for i, a in enumerate([2, 2, 2, -17, 1204, 7])]
    outputs = [
        " <think> 3-1=2 </think> Answer: 2",  # right
        " <think> 3-1=3 </think> Answer: 3",  # wrong
        " <think> 3-1=2 </think>",  # no answer
        " Answer: -17 is it",  # right, negative, extra text
        " Answer: 1204",  # right, multi-digit
        " Answer: 77",  # wrong: a prefix match must not count
    ]
    attempts = [Attempt(p, o, extract_answer(o)) for p, o in zip(problems, outputs, strict=True)]
    assert [a.correct for a in attempts] == [True, False, False, True, True, False]
    metric = AnswerAccuracy()
    metric.update([a.predicted for a in attempts], [p.answer for p in problems])
    assert metric.correct.item() == 3 and metric.total.item() == 6
    assert metric.compute() == pytest.approx(0.5)
    assert summarize(attempts)["acc_all"] == pytest.approx(0.5)


def test_summary_breaks_down_by_steps_and_family():
    make = lambda steps, family, ok: Attempt(  # noqa: E731
        Problem("q", 1, family=family, steps=steps), "", 1 if ok else 0
    )
    s = summarize([make(1, "change", True), make(1, "share", False), make(3, "change", True)])
    assert s["acc/steps_1"] == 0.5 and s["acc/steps_3"] == 1.0
    assert s["acc/family_change"] == 1.0 and s["acc/family_share"] == 0.0
    assert s["n/steps_1"] == 2 and s["n"] == 3


def test_majority_vote():
    p = Problem("q", 5)
    votes = [[Attempt(p, "", v)] for v in (5, 3, 5, None)]
    assert majority_vote(votes)[0].predicted == 5
    assert majority_vote([[Attempt(p, "", None)]])[0].predicted is None


def test_metric_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="2 predictions for 1 problems"):
        AnswerAccuracy().update([1, 2], [1])


def test_metric_state_is_summed():
    m = AnswerAccuracy()
    m.update([1], [1])
    m.update([None, 2], [3, 2])
    assert m.compute() == pytest.approx(2 / 3)
    assert m.total.dtype == torch.int64


def test_split_thinking():
    assert split_thinking(" <think> a b </think> Answer: 2") == ("a b", "Answer: 2")
    assert split_thinking(" Answer: 2") == ("", "Answer: 2")
