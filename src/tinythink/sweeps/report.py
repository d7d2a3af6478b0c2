"""Write a sweep's report files into its directory, from the ``results.json`` every job wrote.

:func:`build_report`, for every training sweep:

- ``leaderboard.md``: finished points ranked by validation answer accuracy,
  then the failed, missing and skipped ones with their reasons;
- ``leaderboard.csv``: the same rows, one per job, every column;
- ``accuracy_vs_params.png``: accuracy against parameter count;
- ``accuracy_vs_shape.png``: accuracy against depth and against width.

:func:`build_comparison`, for a sweep over two arms and seeds
(``experiment=cot_vs_direct``: ``data.format``; ``experiment=sft_vs_rl``: ``stage``):
``<name>.{md,csv,png}``, answer accuracy on test, ood and handwritten, overall,
by number of steps and by family, as mean and standard deviation over seeds for
each arm, and the gap between them.

Both run at the end of a multirun (:mod:`tinythink.sweeps.callback`) and
again from the command line (``python -m tinythink.sweeps DIR``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tinythink.sweeps import plots
from tinythink.sweeps.jobs import load_jobs
from tinythink.sweeps.tables import (
    COMPARISONS,
    STATUS_ORDER,
    LeaderboardRow,
    format_table,
    leaderboard,
    runs_by_arm,
)
from tinythink.sweeps.writers import (
    format_markdown,
    leaderboard_markdown,
    write_format_csv,
    write_leaderboard_csv,
)
from tinythink.utils import atomic_write_text

MD, CSV = "leaderboard.md", "leaderboard.csv"
PLOT_PARAMS, PLOT_SHAPE = "accuracy_vs_params.png", "accuracy_vs_shape.png"


@dataclass
class Report:
    rows: list[LeaderboardRow]
    files: list[Path]

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.rows) for s in STATUS_ORDER}


def build_report(sweep_dir: str | Path, out_dir: str | Path | None = None) -> Report:
    """Write the leaderboard (md + csv) and the plots for ``sweep_dir``; nothing if it has no jobs."""
    sweep_dir = Path(sweep_dir)
    rows = leaderboard(load_jobs(sweep_dir))
    if not rows:  # not a training sweep (e.g. eval.py -m), or the wrong directory
        return Report(rows=[], files=[])
    out_dir = Path(out_dir) if out_dir else sweep_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    title = sweep_dir.resolve().name
    files = [out_dir / MD, out_dir / CSV, out_dir / PLOT_PARAMS, out_dir / PLOT_SHAPE]
    atomic_write_text(files[0], leaderboard_markdown(rows, title, _optuna_best(sweep_dir)))
    write_leaderboard_csv(rows, files[1])
    plots.accuracy_vs_params(rows, files[2], title)
    plots.accuracy_vs_shape(rows, files[3], title)
    return Report(rows=rows, files=files)


def build_comparison(
    sweep_dir: str | Path, out_dir: str | Path | None = None, name: str = "cot_vs_direct"
) -> Path | None:
    """Write ``<name>.{md,csv,png}`` (a :data:`COMPARISONS` key); the .md, or None if no
    job finished."""
    comparison = COMPARISONS[name]
    sweep_dir = Path(sweep_dir)
    runs = runs_by_arm(load_jobs(sweep_dir), comparison.key)
    if not runs:
        return None
    out_dir = Path(out_dir) if out_dir else sweep_dir
    arms = sorted(runs)
    rows = format_table(runs, comparison.gap)
    seeds = ", ".join(f"{f}: {len(runs[f])}" for f in arms)
    page = format_markdown(rows, arms, seeds, comparison.title, comparison.gap)
    atomic_write_text(out_dir / f"{name}.md", page)
    write_format_csv(rows, out_dir / f"{name}.csv")
    plots.formats_side_by_side(rows, arms, out_dir / f"{name}.png", comparison.title)
    return out_dir / f"{name}.md"


def _optuna_best(sweep_dir: Path) -> dict | None:
    path = sweep_dir / "optimization_results.yaml"  # written by hydra-optuna-sweeper
    if not path.exists():
        return None
    from omegaconf import OmegaConf

    return OmegaConf.to_container(OmegaConf.load(path))  # type: ignore[return-value]
