"""The run's loggers, built from ``conf/logger``: a W&B run named after the shape that a
resume continues, and a CSV history that a resume keeps.

W&B's mode (online, offline, never blocking) is decided in
:mod:`tinythink.training.wandb_setup`.
"""

from __future__ import annotations

import csv
import secrets
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from hydra.utils import instantiate
from lightning.pytorch.loggers import CSVLogger, Logger
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import DictConfig, open_dict

from tinythink.utils import atomic_write, atomic_write_text


def build_loggers(cfg: DictConfig, resume_step: int | None) -> list[Logger]:
    """Every logger in ``cfg.logger``; ``resume_step`` given when the run continues."""
    run_dir = Path(cfg.paths.run_dir)
    if cfg.logger and "wandb" in cfg.logger:
        wandb_cfg = cfg.logger.wandb
        wandb_cfg.name = wandb_cfg.name or run_name(cfg.model)
        if wandb_cfg.group is None and HydraConfig.get().mode == RunMode.MULTIRUN:
            wandb_cfg.group = Path(HydraConfig.get().sweep.dir).name
        with open_dict(wandb_cfg):
            wandb_cfg.id = wandb_cfg.get("id") or wandb_run_id(run_dir)
            wandb_cfg.resume = "allow"  # the same id continues the run, online or offline
    loggers = [instantiate(c) for c in (cfg.logger or {}).values() if c and "_target_" in c]
    if resume_step is not None and rank_zero_only.rank == 0:  # under DDP rank 0 writes logs
        keep_csv_history(loggers, resume_step)
    return loggers


def run_name(model: DictConfig) -> str:
    """A W&B run name that shows the shape, e.g. ``L4-d192-h6``."""
    return f"L{model.n_layer}-d{model.d_model}-h{model.n_head}"


def wandb_run_id(run_dir: Path) -> str:
    """The W&B run id of this run dir, created on first use: a resumed run logs into the same run."""
    path = run_dir / "wandb_run_id"
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip()
    run_id = secrets.token_hex(4)  # not `random`: the seeded RNG streams stay untouched
    if rank_zero_only.rank == 0:
        atomic_write_text(path, run_id + "\n")
    return run_id


def keep_csv_history(loggers: list[Any], before_step: int) -> None:
    """Keep the rows of metrics.csv logged before the resumed step.

    Lightning's CSV logger deletes an existing metrics.csv when it starts; rows at or
    after ``before_step`` were logged by the killed run past its checkpoint and are
    logged again now, so they are dropped.
    """
    for logger in loggers:
        if not isinstance(logger, CSVLogger):
            continue
        path = Path(logger.log_dir) / "metrics.csv"
        if not path.is_file():
            continue
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            rows = [r for r in reader if r.get("step") and int(r["step"]) < before_step]
        writer = logger.experiment  # starting the writer deletes the old file
        writer.metrics_keys = header  # later rows append under this header (or rewrite it)

        def write(tmp: Path, header=header, rows=rows) -> None:
            with open(tmp, "w", newline="", encoding="utf-8") as f:
                out = csv.DictWriter(f, fieldnames=header)
                out.writeheader()
                out.writerows(rows)

        atomic_write(path, write)
