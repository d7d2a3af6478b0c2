"""Summarise a sweep from the ``results.json`` every job wrote.

``python -m tinythink.sweep_report logs/train/multiruns/<sweep>`` (re)builds,
inside the sweep directory:

- ``leaderboard.md``: finished points ranked by validation answer accuracy,
  then the skipped and failed ones with their reasons;
- ``leaderboard.csv``: the same rows, one per job, every column;
- ``accuracy_vs_params.png``: accuracy against parameter count;
- ``accuracy_vs_shape.png``: accuracy against depth and against width.

The same code runs at the end of every multirun (see
:mod:`tinythink.sweeps.callback`). It reads only files, so it works whatever
launcher ran the jobs (in-process, joblib workers, submitit, SLURM), for a
sweep that is still running, and for one whose jobs were killed: a job
directory Hydra created but that has no ``results.json`` is listed as
``missing``.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tinythink.utils import atomic_write, atomic_write_text

log = logging.getLogger(__name__)

OBJECTIVE = "val/answer_acc"  # what the leaderboard ranks by (and optuna maximises)
STATUS_ORDER = {"finished": 0, "failed": 1, "missing": 2, "skipped": 3}
MD, CSV = "leaderboard.md", "leaderboard.csv"
PLOT_PARAMS, PLOT_SHAPE = "accuracy_vs_params.png", "accuracy_vs_shape.png"
SHAPE_KEYS = ("n_layer", "d_model", "n_head")


@dataclass
class JobResult:
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


def read_job(results_path: Path, sweep_dir: Path) -> JobResult:
    """Flatten one ``results.json`` (as written by ``tinythink.train``)."""
    job = str(results_path.parent.relative_to(sweep_dir)) or "."
    try:
        data = json.loads(results_path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        return JobResult(job=job, status="failed", reason=f"unreadable results.json: {err}")
    overrides = [str(o) for o in data.get("overrides", [])]
    model = data.get("model") or {}
    metrics = data.get("metrics") or {}
    # The shape: the resolved model config if recorded, else the overrides.
    shape = {
        k: _int_or_none(model.get(k, _override_value(overrides, f"model.{k}"))) for k in SHAPE_KEYS
    }
    return JobResult(
        job=job,
        status=str(data.get("status", "missing")),
        overrides=overrides,
        num_params=_int_or_none(data.get("num_params")) or _count_params(model),
        max_params=_int_or_none(model.get("max_params")),
        val_answer_acc=_number(metrics.get(OBJECTIVE)),
        val_loss=_number(metrics.get("val/loss")),
        test_answer_acc=_number(metrics.get("test/answer_acc")),
        wall_time_s=_number(data.get("wall_time_s")),
        reason=str(data.get("reason") or data.get("error") or ""),
        **shape,
    )


def collect(sweep_dir: str | Path) -> list[JobResult]:
    """Every job of the sweep, ranked: finished by accuracy, then failed, missing, skipped."""
    sweep_dir = Path(sweep_dir)
    jobs: dict[Path, JobResult] = {}
    for path in sweep_dir.rglob("results.json"):
        if any(part.startswith(".") for part in path.relative_to(sweep_dir).parts):
            continue  # .submitit/, .hydra/: launcher internals
        jobs[path.parent] = read_job(path, sweep_dir)
    # Hydra writes <job>/.hydra/overrides.yaml before the task starts: a job with it
    # but no results.json was killed (timeout, OOM, SLURM preemption) or is running.
    # Only in a training sweep: eval.py -m jobs never write results.json.
    for marker in sweep_dir.rglob(".hydra/overrides.yaml") if jobs else []:
        job_dir = marker.parent.parent
        if job_dir not in jobs and job_dir != sweep_dir:
            overrides = _read_overrides(marker)
            model = _read_model(marker.parent / "config.yaml")
            shape = {
                k: _int_or_none(model.get(k, _override_value(overrides, f"model.{k}")))
                for k in SHAPE_KEYS
            }
            jobs[job_dir] = JobResult(
                job=str(job_dir.relative_to(sweep_dir)),
                status="missing",
                overrides=overrides,
                num_params=_count_params(model),
                max_params=_int_or_none(model.get("max_params")),
                reason="no results.json: the job was killed or is still running",
                **shape,
            )

    def order(r: JobResult) -> tuple:
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

    rows = sorted(jobs.values(), key=order)
    rank = 0
    for r in rows:
        if r.status == "finished":
            rank += 1
            r.rank = rank
    return rows


def _job_sort_key(job: str) -> tuple:
    """Job 2 before job 10; names (a custom hydra.sweep.subdir) after numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in Path(job).parts)


