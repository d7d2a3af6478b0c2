"""The tables as text: markdown for reading, CSV (every column) for other tools."""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tinythink.results import (
    ACC_STEPS,
    HANDWRITTEN_ANSWER_ACC,
    OOD_ANSWER_ACC,
    TEST_ANSWER_ACC,
    metric,
)
from tinythink.sweeps.tables import STATUS_ORDER, LeaderboardRow
from tinythink.utils import atomic_write

# A mean hides a bimodal outcome (one seed that never takes off): these rows also
# show each seed.
PER_SEED_ROWS = (
    TEST_ANSWER_ACC,
    metric("test", ACC_STEPS + "3plus"),
    metric("test", ACC_STEPS + "4"),
    OOD_ANSWER_ACC,
    HANDWRITTEN_ANSWER_ACC,
)

LEADERBOARD_COLUMNS = [
    "rank",
    "job",
    "status",
    "shape",
    "n_layer",
    "d_model",
    "n_head",
    "num_params",
    "val_answer_acc",
    "val_loss",
    "test_answer_acc",
    "wall_time_s",
    "overrides",
    "reason",
]


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    """One line per row; a missing or None value is an empty cell."""

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})

    atomic_write(path, write)


# -----------------------------------------------------------------------------
# Leaderboard


def _swept_and_common(rows: list[LeaderboardRow]) -> tuple[set[str], list[str]]:
    """Override keys whose value differs between jobs, and the overrides all jobs share."""
    values: dict[str, set[str]] = {}
    for r in rows:
        for item in r.overrides:
            key, _, value = item.partition("=")
            values.setdefault(key, set()).add(value)
    swept = {k for k, v in values.items() if len(v) > 1 or any(k not in _keys(r) for r in rows)}
    common = [o for o in (rows[0].overrides if rows else []) if o.partition("=")[0] not in swept]
    return swept, common


def _keys(r: LeaderboardRow) -> set[str]:
    return {o.partition("=")[0] for o in r.overrides}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _fmt(x: float | None, spec: str) -> str:
    return "–" if x is None else format(x, spec)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def leaderboard_markdown(rows: list[LeaderboardRow], title: str, best: dict | None = None) -> str:
    swept, common = _swept_and_common(rows)
    counts = {s: sum(r.status == s for r in rows) for s in STATUS_ORDER}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    lines = [f"# Sweep {title}", "", f"{len(rows)} jobs: {summary}.", ""]
    if common:
        lines += ["Common overrides: `" + " ".join(common) + "`", ""]
    ranked = [r for r in rows if r.rank is not None]
    if ranked and ranked[0].val_answer_acc is not None:
        top = ranked[0]
        lines += [
            f"Best: **{top.shape}** ({top.num_params:,} parameters), val answer accuracy "
            f"{_pct(top.val_answer_acc)} (job {top.job}).",
            "",
        ]
    if best:
        lines += [f"Optuna best value {best.get('best_value')}: `{best.get('best_params')}`", ""]
    lines += [
        "Ranked by validation answer accuracy (greedy exact match), then val loss.",
        "",
        "| rank | job | status | shape | params | val acc | test acc | val loss | wall (s) | overrides |",
        "|---:|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        own = " ".join(o for o in r.overrides if o.partition("=")[0] in swept)
        params = f"{r.num_params:,}" if r.num_params is not None else "–"
        lines.append(
            f"| {r.rank or ''} | {r.job} | {r.status} | {r.shape} | {params} | "
            f"{_pct(r.val_answer_acc)} | {_pct(r.test_answer_acc)} | {_fmt(r.val_loss, '.3f')} | "
            f"{_fmt(r.wall_time_s, '.1f')} | {_cell(own)} |"
        )
    not_run = [r for r in rows if r.status != "finished"]
    if not_run:
        lines += ["", "## Not finished", ""]
        for r in not_run:
            own = " ".join(o for o in r.overrides if o.partition("=")[0] in swept)
            lines.append(f"- job {r.job} `{own}`: **{r.status}**: {_cell(r.reason)}")
    return "\n".join(lines) + "\n"


def write_leaderboard_csv(rows: list[LeaderboardRow], path: Path) -> None:
    def flat(r: LeaderboardRow) -> dict[str, Any]:
        row = {k: v for k, v in asdict(r).items() if k in LEADERBOARD_COLUMNS}
        return {**row, "shape": r.shape, "overrides": " ".join(r.overrides)}

    write_csv(path, [flat(r) for r in rows], LEADERBOARD_COLUMNS)


# -----------------------------------------------------------------------------
# Formats compared over seeds


def format_markdown(
    rows: list[dict[str, Any]],
    formats: list[str],
    seeds: str,
    title: str = "CoT vs direct",
    gap: tuple[str, str] = ("cot", "direct"),
) -> str:
    """The comparison as a page: means ± spread and the gap, then each seed's value."""
    a, b = gap
    lines = [f"# {title}", "", f"Seeds per arm: {seeds}. Accuracies in %.", ""]
    head = "| metric | " + " | ".join(f"{f} (mean ± sd)" for f in formats) + f" | {a} − {b} |"
    lines += [head, "|---|" + "---:|" * (len(formats) + 1)]
    for r in rows:
        cells = [
            f"{100 * r[f'{f}_mean']:.1f} ± {100 * r[f'{f}_std']:.1f}" if f"{f}_mean" in r else "–"
            for f in formats
        ]
        diff = r.get(f"{a}_minus_{b}")
        shown = "–" if diff is None else f"{100 * diff:+.1f}"
        lines.append(f"| {r['metric']} | " + " | ".join(cells) + f" | {shown} |")
    lines += ["", "Per seed, in seed order:", ""]
    lines += ["| metric | " + " | ".join(formats) + " |", "|---|" + "---:|" * len(formats)]
    for r in rows:
        if r["metric"] in PER_SEED_ROWS:
            cells = [r.get(f"{f}_per_seed", "–").replace(" ", " / ") for f in formats]
            lines.append(f"| {r['metric']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_format_csv(rows: list[dict[str, Any]], path: Path) -> None:
    columns = sorted({k for r in rows for k in r}, key=lambda k: (k != "metric", k))
    write_csv(path, rows, columns)
