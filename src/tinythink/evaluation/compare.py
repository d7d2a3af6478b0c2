"""CoT vs direct: a results table over seeds from a ``experiment=cot_vs_direct`` sweep.

``python -m tinythink.evaluation.compare DIR`` (re)builds, inside the sweep directory,
``cot_vs_direct.md``, ``cot_vs_direct.csv`` and ``cot_vs_direct.png``: answer accuracy
on test and ood, overall, by number of steps and by family, as mean and standard
deviation over seeds for each format, and the CoT-minus-direct gap.
It reads each job's ``results.json``, so it works whatever launcher ran the jobs.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from tinythink.utils import atomic_write, atomic_write_text

NAME = "cot_vs_direct"
PER_SEED_ROWS = ("test/answer_acc", "test/acc/steps_3plus", "ood/answer_acc")


def load_runs(sweep_dir: Path) -> dict[str, list[dict[str, float]]]:
    """format -> the metrics of each finished job, ordered by seed (kept as ``seed``)."""
    runs: dict[str, list[dict[str, float]]] = defaultdict(list)
    for path in sorted(sweep_dir.rglob("results.json")):
        if any(p.startswith(".") for p in path.relative_to(sweep_dir).parts):
            continue
        result = json.loads(path.read_text())
        if result.get("status") == "finished" and result.get("data_format"):
            runs[result["data_format"]].append({**result["metrics"], "seed": result.get("seed")})
    for metrics in runs.values():
        metrics.sort(key=lambda m: (m["seed"] is None, m["seed"] or 0))
    return runs


def _groups(runs: dict[str, list[dict[str, float]]]) -> list[str]:
    """Metric names shared by the runs, overall first, then steps, then families."""
    keys = {k for metrics in runs.values() for m in metrics for k in m}
    rows = []
    for split in ("test", "ood"):
        if f"{split}/answer_acc" in keys:
            rows.append(f"{split}/answer_acc")
        rows += sorted(k for k in keys if k.startswith(f"{split}/acc/steps_"))
        rows += sorted(k for k in keys if k.startswith(f"{split}/acc/family_"))
    return rows


def _stats(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def table(runs: dict[str, list[dict[str, float]]]) -> list[dict[str, Any]]:
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
        if "cot_mean" in row and "direct_mean" in row:
            row["cot_minus_direct"] = row["cot_mean"] - row["direct_mean"]
        rows.append(row)
    return rows


def markdown(rows: list[dict[str, Any]], formats: list[str]) -> str:
    head = "| metric | " + " | ".join(f"{f} (mean ± sd)" for f in formats) + " | cot − direct |"
    lines = [head, "|---|" + "---:|" * (len(formats) + 1)]
    for r in rows:
        cells = [
            f"{100 * r[f'{f}_mean']:.1f} ± {100 * r[f'{f}_std']:.1f}" if f"{f}_mean" in r else "–"
            for f in formats
        ]
        gap = f"{100 * r['cot_minus_direct']:+.1f}" if "cot_minus_direct" in r else "–"
        lines.append(f"| {r['metric']} | " + " | ".join(cells) + f" | {gap} |")
    # A mean hides a bimodal outcome (one seed that never takes off): show each seed.
    lines += ["", "Per seed, in seed order:", ""]
    lines += ["| metric | " + " | ".join(formats) + " |", "|---|" + "---:|" * len(formats)]
    for r in rows:
        if r["metric"] in PER_SEED_ROWS:
            cells = [r.get(f"{f}_per_seed", "–").replace(" ", " / ") for f in formats]
            lines.append(f"| {r['metric']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(rows: list[dict[str, Any]], formats: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [r for r in rows if "/family_" not in r["metric"]]
    fig, ax = plt.subplots(figsize=(max(6, 0.7 * len(shown) * len(formats)), 4))
    width = 0.8 / max(1, len(formats))
    for i, fmt in enumerate(formats):
        xs = [j + i * width for j in range(len(shown))]
        means = [100 * r.get(f"{fmt}_mean", 0) for r in shown]
        ax.bar(xs, means, width, label=fmt)
        for x, r in zip(xs, shown, strict=True):  # each seed as a dot: spreads can be bimodal
            seeds = [float(v) for v in r.get(f"{fmt}_per_seed", "").split()]
            ax.plot([x] * len(seeds), seeds, "o", color="black", markersize=3, zorder=3)
    ax.set_xticks([j + width * (len(formats) - 1) / 2 for j in range(len(shown))])
    ax.set_xticklabels(
        [r["metric"].replace("/acc/", "/").replace("/answer_acc", "") for r in shown],
        rotation=45,
        ha="right",
    )
    ax.set_ylabel("answer accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title("CoT vs direct: bars are means over seeds, dots single seeds")
    ax.legend()
    fig.tight_layout()
    atomic_write(path, lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)


def build(sweep_dir: str | Path) -> Path | None:
    """Write the table, CSV and chart into ``sweep_dir``; None if nothing finished."""
    sweep_dir = Path(sweep_dir)
    runs = load_runs(sweep_dir)
    if not runs:
        return None
    formats = sorted(runs)
    rows = table(runs)
    seeds = ", ".join(f"{f}: {len(runs[f])}" for f in formats)
    text = f"# CoT vs direct\n\nSeeds per format: {seeds}. Accuracies in %.\n\n"
    atomic_write_text(sweep_dir / f"{NAME}.md", text + markdown(rows, formats))
    buf = io.StringIO()
    fields = sorted({k for r in rows for k in r}, key=lambda k: (k != "metric", k))
    writer = csv.DictWriter(buf, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(sweep_dir / f"{NAME}.csv", buf.getvalue())
    plot(rows, formats, sweep_dir / f"{NAME}.png")
    return sweep_dir / f"{NAME}.md"


class CompareFormatsCallback(Callback):
    """Hydra callback: build the table when the multirun ends."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        out = build(config.hydra.sweep.dir)
        if out is not None:
            print(out.read_text())
            print(f"Written to {out.parent}/{NAME}.{{md,csv,png}}")


if __name__ == "__main__":
    target = build(sys.argv[1] if len(sys.argv) > 1 else ".")
    sys.exit(0 if target else f"no finished runs under {sys.argv[1:]}")
