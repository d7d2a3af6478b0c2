"""GRPO's arithmetic on hand-made numbers, and one update on a real model."""

from __future__ import annotations

import math

import pytest
import torch

from tests.presets import preset
from tinythink.model import TinyThinkLM
from tinythink.rl.grpo import group_advantages, pass_at_k, policy_loss, token_logprobs
from tinythink.rl.rollout import Rollout, update_batch


def test_advantage_is_reward_minus_the_group_mean():
    rewards = torch.tensor([[1.1, 0.1, 0.1, 1.1], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 1.0]])
    adv = group_advantages(rewards)
    assert adv.tolist()[0] == pytest.approx([0.5, -0.5, -0.5, 0.5])
    assert adv.tolist()[1] == [0.0, 0.0, 0.0, 0.0]  # all alike: no signal
    assert adv.tolist()[2] == pytest.approx([-0.25, -0.25, -0.25, 0.75])
    # Each group's advantages sum to zero: the baseline takes out the group's level.
    assert adv.sum(dim=1).abs().max() < 1e-6


def test_std_normalisation_divides_by_the_groups_spread():
    rewards = torch.tensor([[0.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]])
    adv = group_advantages(rewards, normalize_std=True)
    spread = math.sqrt(0.1875)  # population std of (0, 0, 0, 1)
    assert adv[0].tolist() == pytest.approx([-0.25 / spread] * 3 + [0.75 / spread], rel=1e-5)
    assert adv[1].tolist() == [0.0] * 4  # no division by zero
    with pytest.raises(ValueError, match="problems, samples"):
        group_advantages(torch.ones(4))


def test_pass_at_k_matches_counting_every_subset():
    from itertools import combinations

    for n, correct in [(8, 0), (8, 1), (8, 3), (8, 8), (5, 2)]:
        outcomes = [True] * correct + [False] * (n - correct)
        for k in (1, 2, n):
            subsets = list(combinations(outcomes, k))
            expected = sum(any(s) for s in subsets) / len(subsets)
            assert pass_at_k(n, correct, k) == pytest.approx(expected)
    assert pass_at_k(8, 3, 1) == pytest.approx(3 / 8)
    with pytest.raises(ValueError):
        pass_at_k(4, 5, 2)


def test_ratio_clipping_and_kl_on_hand_made_logprobs():
    logp = torch.log(torch.tensor([[0.5, 0.5], [0.5, 0.5]]))
    old = torch.log(torch.tensor([[0.25, 0.5], [0.5, 0.5]]))  # first token: ratio 2
    mask = torch.tensor([[True, True], [True, False]])
    parts = policy_loss(logp, old, torch.tensor([1.0, -1.0]), mask, clip=0.2, tokens_norm=2)
    # Row 0: min(2 * 1, 1.2 * 1) = 1.2 and 1; row 1: min(-1, -1) = -1; masked token left out.
    assert parts.loss.item() == pytest.approx(-(1.2 + 1.0 - 1.0) / (2 * 2))
    assert parts.clipped.item() == pytest.approx(1 / 3)
    assert parts.kl.item() == 0.0  # no reference given
    same = policy_loss(logp, logp, torch.zeros(2), mask, clip=0.2, ref_logprobs=logp, tokens_norm=2)
    assert same.kl.item() == pytest.approx(0.0, abs=1e-7)
    ref = torch.log(torch.tensor([[0.25, 0.5], [0.5, 0.5]]))
    apart = policy_loss(logp, logp, torch.zeros(2), mask, clip=0.2, ref_logprobs=ref, tokens_norm=2)
    # k3 on the first token: exp(log 0.5) - log 0.5 - 1; the others agree.
    assert apart.kl.item() == pytest.approx((0.5 - math.log(0.5) - 1) / 3)


def _rollout(prompt, completions, rewards):
    k = len(completions)
    return Rollout(
        problems=[None],
        k=k,
        prompts=[prompt],
        completions=completions,
        texts=[""] * k,
        ended=[True] * k,
        rewards=torch.tensor([rewards]),
        correct=torch.tensor([[r > 0 for r in rewards]]),
        formatted=torch.ones(1, k, dtype=torch.bool),
    )


def test_update_batch_scores_exactly_the_completion_and_its_eos():
    rollout = _rollout([5, 6, 7], [[8, 9], [10]], [1.0, 0.0])
    rollout.ended[1] = False  # cut off by the budget: the model never chose to stop
    tokens, mask = update_batch(rollout, [0, 1], eos_id=1, pad_id=0, device=torch.device("cpu"))
    assert tokens.tolist() == [[5, 6, 7, 8, 9, 1], [5, 6, 7, 10, 0, 0]]
    # Position t predicts token t + 1: row 0 predicts 8, 9, eos; row 1 only 10.
    assert mask.tolist() == [[False, False, True, True, True], [False, False, True, False, False]]


def test_one_update_raises_the_rewarded_completion_and_lowers_the_other():
    torch.manual_seed(0)
    model = TinyThinkLM(preset("micro", vocab_size=32))
    rollout = _rollout([3, 4, 5], [[6, 7, 8], [9, 10, 11]], [1.0, 0.0])
    tokens, mask = update_batch(rollout, [0, 1], eos_id=1, pad_id=0, device=torch.device("cpu"))
    adv = group_advantages(rollout.rewards).flatten()

    def completion_logprob() -> list[float]:
        with torch.no_grad():
            logp = token_logprobs(model(tokens), tokens)
        return (logp * mask).sum(dim=1).tolist()

    before = completion_logprob()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    logp = token_logprobs(model(tokens), tokens)
    policy_loss(logp, logp.detach(), adv, mask, clip=0.2, tokens_norm=8).loss.backward()
    optimizer.step()
    after = completion_logprob()
    assert after[0] > before[0] + 1e-3  # rewarded: more likely
    assert after[1] < before[1] - 1e-3  # below the group's mean: less likely
