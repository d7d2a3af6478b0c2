"""Section 4: how fast greedy answering runs, batched with and without the KV cache."""

from __future__ import annotations

import statistics
import time
from typing import Any

import torch
from omegaconf import DictConfig
from tokenizers import Tokenizer

from tinythink.bench.machine import synchronizer
from tinythink.bench.stats import abba, spread
from tinythink.data.datamodule import ThinkingDataModule
from tinythink.data.tokenizer import encode
from tinythink.evaluation.scoring import solve
from tinythink.model import TinyThinkLM


def eval_section(
    dm: ThinkingDataModule,
    net: TinyThinkLM,
    tokenizer: Tokenizer,
    cfg: DictConfig,
    device: torch.device,
) -> dict[str, Any]:
    """Problems/s of greedy answering three ways, interleaved over repeats.

    With random weights every row runs to max_new_tokens; with a trained
    checkpoint (and its own tokenizer) rows stop at eos, as in real evaluation,
    and the accuracy of the batched-cache answers is reported too.
    """
    problems = dm.eval_problems("test")
    modes = {
        "batched_cache": (cfg.batched_problems, cfg.batched_problems, True),
        "batched_no_cache": (cfg.batched_problems, cfg.batched_problems, False),
        "single_no_cache": (cfg.single_problems, 1, False),
    }
    net = net.to(device).eval()
    sync = synchronizer(device)
    timings: dict[str, list[float]] = {m: [] for m in modes}
    answers: dict[str, list[str]] = {}
    attempts_cache: list = []
    for r in range(cfg.repeats):
        for mode in abba(list(modes), r):
            n, batch_size, use_cache = modes[mode]
            sync()
            t = time.perf_counter()
            attempts = solve(
                net,
                tokenizer,
                problems[:n],
                max_new_tokens=cfg.max_new_tokens,
                batch_size=batch_size,
                use_cache=use_cache,
            )
            sync()
            timings[mode].append(n / (time.perf_counter() - t))
            answers[mode] = [a.completion for a in attempts]
            if mode == "batched_cache":
                attempts_cache = attempts
    n_single = cfg.single_problems
    result: dict[str, Any] = {
        "max_new_tokens": cfg.max_new_tokens,
        "weights": cfg.ckpt or "random init (every row runs to max_new_tokens)",
        "modes": {
            mode: {
                "problems": modes[mode][0],
                "batch_size": modes[mode][1],
                "use_cache": modes[mode][2],
                "problems_per_s": spread(timings[mode]),
            }
            for mode in modes
        },
        "mean_completion_tokens": statistics.mean(
            len(encode(tokenizer, a.completion)) for a in attempts_cache
        ),
        "accuracy_batched_cache": sum(a.correct for a in attempts_cache) / len(attempts_cache),
        # Greedy decoding: all three must write the same completions.
        "same_outputs": answers["batched_cache"] == answers["batched_no_cache"]
        and answers["batched_cache"][:n_single] == answers["single_no_cache"][:n_single],
    }
    cache = statistics.median(timings["batched_cache"])
    result["speedup_cache_vs_no_cache"] = cache / statistics.median(timings["batched_no_cache"])
    result["speedup_cache_vs_single"] = cache / statistics.median(timings["single_no_cache"])
    return result
