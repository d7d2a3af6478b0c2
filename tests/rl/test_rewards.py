"""The reward on hand-made completions: right, wrong, malformed, missing or cut off."""

from __future__ import annotations

import pytest

from tinythink.rl.rewards import reward, well_formed

RIGHT = " <think> 47+38: 7+8=15, 4+3+1=8, so 85. </think> Answer: 85"


@pytest.mark.parametrize(
    ("completion", "expected"),
    [
        (RIGHT, 1.1),  # right and well formed
        (" <think> 47+38 so 84. </think> Answer: 84", 0.1),  # wrong, well formed
        (" Answer: 85", 1.0),  # right, no thinking: no format bonus
        (" <think> 47+38 so 85. </think> Answer: 85 apples", 1.0),  # text after the answer
        (" <think> 47+38 <think> so 85. </think> Answer: 85", 1.0),  # two openings
        (" <think> 47+38: 7+8=15, 4+3+1=8, so 85. </think>", 0.0),  # no Answer:
        (" <think> 47+38: 7+8=15, 4+3+1=8, so 8", 0.0),  # cut off by the token budget
        (" <think> so 85. </think> Answer: 85.5", 0.0),  # not an integer
        (" <think> so 85. </think> Answer: eighty-five", 0.0),
        ("", 0.0),
    ],
)
def test_reward_of_hand_made_completions(completion, expected):
    assert reward(completion, 85, format_weight=0.1) == pytest.approx(expected)


def test_the_last_answer_counts_and_the_format_weight_scales():
    assert reward(" Answer: 3. Answer: 85", 85, format_weight=0.1) == 1.0
    assert reward(RIGHT, 85, format_weight=0.0) == 1.0
    assert reward(RIGHT, 85, format_weight=0.5) == 1.5
    assert reward(RIGHT, -85, format_weight=0.1) == pytest.approx(0.1)


def test_well_formed_is_one_block_then_the_answer():
    assert well_formed(RIGHT)
    assert well_formed(" <think> a </think> Answer: -12")
    assert not well_formed(" <think> a </think> Answer: 12 because")
    assert not well_formed(" <think> a Answer: 12")
    assert not well_formed(" </think> Answer: 12")