def _read_overrides(path: Path) -> list[str]:
    from omegaconf import OmegaConf

    try:
        return [str(o) for o in OmegaConf.load(path)]
    except Exception:  # a half-written file must not break the report
        return []


def _read_model(config_path: Path) -> dict[str, Any]:
    """The model node of the job config Hydra saved before the job started, or {}."""
    from omegaconf import OmegaConf

    try:
        model = OmegaConf.to_container(OmegaConf.load(config_path).model, resolve=True)
    except Exception:  # missing file, no model node, an interpolation that needs Hydra
        return {}
    return model if isinstance(model, dict) else {}


# -----------------------------------------------------------------------------
# Leaderboard


def _swept_and_common(rows: list[JobResult]) -> tuple[set[str], list[str]]:
    """Override keys whose value differs between jobs, and the overrides all jobs share."""
    values: dict[str, set[str]] = {}
    for r in rows:
        for item in r.overrides:
            key, _, value = item.partition("=")
            values.setdefault(key, set()).add(value)
    swept = {k for k, v in values.items() if len(v) > 1 or any(k not in _keys(r) for r in rows)}
    common = [o for o in (rows[0].overrides if rows else []) if o.partition("=")[0] not in swept]
    return swept, common


def _keys(r: JobResult) -> set[str]:
    return {o.partition("=")[0] for o in r.overrides}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _fmt(x: float | None, spec: str) -> str:
    return "–" if x is None else format(x, spec)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def leaderboard_markdown(rows: list[JobResult], title: str, best: dict | None = None) -> str:
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


CSV_COLUMNS = [
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


def write_csv(rows: list[JobResult], path: Path) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for r in rows:
                row = {k: v for k, v in asdict(r).items() if k in CSV_COLUMNS}
                row.update(shape=r.shape, overrides=" ".join(r.overrides))
                writer.writerow({k: "" if v is None else v for k, v in row.items()})

    atomic_write(path, write)


# -----------------------------------------------------------------------------
# Plots


def _style_accuracy_axis(ax: Any, accs: list[float]) -> None:
    from matplotlib.ticker import PercentFormatter

    top = max([0.05, *accs]) * 1.15
    ax.set_ylim(-0.03 * top, top)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(alpha=0.3)


def _plot_params(rows: list[JobResult], path: Path, title: str) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(7, 4.5))
    done = [r for r in rows if r.val_answer_acc is not None and r.num_params]
    sc = ax.scatter(
        [r.num_params for r in done],
        [r.val_answer_acc for r in done],
        c=[r.n_layer or 0 for r in done],
        cmap="viridis",
        s=40,
        zorder=3,
    )
    if done:
        fig.colorbar(sc, ax=ax, label="depth (n_layer)", ticks=MaxNLocator(integer=True))
    for r in done[:10]:  # label the best ten; more would be unreadable
        ax.annotate(
            r.shape,
            (r.num_params, r.val_answer_acc),
            fontsize=7,
            xytext=(4, 3),
            textcoords="offset points",
        )
    for cap in sorted({r.max_params for r in rows if r.max_params}):
        ax.axvline(cap, color="crimson", ls="--", lw=1, label=f"cap {cap:,}")
    over = [r for r in rows if r.status == "skipped" and r.num_params]
    if over:  # shapes the cap refused, drawn where they would have been
        ax.scatter(
            [r.num_params for r in over],
            [0] * len(over),
            marker="x",
            color="crimson",
            label=f"skipped, over the cap ({len(over)})",
            zorder=3,
        )
    ax.set_xscale("log")
    ax.set_xlabel("parameters")
    ax.set_ylabel("val answer accuracy")
    ax.set_title(f"Accuracy vs size: {title}", fontsize=10)
    _style_accuracy_axis(ax, [r.val_answer_acc for r in done])
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    atomic_write(path, lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)


