"""What a bench config may ask for, and the error it gets when it asks for more."""

from __future__ import annotations

from typing import Any

import torch
from omegaconf import DictConfig

PRECISIONS = {"32-true": None, "bf16-mixed": torch.bfloat16}  # name -> autocast dtype


class BenchConfigError(ValueError):
    """A bench config that cannot run (unknown precision, sequence too long...)."""


def check_config(cfg: DictConfig, model: dict[str, Any]) -> None:
    """Refuse, before any timing, a config the sections below could not run."""
    bad = [p for p in cfg.bench.precisions if p not in PRECISIONS]
    if bad:
        raise BenchConfigError(
            f"bench.precisions has {bad}; the bench compares {list(PRECISIONS)} "
            f"(both loops autocast the same way)"
        )
    if cfg.bench.seq_len > model["max_seq_len"]:
        raise BenchConfigError(
            f"bench.seq_len={cfg.bench.seq_len} is longer than model.max_seq_len="
            f"{model['max_seq_len']}; lower bench.seq_len or raise model.max_seq_len"
        )
    if cfg.bench.train.steps < 1 or cfg.bench.train.repeats < 1:
        raise BenchConfigError("bench.train.steps and bench.train.repeats must be >= 1")
