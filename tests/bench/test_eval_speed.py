"""Section 4: greedy answering three ways, with the same completions."""

from __future__ import annotations

import statistics
from types import SimpleNamespace

import pytest
import torch
from omegaconf import OmegaConf

from tests.bench.conftest import assert_spread, positive
from tinythink.bench import eval_speed
from tinythink.data.problem import Problem
from tinythink.evaluation.scoring import Attempt


def test_eval_section(quick):
    report = quick[0]
    ev, cfg = report["eval"], report["config"]["eval"]
    assert set(ev["modes"]) == {"batched_cache", "batched_no_cache", "single_no_cache"}
    assert ev["modes"]["single_no_cache"]["batch_size"] == 1
    assert not ev["modes"]["batched_no_cache"]["use_cache"]
    for mode in ev["modes"].values():
        assert_spread(mode["problems_per_s"])
        assert len(mode["problems_per_s"]["runs"]) == cfg["repeats"]
    assert positive(ev["speedup_cache_vs_single"])
    assert isinstance(ev["same_outputs"], bool)
    # Greedy decoding is deterministic: the three modes must write the same completions.
    assert ev["same_outputs"] is True
    assert positive(ev["mean_completion_tokens"])
    assert 0.0 <= ev["accuracy_batched_cache"] <= 1.0
    # The speedups are the ratios of the modes' median problems/s.
    med = {m: statistics.median(v["problems_per_s"]["runs"]) for m, v in ev["modes"].items()}
    assert ev["speedup_cache_vs_single"] == pytest.approx(
        med["batched_cache"] / med["single_no_cache"]
    )
    assert ev["speedup_cache_vs_no_cache"] == pytest.approx(
        med["batched_cache"] / med["batched_no_cache"]
    )
    # Random weights (no checkpoint): no completion outgrows max_new_tokens, none is right.
    assert cfg["ckpt"] is None and ev["weights"].startswith("random init")
    assert ev["mean_completion_tokens"] <= ev["max_new_tokens"] == cfg["max_new_tokens"]
    assert ev["modes"]["batched_cache"]["problems"] == cfg["batched_problems"]
    assert ev["modes"]["single_no_cache"]["problems"] == cfg["single_problems"]
    assert ev["accuracy_batched_cache"] == 0.0


class _Words:
    """A stand-in tokenizer: one token per word."""

    def encode(self, text: str, add_special_tokens: bool = False) -> SimpleNamespace:
        return SimpleNamespace(ids=text.split())


class _Net(torch.nn.Module):
    """Never called: ``solve`` is replaced."""


@pytest.mark.parametrize("single_differs", [False, True])
def test_eval_figures_follow_the_attempts(monkeypatch, single_differs):
    """``same_outputs``, accuracy and mean length are computed from what ``solve`` returned."""
    problems = [Problem(question=f"q{i}", answer=i) for i in range(6)]

    def fake_solve(net, tok, batch, *, max_new_tokens, batch_size, use_cache):
        out = []
        for p in batch:
            words = "a b c" if p.answer % 2 else "a b c d e"  # 3 or 5 tokens
            if single_differs and batch_size == 1 and p.answer == 1:
                words = "a b x"  # batch size 1 writes a different completion
            predicted = p.answer if p.answer in (0, 3) else p.answer + 1  # 2 of 6 right
            out.append(Attempt(problem=p, completion=words, predicted=predicted))
        return out

    monkeypatch.setattr(eval_speed, "solve", fake_solve)
    dm = SimpleNamespace(eval_problems=lambda split: problems)
    cfg = OmegaConf.create(
        {
            "batched_problems": 6,
            "single_problems": 2,
            "repeats": 2,
            "max_new_tokens": 5,
            "ckpt": None,
        }
    )
    ev = eval_speed.eval_section(dm, _Net(), _Words(), cfg, torch.device("cpu"))
    assert ev["same_outputs"] is (not single_differs)
    assert ev["accuracy_batched_cache"] == pytest.approx(2 / 6)
    assert ev["mean_completion_tokens"] == pytest.approx((3 * 3 + 3 * 5) / 6)
    for mode in ev["modes"].values():
        assert len(mode["problems_per_s"]["runs"]) == 2