def _plot_shape(rows: list[JobResult], path: Path, title: str) -> None:
    """Accuracy vs depth (one line per width) and vs width (one line per depth).

    A grid sweep gives a few lines; an Optuna search, with many distinct widths,
    gives a scatter coloured by the other dimension.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    done = [r for r in rows if r.val_answer_acc is not None and r.n_layer and r.d_model]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    labels = {"n_layer": "depth (n_layer)", "d_model": "width (d_model)"}
    for ax, x, by in ((axes[0], "n_layer", "d_model"), (axes[1], "d_model", "n_layer")):
        groups = sorted({getattr(r, by) for r in done})
        if len(groups) <= 8:
            for g in groups:
                pts = sorted((getattr(r, x), r.val_answer_acc) for r in done if getattr(r, by) == g)
                xs, ys = zip(*pts, strict=True)
                ax.plot(xs, ys, marker="o", label=f"{by}={g}")
            if groups:
                ax.legend(fontsize=8)
        else:
            sc = ax.scatter(
                [getattr(r, x) for r in done],
                [r.val_answer_acc for r in done],
                c=[getattr(r, by) for r in done],
                cmap="viridis",
                s=40,
                zorder=3,
            )
            fig.colorbar(sc, ax=ax, label=labels[by], ticks=MaxNLocator(integer=True))
        ax.set_xlabel(labels[x])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _style_accuracy_axis(ax, [r.val_answer_acc for r in done])
    axes[0].set_ylabel("val answer accuracy")
    fig.suptitle(f"Accuracy vs depth and width: {title}", fontsize=10)
    fig.tight_layout()
    atomic_write(path, lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)


def plot(rows: list[JobResult], out_dir: Path, title: str) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # files only; never needs a display
    paths = [out_dir / PLOT_PARAMS, out_dir / PLOT_SHAPE]
    _plot_params(rows, paths[0], title)
    _plot_shape(rows, paths[1], title)
    return paths


# -----------------------------------------------------------------------------
# Entry points


@dataclass
class Report:
    rows: list[JobResult]
    files: list[Path]

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.rows) for s in STATUS_ORDER}


def build_report(sweep_dir: str | Path, out_dir: str | Path | None = None) -> Report:
    """Write the leaderboard (md + csv) and the plots for ``sweep_dir``; nothing if it has no jobs."""
    sweep_dir = Path(sweep_dir)
    rows = collect(sweep_dir)
    if not rows:  # not a training sweep (e.g. eval.py -m), or the wrong directory
        return Report(rows=[], files=[])
    out_dir = Path(out_dir) if out_dir else sweep_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    title = sweep_dir.resolve().name
    files = [out_dir / MD, out_dir / CSV]
    atomic_write_text(files[0], leaderboard_markdown(rows, title, _optuna_best(sweep_dir)))
    write_csv(rows, files[1])
    files += plot(rows, out_dir, title)
    return Report(rows=rows, files=files)


def _optuna_best(sweep_dir: Path) -> dict | None:
    path = sweep_dir / "optimization_results.yaml"  # written by hydra-optuna-sweeper
    if not path.exists():
        return None
    from omegaconf import OmegaConf

    return OmegaConf.to_container(OmegaConf.load(path))  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tinythink.sweep_report",
        description="Rebuild a sweep's leaderboard (md + csv) and plots from its results.json files.",
    )
    parser.add_argument("sweep_dir", help="a multirun directory, e.g. logs/train/multiruns/<time>")
    parser.add_argument("--out", help="where to write the files (default: the sweep directory)")
    args = parser.parse_args(argv)
    sweep_dir = Path(args.sweep_dir)
    if not sweep_dir.is_dir():
        print(f"error: {sweep_dir} is not a directory", file=sys.stderr)
        return 2
    report = build_report(sweep_dir, args.out)
    if not report.rows:
        print(
            f"error: no jobs under {sweep_dir} (no */results.json): "
            f"pass the sweep directory itself, e.g. logs/train/multiruns/<time>",
            file=sys.stderr,
        )
        return 2
    print(report.files[0].read_text())
    print("Wrote " + ", ".join(str(p) for p in report.files))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
