"""Hydra callback for multiruns: refuse the DDP re-launch trap, summarise the sweep.

Registered in ``conf/hydra/default.yaml`` (``hydra.callbacks.sweep``), so every
``python train.py -m ...`` gets it, whatever the sweeper and launcher:

- ``on_multirun_start`` / ``on_job_start`` stop (exit 2) a multirun whose
  trainer would start its extra ranks by re-running the command line (see
  :func:`ddp_relaunch_problem`), before any rank starts;
- ``on_multirun_end`` writes the leaderboard and plots into the sweep
  directory (:func:`tinythink.sweeps.report.build_report`) and, with
  ``compare: cot_vs_direct`` or ``compare: sft_vs_rl`` (the experiments of those
  names), the table of the two arms (:func:`tinythink.sweeps.report.build_comparison`). Hydra skips this
  hook when a job raises; ``tinythink.train`` records failures in
  ``results.json`` and returns instead, so the report is always written.

This module is imported in every job process (Hydra instantiates callbacks in
each one), so it imports nothing heavy at module level.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig

log = logging.getLogger("tinythink.sweeps")

# Lightning starts ranks 1..N-1 of these strategies by re-running sys.argv
# (_SubprocessScriptLauncher); "auto" becomes "ddp" when devices > 1.
_RELAUNCHING = ("auto", "ddp", "fsdp", "deepspeed")
# These start their ranks with multiprocessing instead: no re-run of sys.argv.
_IN_PROCESS = ("spawn", "fork", "notebook")


def _n_devices(devices: Any, accelerator: str) -> int:
    """How many processes Lightning would start on one node for ``trainer.devices``."""
    gpu = accelerator in ("auto", "gpu", "cuda")
    if isinstance(devices, str):
        devices = devices.strip()
        if devices == "auto" or devices == "-1":
            return _visible_gpus() if gpu else 1
        if "," in devices:
            return len([d for d in devices.split(",") if d.strip()])
        devices = int(devices)
    if isinstance(devices, int):
        if devices == -1:
            return _visible_gpus() if gpu else os.cpu_count() or 1
        return devices
    return len(list(devices))  # a list of device indices


def _ranks_started_outside() -> bool:
    """torchrun, or srun with several tasks, started the ranks: Lightning won't re-launch."""
    return "TORCHELASTIC_RUN_ID" in os.environ or int(os.environ.get("SLURM_NTASKS", 1)) > 1


def _visible_gpus() -> int:
    import torch

    return max(torch.cuda.device_count(), 1)


def ddp_relaunch_problem(config: DictConfig) -> str | None:
    """Why this multirun config would hit the DDP re-launch trap, or None if it is safe.

    Lightning starts the extra ranks of a ``ddp`` run by executing the same
    command line again, ``-m`` included, so under a multirun every rank
    restarts the whole sweep (Lightning #11300, Hydra #2070). Safe: one device
    per job; ``ddp_spawn``-style strategies; SLURM, where ``srun`` starts the
    ranks (``hydra/launcher=slurm`` with ``tasks_per_node`` = devices).
    """
    trainer = config.get("trainer")
    if trainer is None:
        return None
    strategy = trainer.get("strategy", "auto")
    name = str(strategy.get("_target_", "") if isinstance(strategy, DictConfig) else strategy)
    name = name.lower()
    if any(s in name for s in _IN_PROCESS) or not any(s in name for s in _RELAUNCHING):
        return None
    accelerator = str(trainer.get("accelerator", "auto"))
    n = _n_devices(trainer.get("devices", 1), accelerator) * int(trainer.get("num_nodes", 1))
    if n <= 1:
        return None
    launcher = str(config.hydra.launcher.get("_target_", ""))
    if "SlurmLauncher" in launcher or _ranks_started_outside():
        return None
    return (
        f"trainer.strategy={name} on {n} devices inside a multirun: Lightning starts the "
        f"extra ranks by re-running this command line, -m included, so each rank would "
        f"restart the whole sweep (Lightning #11300, Hydra #2070). Use one process per "
        f"sweep point instead: drop -m and run `python train.py trainer=ddp ...` for one "
        f"data-parallel run; sweep with trainer.devices=1 (hydra/launcher=parallel runs "
        f"points side by side); or on a cluster use hydra/launcher=slurm with "
        f"hydra.launcher.tasks_per_node={n} so SLURM starts the ranks. See docs/sweeps.md."
    )


def _refuse_ddp(config: DictConfig) -> None:
    """Exit with status 2 before any rank is started if the sweep would hit the DDP trap.

    SystemExit, not an exception: Hydra turns exceptions raised in callbacks
    into warnings and carries on.
    """
    problem = ddp_relaunch_problem(config)
    if problem:
        print(f"error: {problem}", file=sys.stderr, flush=True)
        raise SystemExit(2)


class SweepCallback(Callback):
    """Guard multiruns against the DDP trap and write the sweep report when they end.

    ``report``: the leaderboard and plots; ``compare``: also the table of two arms
    over seeds, ``<compare>.{md,csv,png}`` (``cot_vs_direct`` or ``sft_vs_rl``).
    """

    def __init__(self, report: bool = True, compare: str | None = None) -> None:
        from tinythink.sweeps.tables import COMPARISONS

        if compare is not None and compare not in COMPARISONS:
            raise ValueError(
                f"hydra.callbacks.sweep.compare={compare!r}: expected null or one of "
                f"{', '.join(COMPARISONS)}"
            )
        self.report = report
        self.compare = compare

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        _refuse_ddp(config)

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        # The trainer itself may be a sweep parameter (trainer=default,ddp).
        if config.hydra.mode == RunMode.MULTIRUN:
            _refuse_ddp(config)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir))
        # Each in its own try: the jobs' results are safe on disk, and a report that
        # fails must not take the other one with it or turn a finished sweep into a failure.
        if self.compare:
            try:
                _print_comparison(sweep_dir, self.compare)
            except Exception:
                log.exception(
                    "The %s comparison failed; rebuild it with: "
                    "python -m tinythink.sweeps %s --compare %s",
                    self.compare,
                    sweep_dir,
                    self.compare,
                )
        if self.report:
            try:
                _log_leaderboard(sweep_dir)
            except Exception:
                log.exception(
                    "Sweep report failed; rebuild it with: python -m tinythink.sweeps %s",
                    sweep_dir,
                )


def _print_comparison(sweep_dir: Path, name: str) -> None:
    from tinythink.sweeps.report import build_comparison

    out = build_comparison(sweep_dir, name=name)
    if out is not None:
        print(out.read_text())
        print(f"Written to {out.parent}/{name}.{{md,csv,png}}")


def _log_leaderboard(sweep_dir: Path) -> None:
    from tinythink.sweeps.report import build_report

    report = build_report(sweep_dir)
    if not report.rows:
        return  # not a training sweep (e.g. eval.py -m): nothing to rank
    counts = ", ".join(f"{n} {s}" for s, n in report.counts.items() if n)
    lines = [f"Sweep finished: {counts}. Best val answer accuracy:"]
    for r in [r for r in report.rows if r.rank][:5]:
        acc = "–" if r.val_answer_acc is None else f"{r.val_answer_acc:.1%}"
        lines.append(f"  {r.rank}. {r.shape:<14} {r.num_params or 0:>10,} params  {acc}")
    lines.append(f"Leaderboard and plots: {sweep_dir}/{report.files[0].name} (and .csv, .png)")
    log.info("\n".join(lines))
