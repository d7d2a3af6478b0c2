"""The two tables a sweep is summarised by, built from its jobs' results.

- :func:`leaderboard`: one row per job, finished points ranked by validation
  answer accuracy, then the failed, missing and skipped ones;
- :func:`format_table`: answer accuracy per arm of a :class:`Comparison` (CoT vs
  direct, more SFT vs RL), overall, by number of steps and by family, as mean and
  spread over seeds, and the gap between the two arms.
"""

from __future__ import annotations

import math
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinythink.results import (
    ACC_FAMILY,
    ACC_STEPS,
    ANSWER_ACC,
    OBJECTIVE,
    TEST_ANSWER_ACC,
    VAL_LOSS,
    RunResult,
    metric,
)

STATUS_ORDER = {"finished": 0, "failed": 1, "missing": 2, "skipped": 3}
SHAPE_KEYS = ("n_layer", "d_model", "n_head")

# -----------------------------------------------------------------------------
# Leaderboard


@dataclass
class LeaderboardRow:
    """One sweep point, flattened for the leaderboard."""

    job: str  # the job's directory, relative to the sweep directory
    status: str  # finished | skipped | failed | missing
    overrides: list[str] = field(default_factory=list)
    n_layer: int | None = None
    d_model: int | None = None
    n_head: int | None = None
    num_params: int | None = None
    max_params: int | None = None
    val_answer_acc: float | None = None
    val_loss: float | None = None
    test_answer_acc: float | None = None
    wall_time_s: float | None = None
    reason: str = ""  # why it was skipped, or the error it failed with
    rank: int | None = None  # 1 = best finished point

    @property
    def shape(self) -> str:
        """``L4-d192-h6``, the W&B run name (``tinythink.train.run_name``)."""
        if None in (self.n_layer, self.d_model, self.n_head):
            return "?"
        return f"L{self.n_layer}-d{self.d_model}-h{self.n_head}"


def _number(value: Any) -> float | None:
    """A finite float, or None (missing, NaN and inf metrics are not ranked)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _override_value(overrides: list[str], key: str) -> str | None:
    for item in overrides:
        name, sep, value = item.partition("=")
        if sep and name.lstrip("+~") == key:
            return value
    return None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _count_params(model: dict[str, Any]) -> int | None:
    """The parameter count of a shape the cap refused (train.py records none for it)."""
    if not model:
        return None
    from tinythink.model import ModelConfig, ModelConfigError

    try:
        return ModelConfig(**{**model, "max_params": sys.maxsize}).num_params
    except (ModelConfigError, TypeError):  # bad heads, or keys from another version
        return None


def _row(job: str, result: RunResult) -> LeaderboardRow:
    model = result.model or {}
    # The shape: the resolved model config if recorded, else the overrides.
    shape = {
        k: _int_or_none(model.get(k, _override_value(result.overrides, f"model.{k}")))
        for k in SHAPE_KEYS
    }
    return LeaderboardRow(
        job=job,
        status=str(result.status),
        overrides=result.overrides,
        num_params=_int_or_none(result.num_params) or _count_params(model),
        max_params=_int_or_none(model.get("max_params")),
        val_answer_acc=_number(result.metric(OBJECTIVE)),
        val_loss=_number(result.metric(VAL_LOSS)),
        test_answer_acc=_number(result.metric(TEST_ANSWER_ACC)),
        wall_time_s=_number(result.wall_time_s),
        reason=str(result.reason or result.error or ""),
        **shape,
    )


def _job_sort_key(job: str) -> tuple:
    """Job 2 before job 10; names (a custom hydra.sweep.subdir) after numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in Path(job).parts)


def leaderboard(jobs: dict[str, RunResult]) -> list[LeaderboardRow]:
    """Every job, ranked: finished by accuracy, then failed, missing, skipped."""

    def order(r: LeaderboardRow) -> tuple:
        status = STATUS_ORDER.get(r.status, len(STATUS_ORDER))
        if r.status != "finished":
            return (status, _job_sort_key(r.job))
        return (
            status,
            -r.val_answer_acc if r.val_answer_acc is not None else math.inf,
            r.val_loss if r.val_loss is not None else math.inf,
            r.num_params if r.num_params is not None else math.inf,
            _job_sort_key(r.job),
        )

    rows = sorted((_row(job, result) for job, result in jobs.items()), key=order)
    rank = 0
    for r in rows:
        if r.status == "finished":
            rank += 1
            r.rank = rank
    return rows


# -----------------------------------------------------------------------------
# Formats compared over seeds


@dataclass(frozen=True)
class Comparison:
    """Two arms of a sweep compared over seeds: which setting tells them apart, the gap shown."""

    name: str  # the files: <name>.{md,csv,png}
    title: str
    key: str  # the setting whose value names a job's arm
    gap: tuple[str, str]  # the table's last column: first arm minus second


COMPARISONS = {
    c.name: c
    for c in (
        Comparison("cot_vs_direct", "CoT vs direct", "data.format", ("cot", "direct")),
        Comparison("sft_vs_rl", "More SFT vs RL, from the same model", "stage", ("rl", "more_sft")),
    )
}


def _arm(result: RunResult, key: str) -> str | None:
    if key == "data.format":  # recorded for every job, swept or not
        return result.data_format
    return _override_value(result.overrides or [], key)


def runs_by_arm(jobs: dict[str, RunResult], key: str) -> dict[str, list[dict[str, float]]]:
    """arm (the value of ``key``) -> the metrics of each finished job, by seed (kept as ``seed``)."""
    runs: dict[str, list[dict[str, float]]] = defaultdict(list)
    for result in jobs.values():
        arm = _arm(result, key)
        if result.status == "finished" and arm:
            runs[arm].append({**(result.metrics or {}), "seed": result.seed})
    for metrics in runs.values():
        metrics.sort(key=lambda m: (m["seed"] is None, m["seed"] or 0))
    return runs


def _groups(runs: dict[str, list[dict[str, float]]]) -> list[str]:
    """Metric names shared by the runs, overall first, then steps, then families."""
    keys = {k for metrics in runs.values() for m in metrics for k in m}
    rows = []
    for split in ("test", "ood", "handwritten"):
        if metric(split, ANSWER_ACC) in keys:
            rows.append(metric(split, ANSWER_ACC))
        rows += sorted(k for k in keys if k.startswith(metric(split, ACC_STEPS)))
        rows += sorted(k for k in keys if k.startswith(metric(split, ACC_FAMILY)))
    return rows


def _stats(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def format_table(
    runs: dict[str, list[dict[str, float]]], gap: tuple[str, str] = ("cot", "direct")
) -> list[dict[str, Any]]:
    """One row per metric: ``<arm>_mean``, ``_std``, ``_seeds``, ``_per_seed``, the gap.

    The gap is ``<a>_minus_<b>`` for ``gap == (a, b)``, where both arms have the metric.
    """
    formats = sorted(runs)
    rows = []
    for key in _groups(runs):
        row: dict[str, Any] = {"metric": key}
        for fmt in formats:
            values = [m[key] for m in runs[fmt] if key in m]
            if values:
                row[f"{fmt}_mean"], row[f"{fmt}_std"] = _stats(values)
                row[f"{fmt}_seeds"] = len(values)
                row[f"{fmt}_per_seed"] = " ".join(f"{100 * v:.1f}" for v in values)
        a, b = gap
        if f"{a}_mean" in row and f"{b}_mean" in row:
            row[f"{a}_minus_{b}"] = row[f"{a}_mean"] - row[f"{b}_mean"]
        rows.append(row)
    return rows
