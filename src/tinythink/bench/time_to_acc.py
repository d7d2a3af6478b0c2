"""``python -m tinythink.bench bench=time_to_acc``: steps and minutes to 90 / 95 / 98 % answers.

Trains the default recipe (``conf/train.yaml`` with this bench's overrides: every
seed, validation every ``bench.time_to_acc.val_every`` steps) and records, at each
validation, the step, the training minutes so far and the validation answer
accuracy (:class:`AccuracyClock`). The first validation at or above each
threshold is the figure; a threshold never reached is reported as such. Seeds run
one after another; the table shows every seed and the worst.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from lightning.pytorch import Callback
from omegaconf import DictConfig

from tinythink.results import VAL_ANSWER_ACC

CLOCK_FILE = "accuracy_clock.json"


class AccuracyClock(Callback):
    """(step, training minutes, val answer accuracy) at every validation, kept in a JSON file.

    Minutes count training only: the clock pauses while validation generates answers.
    """

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.points: list[dict[str, float]] = []
        self._train_seconds = 0.0
        self._since: float | None = None

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        if self._since is None:
            self._since = time.perf_counter()

    def on_validation_start(self, trainer, pl_module) -> None:
        if self._since is not None:
            self._train_seconds += time.perf_counter() - self._since
            self._since = None

    def on_validation_end(self, trainer, pl_module) -> None:
        acc = trainer.callback_metrics.get(VAL_ANSWER_ACC)
        if trainer.sanity_checking or acc is None:
            return
        self.points.append(
            {
                "step": trainer.global_step,
                "minutes": self._train_seconds / 60,
                "val_acc": float(acc),
            }
        )
        self.path.write_text(json.dumps(self.points, indent=1) + "\n")


def crossings(points: list[dict[str, float]], thresholds: list[float]) -> dict[str, Any]:
    """The first point at or above each threshold: {"0.9": {"step":..., "minutes":...} | None}."""
    out: dict[str, Any] = {}
    for t in thresholds:
        hit = next((p for p in points if p["val_acc"] >= t), None)
        out[f"{t:g}"] = None if hit is None else {"step": hit["step"], "minutes": hit["minutes"]}
    return out


def run_time_to_acc(cfg: DictConfig, out_dir: Path) -> dict[str, Any]:
    from tinythink.train import train

    t = cfg.bench.time_to_acc
    seeds: dict[str, Any] = {}
    for seed in t.seeds:
        run_dir = out_dir / f"seed{seed}"
        overrides = [
            *t.overrides,
            f"seed={seed}",
            f"trainer.val_check_interval={t.val_every}",
            f"paths.run_dir={run_dir}",
            f"paths.log_dir={cfg.paths.log_dir}",
            f"paths.root_dir={cfg.paths.root_dir}",
            "+callbacks.accuracy_clock._target_=tinythink.bench.time_to_acc.AccuracyClock",
            f"+callbacks.accuracy_clock.path={run_dir / CLOCK_FILE}",
        ]
        train_cfg = _compose_train(overrides)
        run_dir.mkdir(parents=True, exist_ok=True)
        metrics = train(train_cfg)
        points = json.loads((run_dir / CLOCK_FILE).read_text())
        seeds[str(seed)] = {
            "points": points,
            "crossings": crossings(points, list(t.thresholds)),
            "test_acc": (metrics or {}).get("test/answer_acc"),
        }
    return {"overrides": list(t.overrides), "val_every": t.val_every, "seeds": seeds}


def _compose_train(overrides: list[str]) -> DictConfig:
    """conf/train.yaml with ``overrides``, from inside the bench's Hydra app or outside one."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from tinythink.cli import CONFIG_DIR

    if GlobalHydra.instance().is_initialized():  # python -m tinythink.bench: same config dir
        return compose("train", overrides=overrides)
    with initialize_config_dir(CONFIG_DIR, version_base="1.3"):
        return compose("train", overrides=overrides)


def print_time_to_acc(result: dict[str, Any]) -> None:
    """One row per seed, then the worst: step and minutes at each threshold."""
    seeds = result["seeds"]
    thresholds = list(next(iter(seeds.values()))["crossings"])
    head = " | ".join(f"{float(t):.0%} at step (min)" for t in thresholds)
    print(
        f"Time to accuracy ({', '.join(result['overrides'])}; val every {result['val_every']} steps)"
    )
    print(f"| seed | {head} | last val | test |")
    print("|---|" + "---:|" * (len(thresholds) + 2))
    for seed, r in seeds.items():
        cells = [
            "not reached" if c is None else f"{c['step']:,} ({c['minutes']:.1f})"
            for c in r["crossings"].values()
        ]
        last = r["points"][-1]["val_acc"] if r["points"] else float("nan")
        test = r["test_acc"]
        print(
            f"| {seed} | {' | '.join(cells)} | {last:.1%} | {'' if test is None else f'{test:.1%}'} |"
        )
    for t in thresholds:
        hits = [r["crossings"][t] for r in seeds.values()]
        worst = None if any(h is None for h in hits) else max(hits, key=lambda h: h["step"])
        shown = (
            "not reached by every seed"
            if worst is None
            else f"step {worst['step']:,} ({worst['minutes']:.1f} min)"
        )
        print(f"worst seed to {float(t):.0%}: {shown}")
