"""Section 1b: Lightning's own cost per step, in milliseconds, where compute can't hide it."""

from __future__ import annotations

from typing import Any

import torch
from omegaconf import DictConfig, OmegaConf

from tinythink.bench.batches import packed_batches
from tinythink.bench.stats import abba, spread, step_time
from tinythink.bench.training import LOOPS, make_run, run_loop
from tinythink.data.datamodule import ThinkingDataModule


def time_overhead(
    o: DictConfig,
    base_model: dict[str, Any],
    optim: dict[str, Any],
    dm: ThinkingDataModule,
    seed: int,
    device: torch.device,
) -> dict[str, Any]:
    """Lightning's per-step cost in milliseconds, from a model so small that compute is ~0.

    At the real size the framework's cost hides inside the noise of a shared
    machine; with a micro model each step is a few ms and the difference shows.
    The framework's work is single-threaded Python, so this runs on ``o.num_threads``
    (1 by default): a one-thread process barely notices other processes on the
    machine, where two threads that must meet at every op stall whenever one of
    them is descheduled.
    """
    # The bench's model with o.model's micro shape on top (ModelConfig has no defaults).
    model = {**base_model, **OmegaConf.to_container(o.model, resolve=True)}
    batches = packed_batches(dm, o.warmup + o.steps + 1, o.batch_size, o.seq_len, seed)
    runs: dict[str, list[dict[str, Any]]] = {loop: [] for loop in LOOPS}
    threads = torch.get_num_threads()
    torch.set_num_threads(o.num_threads or threads)
    run = make_run(batches, model, "32-true", o, seed, device)
    try:
        for r in range(o.repeats):
            for loop in abba(LOOPS, r):
                runs[loop].append(run_loop(loop, run, optim))
    finally:
        torch.set_num_threads(threads)
    step_ms = {loop: spread([1e3 * step_time(r) for r in rs]) for loop, rs in runs.items()}
    return {
        "model": model,
        "batch_size": o.batch_size,
        "seq_len": o.seq_len,
        "precision": "32-true",
        "num_threads": o.num_threads or threads,
        "step_ms": step_ms,
        "overhead_ms": spread(
            [
                1e3 * (step_time(lt) - step_time(p))
                for lt, p in zip(runs["lightning"], runs["plain"], strict=True)
            ]
        ),
    }
