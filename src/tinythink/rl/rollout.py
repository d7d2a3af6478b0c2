"""Sampling groups of completions and turning them into the tensors a policy update needs."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from tokenizers import Tokenizer
from torch import Tensor

from tinythink.data.problem import Problem, extract_answer, prompt_text
from tinythink.data.tokenizer import EOS, PAD, decode, encode
from tinythink.engine import generate_batch
from tinythink.evaluation.scoring import Attempt
from tinythink.model import TinyThinkLM
from tinythink.rl.rewards import reward, well_formed


@dataclass
class Rollout:
    """``k`` sampled completions for each of ``P`` problems; sample ``j`` of problem ``i``
    is at flat index ``i * k + j``."""

    problems: list[Problem]
    k: int
    prompts: list[list[int]]  # (P,) token ids of each problem's prompt
    completions: list[list[int]]  # (P*k,) sampled token ids, without the final eos
    texts: list[str]  # (P*k,) the completions decoded
    ended: list[bool]  # (P*k,) stopped with eos (False: cut off by the token budget)
    rewards: Tensor  # (P, k)
    correct: Tensor  # (P, k) bool: the extracted answer is right
    formatted: Tensor  # (P, k) bool: well formed

    def attempts(self) -> list[Attempt]:
        """Every sample as an :class:`Attempt` (for the samples table)."""
        return [
            Attempt(self.problems[i // self.k], text, extract_answer(text))
            for i, text in enumerate(self.texts)
        ]

    def lengths(self) -> Tensor:
        return torch.tensor([len(c) for c in self.completions], dtype=torch.float)


@torch.no_grad()
def sample_groups(
    model: TinyThinkLM,
    tok: Tokenizer,
    problems: list[Problem],
    k: int,
    *,
    temperature: float,
    max_new_tokens: int,
    format_weight: float,
    generator: torch.Generator | None,
    batch_size: int = 256,
) -> Rollout:
    """Sample ``k`` completions per problem (KV-cache engine, in eval mode) and reward them."""
    was_training = model.training
    model.eval()
    eos, pad = tok.token_to_id(EOS), tok.token_to_id(PAD)
    prompts = [encode(tok, prompt_text(p.question)) for p in problems]
    flat = [prompts[i // k] for i in range(len(problems) * k)]
    completions: list[list[int]] = []
    ended: list[bool] = []
    for start in range(0, len(flat), batch_size):
        chunk = flat[start : start + batch_size]
        budget = min(max_new_tokens, model.config.max_seq_len - max(len(p) for p in chunk))
        out = generate_batch(
            model,
            chunk,
            max_new_tokens=max_new_tokens,
            eos_id=eos,
            pad_id=pad,
            temperature=temperature,
            generator=generator,
        )
        completions += out
        ended += [len(c) < budget for c in out]  # the engine cuts at eos, so shorter = ended
    model.train(was_training)
    texts = [decode(tok, c) for c in completions]
    answers = [problems[i // k].answer for i in range(len(texts))]
    rewards = [reward(t, a, format_weight) for t, a in zip(texts, answers, strict=True)]
    correct = [extract_answer(t) == a for t, a in zip(texts, answers, strict=True)]
    return Rollout(
        problems=problems,
        k=k,
        prompts=prompts,
        completions=completions,
        texts=texts,
        ended=ended,
        rewards=torch.tensor(rewards).view(len(problems), k),
        correct=torch.tensor(correct).view(len(problems), k),
        formatted=torch.tensor([well_formed(t) for t in texts]).view(len(problems), k),
    )


def update_batch(
    rollout: Rollout, rows: list[int], eos_id: int, pad_id: int, device: torch.device
) -> tuple[Tensor, Tensor]:
    """Token rows ``prompt + completion (+ eos)`` for the samples ``rows``, right-padded.

    Returns ``tokens`` (B, T) and ``mask`` (B, T-1): True where position t predicts a
    completion token (or its eos), i.e. the tokens the policy chose and is scored on.
    A completion cut off by the budget gets no eos: the model never chose to stop.
    """
    seqs, starts = [], []
    for r in rows:
        prompt = rollout.prompts[r // rollout.k]
        tail = [eos_id] if rollout.ended[r] else []
        seqs.append([*prompt, *rollout.completions[r], *tail])
        starts.append(len(prompt))
    width = max(len(s) for s in seqs)
    tokens = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros(len(seqs), width - 1, dtype=torch.bool)
    for b, (seq, start) in enumerate(zip(seqs, starts, strict=True)):
        tokens[b, : len(seq)] = torch.tensor(seq)
        mask[b, start - 1 : len(seq) - 1] = True  # position t predicts token t + 1
    return tokens.to(device), mask.to(device)
