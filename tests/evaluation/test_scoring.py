"""Scoring: accuracy end to end on hand-made model outputs, the summary's breakdowns, majority vote."""

import pytest

from tinythink.data.problem import (
    Problem,
    extract_answer,
)
from tinythink.evaluation.metrics import AnswerAccuracy
from tinythink.evaluation.scoring import Attempt, any_correct, majority_vote, summarize


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
    assert not any(k.startswith("acc/harder_") for k in s)  # no ood label, no ood halves


def test_summary_breaks_ood_into_its_two_halves():
    make = lambda harder, ok: Attempt(Problem("q", 1, harder=harder), "", 1 if ok else 0)  # noqa: E731
    s = summarize(
        [make("more_steps", True), make("more_steps", False), make("bigger_numbers", False)]
    )
    assert s["acc/harder_more_steps"] == 0.5 and s["n/harder_more_steps"] == 2
    assert s["acc/harder_bigger_numbers"] == 0.0 and s["acc_all"] == pytest.approx(1 / 3)


def test_summary_breaks_the_handwritten_set_down_by_category():
    make = lambda category, ok: Attempt(Problem("q", 1, category=category), "", 1 if ok else 0)  # noqa: E731
    s = summarize(
        [make("chain", True), make("chain", False), make("subset", True), make("", False)]
    )
    assert s["acc/category_chain"] == 0.5 and s["n/category_chain"] == 2
    assert s["acc/category_subset"] == 1.0 and s["n/category_subset"] == 1
    assert not any(k.startswith("acc/category_") and k.endswith("_") for k in s)  # no "" group


def test_majority_vote():
    p = Problem("q", 5)
    votes = [[Attempt(p, "", v)] for v in (5, 3, 5, None)]
    assert majority_vote(votes)[0].predicted == 5
    assert majority_vote([[Attempt(p, "", None)]])[0].predicted is None


def test_pass_at_k_counts_a_problem_right_if_any_sample_is():
    p, q = Problem("p", 5), Problem("q", 7)
    samples = [[Attempt(p, "a", 3), Attempt(q, "a", 1)], [Attempt(p, "b", 5), Attempt(q, "b", 2)]]
    chosen = any_correct(samples)
    assert [a.correct for a in chosen] == [True, False]
    assert (
        chosen[0].completion == "b" and chosen[1].completion == "a"
    )  # the right one, else the first
    assert summarize(chosen)["acc_all"] == 0.5
