"""The failure and exit policy of a training job, in one place.

What happens when a run cannot start, is interrupted or fails, for one run and for
a point of a sweep; and the record (``<run_dir>/results.json``) every job leaves,
so sweeps can be summarised whatever launcher ran them.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import DictConfig, OmegaConf

from tinythink.checkpoints import CheckpointError, resume_point
from tinythink.data.jsonl import DataFileError
from tinythink.model import ModelConfig, ModelConfigError
from tinythink.results import (
    ACC_CATEGORY,
    ACC_STEPS,
    ANSWER_ACC,
    N_SCORED,
    SPLITS,
    RunResult,
    metric,
)
from tinythink.training import resume_command
from tinythink.training.config_checks import ConfigError, check_config
from tinythink.training.resumable import TrainingInterrupted
from tinythink.training.wandb_setup import finish_wandb
from tinythink.utils import discard_run_dir

log = logging.getLogger("tinythink")


def run_job(cfg: DictConfig, fit: Callable[[DictConfig], dict[str, Any]]) -> RunResult:
    """Run ``fit(cfg)`` under the failure policy; returns the job's record (``results.json``).

    One run: a user mistake is one ``error:`` line and exit 2 with no run dir left; an
    interrupt saves and exits 128+signum printing the command that continues; a bug is
    a traceback. In a sweep every point is recorded (finished, skipped over the cap,
    failed) and the sweep goes on, so its report covers every point.
    """
    run_dir = Path(cfg.paths.run_dir)
    multirun = HydraConfig.get().mode == RunMode.MULTIRUN
    result = RunResult(
        overrides=list(HydraConfig.get().overrides.task),
        run_dir=str(run_dir),
        seed=cfg.get("seed"),
        data_format=cfg.data.get("format"),
    )
    started = time.time()
    try:
        check_config(cfg)
        _check_shape_and_resume(cfg, result, run_dir)
    except CheckpointError as err:  # a resume into the wrong place: its run dir stays as is
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)
    except (ConfigError, ModelConfigError) as err:
        return _refuse(err, result, run_dir, multirun)
    exit_code = 1
    never_started = False  # a config error found while building: the run dir goes
    try:
        metrics = fit(cfg)
        result.status, result.metrics = "finished", metrics
        exit_code = 0
        return result
    except (DataFileError, ConfigError) as err:  # a user mistake: one line, exit 2
        result.status, result.error = "failed", f"{type(err).__name__}: {err}"
        if multirun:
            log.error("Job failed: %s", err)
            return result
        print(f"error: {err}", file=sys.stderr, flush=True)
        exit_code, never_started = 2, True  # found before the first step
        sys.exit(2)
    except TrainingInterrupted as stop:
        result.status, result.step, result.checkpoint = "interrupted", stop.step, str(stop.path)
        print(
            f"Stopped by {stop}.\nContinue with: {resume_command.continue_command(run_dir)}",
            file=sys.stderr,
            flush=True,
        )
        exit_code = 128 + stop.signum
        sys.exit(exit_code)  # a sweep stops here too: the user asked to stop
    except Exception as err:
        result.status, result.error = "failed", f"{type(err).__name__}: {err}"
        result.traceback = traceback.format_exc()
        if not multirun:
            raise
        # In a sweep, record the failure and let the other points run (Hydra would
        # otherwise end the sweep with exit 1 and skip its end-of-sweep callbacks).
        log.error("Job failed: %s\n%s", err, result.traceback)
        return result
    finally:
        result.wall_time_s = round(time.time() - started, 1)
        if never_started:
            discard_run_dir(run_dir)  # removes it only if it holds just Hydra's own files
        elif rank_zero_only.rank == 0:  # under DDP every rank runs this; one writes
            result.write(run_dir)
        finish_wandb(0 if exit_code == 0 else 1)
        if exit_code == 0 and rank_zero_only.rank == 0:
            report(result.metrics)


def _check_shape_and_resume(cfg: DictConfig, result: RunResult, run_dir: Path) -> None:
    """Refuse a shape over the cap (or with bad heads) and a checkpoint that cannot be
    resumed, before anything is built; a resume is recorded in the run dir."""
    model = OmegaConf.to_container(cfg.model, resolve=True)
    result.model = model  # the shape, for sweep reports (presets aren't in overrides)
    result.num_params = ModelConfig(**model).num_params
    _, step = resume_point(cfg)  # a missing, corrupt or mismatched checkpoint: nothing written
    plan = resume_command.PLAN
    if plan is not None and plan.run_dir == run_dir.resolve():
        result.overrides = plan.original  # the run's, not this command line's
        if rank_zero_only.rank == 0:
            resume_command.record_resume(plan, step)
        for key, (old, new) in plan.changed.items():
            log.info("Resuming with %s=%s (was %s)", key, new, old)


def _refuse(err: Exception, result: RunResult, run_dir: Path, multirun: bool) -> RunResult:
    """A value the user must change, found before the run started.

    In a sweep the point is recorded (skipped over the cap, else failed) and the sweep
    goes on. Alone: one ``error:`` line, exit 2, and no run dir among the real ones.
    """
    if not multirun:
        print(f"error: {err}", file=sys.stderr, flush=True)
        discard_run_dir(run_dir)
        sys.exit(2)
    if isinstance(err, ModelConfigError):
        result.status, result.reason = "skipped", str(err)
        log.warning("Skipped: %s", err)
    else:
        result.status, result.error = "failed", f"{type(err).__name__}: {err}"
        log.error("Job failed: %s", err)
    result.write(run_dir)
    return result


def report(metrics: dict[str, Any]) -> None:
    """Print the held-out accuracy, the figure the run exists for."""
    lines = ["", "Held-out answer accuracy (greedy, exact match):"]
    for split in SPLITS:
        acc, scored = metric(split, ANSWER_ACC), metric(split, N_SCORED)
        if acc in metrics:
            line = f"  {split:<11} {metrics[acc]:7.1%}"
            if scored in metrics:
                line += f"  ({int(metrics[scored]):,} problems)"
            lines.append(line)
    by_steps = sorted(k for k in metrics if k.startswith(metric("test", ACC_STEPS)))
    if by_steps:
        parts = [f"{k.rsplit('_', 1)[1]}: {metrics[k]:.0%}" for k in by_steps]
        lines.append("  test by steps  " + ", ".join(parts))
    prefix = metric("handwritten", ACC_CATEGORY)
    by_category = sorted(k for k in metrics if k.startswith(prefix))
    if by_category:
        parts = [f"{k.removeprefix(prefix)}: {metrics[k]:.0%}" for k in by_category]
        lines.append("  handwritten by what it tests  " + ", ".join(parts))
    print("\n".join(lines), flush=True)
