"""The reference: the minimal training loop a nanoGPT user writes, in plain PyTorch.

Same model, seed, batches, autocast, optimizer and schedule (``make_optimizer``, the
module's own) and gradient clipping as ``TrainingModule`` in a ``Trainer``; nothing
else. What Lightning costs is the difference (``training.py``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from tinythink.bench.batches import fixed_loader
from tinythink.bench.config import PRECISIONS
from tinythink.bench.machine import synchronizer
from tinythink.bench.stats import cycles
from tinythink.data.dataset import IGNORE_INDEX
from tinythink.model import ModelConfig, TinyThinkLM
from tinythink.training.optimizers import make_optimizer


@dataclass(frozen=True)
class LoopRun:
    """One timed run, given alike to both loops (``training.run_lightning`` and ``run_plain``)."""

    batches: list[dict[str, torch.Tensor]]  # at least warmup + steps + 1
    model: dict[str, Any]  # ModelConfig's fields
    precision: str  # a key of PRECISIONS
    warmup: int  # untimed steps first (allocator, kernel choice, compile)
    steps: int  # timed full cycles after them
    clip: float  # gradient clipping max norm
    seed: int
    device: torch.device
    compile: bool = False


def _maybe_compile(net: torch.nn.Module, compile: bool) -> torch.nn.Module:
    return torch.compile(net) if compile else net


def run_plain(run: LoopRun, optim: dict[str, Any]) -> dict[str, Any]:
    """The minimal loop a nanoGPT user writes, with TrainingModule's exact settings."""
    device = run.device
    torch.manual_seed(run.seed)
    net = TinyThinkLM(ModelConfig(**run.model)).to(device)
    net.train()
    opt, sched = make_optimizer(net, optim, run.warmup + run.steps + 1)
    fwd = _maybe_compile(net, run.compile)
    dtype = PRECISIONS[run.precision]
    sync = synchronizer(device)
    times = []
    for batch in fixed_loader(run.batches[: run.warmup + run.steps]):
        sync()
        times.append((time.perf_counter(), time.process_time()))
        inputs = batch["inputs"].to(device, non_blocking=True)
        targets = batch["targets"].to(device, non_blocking=True)
        with torch.autocast(device.type, dtype=dtype or torch.float32, enabled=dtype is not None):
            logits = fwd(inputs)  # (B, T, V)
            loss = F.cross_entropy(
                logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE_INDEX
            )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), run.clip)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
    sync()
    times.append((time.perf_counter(), time.process_time()))
    return cycles(times, run.warmup, run.steps)
