"""Group-relative policy optimisation, the arithmetic only: advantages, pass@k, the loss.

For each problem the policy samples a group of ``k`` completions. A completion's
advantage is its reward minus the mean reward of its group (Dr. GRPO: no division
by the group's standard deviation and no per-completion length normalisation, both
of which bias the update; ``normalize_std`` exists to measure that). The loss is the
PPO-clipped policy gradient, plus an optional KL penalty towards the starting model
(the k3 estimator, as in DeepSeekMath), summed over tokens and divided by a constant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor


def group_advantages(rewards: Tensor, normalize_std: bool = False, eps: float = 1e-6) -> Tensor:
    """``rewards`` (problems, k) -> advantages (problems, k): reward minus its group's mean.

    A group whose completions all earned the same reward has advantage 0 everywhere:
    it holds no signal about which completion was better.
    """
    if rewards.dim() != 2:
        raise ValueError(f"rewards must be (problems, samples), got shape {tuple(rewards.shape)}")
    advantages = rewards - rewards.mean(dim=1, keepdim=True)
    if normalize_std:
        advantages = advantages / (rewards.std(dim=1, keepdim=True, unbiased=False) + eps)
    return advantages


def pass_at_k(n: int, correct: int, k: int) -> float:
    """Unbiased pass@k from ``n`` samples of which ``correct`` were right (Chen et al. 2021).

    The chance that at least one of ``k`` samples drawn without replacement from the
    ``n`` is right; with ``k == n`` it is 1 if any was right, else 0.
    """
    if not 0 <= correct <= n or not 1 <= k <= n:
        raise ValueError(f"need 0 <= correct <= n and 1 <= k <= n, got {n=}, {correct=}, {k=}")
    if n - correct < k:
        return 1.0
    return 1.0 - math.comb(n - correct, k) / math.comb(n, k)


def token_logprobs(logits: Tensor, tokens: Tensor) -> Tensor:
    """log p(tokens[:, t+1] | tokens[:, :t+1]) for every position: (B, T-1), in float32."""
    logp = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    return logp.gather(-1, tokens[:, 1:, None]).squeeze(-1)


@dataclass
class LossParts:
    loss: Tensor  # what backward runs on
    kl: Tensor  # mean per-token KL to the reference (k3 estimate), detached
    clipped: Tensor  # share of tokens whose ratio was clipped, detached


def policy_loss(
    logprobs: Tensor,
    old_logprobs: Tensor,
    advantages: Tensor,
    mask: Tensor,
    *,
    clip: float,
    ref_logprobs: Tensor | None = None,
    kl_coef: float = 0.0,
    tokens_norm: int,
) -> LossParts:
    """The clipped policy-gradient loss over the completion tokens of a batch.

    ``logprobs`` (B, T) under the policy being trained, ``old_logprobs`` under the
    policy that sampled (equal, detached, for one update per rollout: the ratio is 1
    and the loss is plain REINFORCE with a group baseline), ``advantages`` (B,),
    ``mask`` (B, T) True on completion tokens. ``tokens_norm`` is the constant the
    token sum is divided by, per completion (Dr. GRPO: the generation budget, the
    same for every completion, so long and short ones weigh alike per token).
    """
    mask = mask.float()
    ratio = torch.exp(logprobs - old_logprobs)
    adv = advantages[:, None]
    unclipped = ratio * adv
    clipped = ratio.clamp(1.0 - clip, 1.0 + clip) * adv
    per_token = -torch.minimum(unclipped, clipped)
    n_tokens = mask.sum().clamp(min=1)
    kl = torch.zeros((), device=logprobs.device)
    if ref_logprobs is not None:
        # k3: exp(r) - r - 1 with r = log pi_ref - log pi; >= 0, unbiased for KL(pi || pi_ref).
        diff = ref_logprobs - logprobs
        kl_per_token = torch.exp(diff) - diff - 1.0
        kl = (kl_per_token * mask).sum() / n_tokens
        if kl_coef:
            per_token = per_token + kl_coef * kl_per_token
    loss = (per_token * mask).sum() / (logprobs.size(0) * tokens_norm)
    was_clipped = ((unclipped != clipped).float() * mask).sum() / n_tokens
    return LossParts(loss, kl.detach(), was_clipped.detach())
