"""The sweep's charts as PNG files: accuracy against size and shape; formats side by side.

matplotlib is imported inside each function, with the Agg backend (files only,
never a display): the Hydra callback imports this module in every job process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tinythink.results import ACC_FAMILY, ANSWER_ACC
from tinythink.sweeps.tables import LeaderboardRow
from tinythink.utils import atomic_write


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    atomic_write(path, lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)


def _style_accuracy_axis(ax: Any, accs: list[float]) -> None:
    from matplotlib.ticker import PercentFormatter

    top = max([0.05, *accs]) * 1.15
    ax.set_ylim(-0.03 * top, top)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(alpha=0.3)


# -----------------------------------------------------------------------------
# Leaderboard


def accuracy_vs_params(rows: list[LeaderboardRow], path: Path, title: str) -> None:
    """Val accuracy against parameter count (log scale), the cap and the refused shapes."""
    from matplotlib.ticker import MaxNLocator

    fig, ax = _pyplot().subplots(figsize=(7, 4.5))
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
    _save(fig, path)


def accuracy_vs_shape(rows: list[LeaderboardRow], path: Path, title: str) -> None:
    """Accuracy vs depth (one line per width) and vs width (one line per depth).

    A grid sweep gives a few lines; an Optuna search, with many distinct widths,
    gives a scatter coloured by the other dimension.
    """
    from matplotlib.ticker import MaxNLocator

    done = [r for r in rows if r.val_answer_acc is not None and r.n_layer and r.d_model]
    fig, axes = _pyplot().subplots(1, 2, figsize=(10, 4.2), sharey=True)
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
    _save(fig, path)


# -----------------------------------------------------------------------------
# Formats compared over seeds


def formats_side_by_side(
    rows: list[dict[str, Any]], formats: list[str], path: Path, title: str = "CoT vs direct"
) -> None:
    """A bar per format and metric (the mean over seeds), a dot per seed; no families."""
    shown = [r for r in rows if f"/{ACC_FAMILY}" not in r["metric"]]
    fig, ax = _pyplot().subplots(figsize=(max(6, 0.7 * len(shown) * len(formats)), 4))
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
        [r["metric"].replace("/acc/", "/").replace(f"/{ANSWER_ACC}", "") for r in shown],
        rotation=45,
        ha="right",
    )
    ax.set_ylabel("answer accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title(f"{title}: bars are means over seeds, dots single seeds")
    ax.legend()
    fig.tight_layout()
    _save(fig, path)
