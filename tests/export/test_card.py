"""The model card's accuracy section: the run's own figures, the ood halves included."""

from __future__ import annotations

from tinythink.export.card import _accuracy
from tinythink.results import RunResult


def test_card_shows_each_split_the_test_steps_and_both_ood_halves():
    metrics = {
        "test/answer_acc": 0.906,
        "test/n_scored": 1000,
        "test/acc/steps_1": 0.93,
        "test/acc/steps_3plus": 0.8,
        "test/acc/steps_4": 0.64,
        "ood/answer_acc": 0.04,
        "ood/n_scored": 1000,
        "ood/acc/harder_more_steps": 0.078,
        "ood/acc/harder_bigger_numbers": 0.002,
        "handwritten/answer_acc": 0.524,
        "handwritten/n_scored": 378,
    }
    lines = _accuracy(RunResult(status="finished", metrics=metrics))
    assert lines[2:5] == [
        "| test (held-out generated problems, 1-4 steps) | 1,000 | 90.6% |",
        "| handwritten (people's own wording, never trained on) | 378 | 52.4% |",
        "| ood (5-6 steps or bigger numbers than any in training) | 1,000 | 4.0% |",
    ]
    assert "Test accuracy by reasoning steps: 1 step 93%, 4 steps 64%." in lines
    assert "Ood by half: more steps 7.8%, bigger numbers 0.2%." in lines


def test_card_leaves_out_the_ood_halves_of_a_run_from_before_they_were_measured():
    metrics = {"ood/answer_acc": 0.04, "ood/n_scored": 1000}
    lines = _accuracy(RunResult(status="finished", metrics=metrics))
    assert not any(line.startswith("Ood by half") for line in lines)


def test_card_shows_the_handwritten_set_by_what_each_problem_tests():
    metrics = {
        "handwritten/answer_acc": 0.5,
        "handwritten/n_scored": 653,
        "handwritten/acc/category_two_actions": 0.44,
        "handwritten/acc/category_chain": 0.24,
    }
    lines = _accuracy(RunResult(status="finished", metrics=metrics))
    assert "Handwritten by what a problem tests: chain 24%, two actions 44%." in lines
    lines = _accuracy(RunResult(status="finished", metrics={"handwritten/answer_acc": 0.5}))
    assert not any(line.startswith("Handwritten by") for line in lines)
