"""Section 5: whether the train loader keeps up: its batches/s alone, with no model."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from typing import Any

from tinythink.bench.stats import spread
from tinythink.data.datamodule import ThinkingDataModule


def data_section(dm: ThinkingDataModule, n_batches: int, repeats: int) -> dict[str, Any]:
    """Batches/s of the train loader alone (a fresh epoch each repeat)."""
    rates, first, tokens = [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        it: Iterator = iter(dm.train_dataloader())
        batch = next(it)
        t_first = time.perf_counter()
        first.append(t_first - t)
        for _ in range(n_batches):
            batch = next(it)
            tokens.append(batch["inputs"].numel())
        rates.append(n_batches / (time.perf_counter() - t_first))
    return {
        "batch_size": dm.batch_size,
        "num_workers": dm.num_workers,
        "train_rows": len(dm.rows["train"]),
        "loader_batches_per_s": spread(rates),
        "first_batch_s": spread(first),
        "mean_tokens_per_batch": statistics.mean(tokens),
    }
