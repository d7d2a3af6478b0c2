"""Figures from repeated runs on a shared machine: medians, spreads, ABBA order, clean runs."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any, TypeVar

import torch

T = TypeVar("T")


def spread(values: list[float]) -> dict[str, Any]:
    """Median, min, max and (max - min) / median of repeated measurements."""
    med = statistics.median(values)
    return {
        "median": med,
        "min": min(values),
        "max": max(values),
        "spread": (max(values) - min(values)) / med if med else 0.0,
        "runs": values,
    }


def abba(items: Sequence[T], repeat: int) -> list[T]:
    """``items`` in order on even repeats, reversed on odd ones (ABBA).

    Alternating which goes first makes a drift in load hit every item alike.
    """
    return list(items) if repeat % 2 == 0 else list(reversed(items))


def cycles(times: list[tuple[float, float]], warmup: int, steps: int) -> dict[str, Any]:
    """Step times from timestamps taken at the start of each step (and one after the last).

    ``steps`` full cycles after ``warmup``: everything a loop does between two
    steps is inside a cycle. ``cpu_share`` is the process's CPU time over wall
    time per thread: near 1 when this process had the cores to itself, lower when
    other processes took them (the figures are then slower and noisier).
    """
    wall = [t for t, _ in times]
    cpu = [c for _, c in times]
    span = wall[warmup + steps] - wall[warmup]
    cpu_span = cpu[warmup + steps] - cpu[warmup]
    return {
        "step_seconds": [b - a for a, b in zip(wall[warmup:], wall[warmup + 1 :], strict=False)][
            :steps
        ],
        "warmup_seconds": wall[warmup] - wall[0],
        "cpu_share": cpu_span / (span * torch.get_num_threads()),
    }


def step_time(run: dict[str, Any]) -> float:
    """A run's step time: the median of its timed steps (a stray slow step doesn't count)."""
    return statistics.median(run["step_seconds"])


def clean_runs(runs: list[dict[str, Any]], threshold: float) -> list[dict[str, Any]]:
    """The runs that had the cores to themselves (cpu share >= threshold), or all if none did.

    On a shared machine one other process can make a two-thread step 5x slower;
    such a run measures the neighbour, not the loop. Every run stays in the JSON.
    """
    return [r for r in runs if r["cpu_share"] >= threshold] or runs


def loop_summary(
    runs: list[dict[str, Any]], tokens_per_step: int, threshold: float
) -> dict[str, Any]:
    """One loop's runs: speed over the clean ones, cpu share and count over all."""
    kept = clean_runs(runs, threshold)
    return {
        "tokens_per_s": spread([tokens_per_step / step_time(r) for r in kept]),
        "step_ms": spread([1e3 * step_time(r) for r in kept]),
        "warmup_s": spread([r["warmup_seconds"] for r in kept]),
        "cpu_share": spread([r["cpu_share"] for r in runs]),
        "clean_runs": sum(r["cpu_share"] >= threshold for r in runs),
        "runs": len(runs),
        "all_tokens_per_s": [tokens_per_step / step_time(r) for r in runs],
    }


def paired_ratio(
    num: list[dict[str, Any]], den: list[dict[str, Any]], threshold: float = 0.0
) -> dict[str, Any]:
    """Speed of ``num`` over speed of ``den``, repeat by repeat (both saw about the same load).

    Only pairs in which both runs were clean count, unless no pair was.
    """
    pairs = list(zip(num, den, strict=True))
    clean = [(n, d) for n, d in pairs if min(n["cpu_share"], d["cpu_share"]) >= threshold]
    ratio = spread([step_time(d) / step_time(n) for n, d in clean or pairs])
    ratio["clean_pairs"] = len(clean)
    return ratio
