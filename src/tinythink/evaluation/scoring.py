"""Scoring answers: generate for held-out problems, extract ``Answer: N``, compare, summarise.

Pure functions over a model and a tokenizer, no Lightning: the training
module, ``eval.py`` and the benchmarks all call :func:`solve` and
:func:`summarize`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import torch
from tokenizers import Tokenizer

from tinythink.data.problem import Problem, extract_answer, prompt_text
from tinythink.data.tokenizer import EOS, PAD, decode, encode
from tinythink.engine import generate_batch
from tinythink.model import TinyThinkLM


@dataclass(frozen=True)
class Attempt:
    """What the model said for one problem, and whether its answer was right."""

    problem: Problem
    completion: str
    predicted: int | None

    @property
    def correct(self) -> bool:
        return self.predicted is not None and self.predicted == self.problem.answer


@torch.no_grad()
def solve(
    model: TinyThinkLM,
    tok: Tokenizer,
    problems: list[Problem],
    *,
    max_new_tokens: int,
    batch_size: int = 128,
    temperature: float = 0.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
    use_cache: bool = True,
) -> list[Attempt]:
    """Generate a completion for every problem (batched) and extract its answer."""
    was_training = model.training
    model.eval()
    eos, pad = tok.token_to_id(EOS), tok.token_to_id(PAD)
    # Sorting by prompt length keeps left padding (wasted compute) small.
    order = sorted(range(len(problems)), key=lambda i: len(problems[i].question))
    completions: dict[int, str] = {}
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        prompts = [encode(tok, prompt_text(problems[i].question)) for i in chunk]
        outputs = generate_batch(
            model,
            prompts,
            max_new_tokens=max_new_tokens,
            eos_id=eos,
            pad_id=pad,
            temperature=temperature,
            top_k=top_k,
            generator=generator,
            use_cache=use_cache,
        )
        for i, ids in zip(chunk, outputs, strict=True):
            completions[i] = decode(tok, ids)
    model.train(was_training)
    return [
        Attempt(p, completions[i], extract_answer(completions[i])) for i, p in enumerate(problems)
    ]


def majority_vote(samples: list[list[Attempt]]) -> list[Attempt]:
    """Self-consistency: per problem, the most common extracted answer over k samples."""
    voted = []
    for attempts in zip(*samples, strict=True):
        counts: dict[int, int] = defaultdict(int)
        for a in attempts:
            if a.predicted is not None:
                counts[a.predicted] += 1
        best = max(counts, key=lambda v: (counts[v], -abs(v))) if counts else None
        chosen = next((a for a in attempts if a.predicted == best), attempts[0])
        voted.append(chosen)
    return voted


def any_correct(samples: list[list[Attempt]]) -> list[Attempt]:
    """pass@k: per problem, a right attempt among the k samples if there is one."""
    return [
        next((a for a in attempts if a.correct), attempts[0])
        for attempts in zip(*samples, strict=True)
    ]


def summarize(attempts: list[Attempt]) -> dict[str, float]:
    """Accuracy overall and broken down by step count, family, wording, ood half and
    (the hand-written set) category."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for a in attempts:
        groups["all"].append(a.correct)
        groups[f"steps_{a.problem.steps}"].append(a.correct)
        if a.problem.steps >= 3:  # where thinking should matter most
            groups["steps_3plus"].append(a.correct)
        groups[f"family_{a.problem.family}"].append(a.correct)
        if a.problem.wording:  # generated held-out splits: seen vs held-out wordings and words
            groups[f"wording_{a.problem.wording}"].append(a.correct)
        if a.problem.harder:  # ood: its "more steps" and "bigger numbers" halves
            groups[f"harder_{a.problem.harder}"].append(a.correct)
        if a.problem.category:
            groups[f"category_{a.problem.category}"].append(a.correct)
    out = {}
    for key, hits in sorted(groups.items()):
        out[f"acc_{key}" if key == "all" else f"acc/{key}"] = sum(hits) / len(hits)
        if key != "all":
            out[f"n/{key}"] = len(hits)
    out["n"] = len(attempts)
    return out
