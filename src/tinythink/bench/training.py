"""Sections 1-2: tokens/s of the Lightning loop against the plain loop, in each precision.

The two loops alternate within each repeat (ABBA) and the matmul peak is measured
beside them, so that all three see the same load; ``stats.py`` turns the runs
into medians and per-repeat ratios over the clean ones.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import lightning as L
import torch
from lightning.pytorch import Callback
from omegaconf import DictConfig

from tinythink.bench.batches import fixed_loader
from tinythink.bench.kernels import matmul_peak
from tinythink.bench.machine import synchronizer
from tinythink.bench.plain_loop import LoopRun, run_plain
from tinythink.bench.stats import abba, cycles, loop_summary, paired_ratio
from tinythink.training.module import TrainingModule

log = logging.getLogger("tinythink.bench")  # one name for the package's log lines

LOOPS = ("lightning", "plain")


class _StepClock(Callback):
    """Wall and process-CPU timestamps at the start of every training batch."""

    def __init__(self, sync: Callable[[], None]) -> None:
        self.sync = sync
        self.times: list[tuple[float, float]] = []

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        self.sync()
        self.times.append((time.perf_counter(), time.process_time()))


# The bench never validates (limit_val_batches=0): nothing is generated or logged.
_NO_EVAL = {"max_new_tokens": 0, "batch_size": 1, "n_samples_logged": 0}


def run_lightning(run: LoopRun, optim: dict[str, Any]) -> dict[str, Any]:
    """Train TrainingModule with a Trainer; time ``steps`` full cycles after ``warmup`` steps."""
    torch.manual_seed(run.seed)
    # As `module.compile=true` trains; `optim` is conf/module's, as for the plain loop.
    module = TrainingModule(
        model=run.model,
        optim=optim,
        eval=_NO_EVAL,
        compile=run.compile,
        init_from=None,
        position_scale=None,
    )
    clock = _StepClock(synchronizer(run.device))
    trainer = L.Trainer(
        accelerator="gpu" if run.device.type == "cuda" else "cpu",
        devices=1,
        precision=run.precision,
        # One step more than timed: its start closes the last timed cycle.
        max_steps=run.warmup + run.steps + 1,
        max_epochs=-1,
        gradient_clip_val=run.clip,
        limit_val_batches=0,
        num_sanity_val_steps=0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[clock],
        deterministic=False,
        benchmark=False,
    )
    trainer.fit(module, train_dataloaders=fixed_loader(run.batches[: run.warmup + run.steps + 1]))
    return cycles(clock.times, run.warmup, run.steps)


def run_loop(loop: str, run: LoopRun, optim: dict[str, Any]) -> dict[str, Any]:
    """One run of ``loop``: lightning or plain, with the module's optimizer settings ``optim``."""
    return run_lightning(run, optim) if loop == "lightning" else run_plain(run, optim)


def make_run(
    batches: list[dict[str, torch.Tensor]],
    model: dict[str, Any],
    precision: str,
    tr: DictConfig,
    seed: int,
    device: torch.device,
    compile: bool = False,
) -> LoopRun:
    """A run with the warmup, steps and gradient clip of ``tr`` (bench.train or bench.overhead)."""
    clip = float(tr.gradient_clip_val)
    return LoopRun(batches, model, precision, tr.warmup, tr.steps, clip, seed, device, compile)


def time_training(
    batches: list[dict[str, torch.Tensor]],
    model: dict[str, Any],
    optim: dict[str, Any],
    b: DictConfig,
    seed: int,
    device: torch.device,
) -> dict[str, Any]:
    """Every run of every (precision, loop), and the matmul peak, repeat by repeat."""
    tr = b.train
    variants = [(loop, False) for loop in LOOPS]
    if b.compile:
        variants += [(loop, True) for loop in LOOPS]
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {p: {} for p in b.precisions}
    peaks: dict[str, list[dict[str, Any]]] = {p: [] for p in b.precisions}
    for r in range(tr.repeats):
        for precision in b.precisions:
            # The peak is measured next to the runs it divides, under the same load.
            peaks[precision].append(
                matmul_peak(precision, list(b.matmul.sizes), device, b.matmul.repeats)
            )
            for loop, compiled in abba(variants, r):
                name = loop + ("+compile" if compiled else "")
                log.info("repeat %d/%d %s %s", r + 1, tr.repeats, precision, name)
                run = make_run(batches, model, precision, tr, seed, device, compiled)
                runs[precision].setdefault(name, []).append(run_loop(loop, run, optim))
    return {"runs": runs, "peaks": peaks}


def training_report(
    timed: dict[str, Any], b: DictConfig, optim: dict[str, Any], headline: str, clean: float
) -> dict[str, Any]:
    """Section 1: tokens/s per loop and the per-repeat ratio Lightning / plain.

    ``clean``: the cpu share below which a run counts as disturbed (0 keeps all).
    """
    tr = b.train
    tokens_per_step = b.batch_size * b.seq_len
    report: dict[str, Any] = {
        "batches": (
            f"{tr.warmup + tr.steps + 1} fixed batches of {b.batch_size} x {b.seq_len} tokens: "
            f"real training rows packed end to end, loss on every position"
        ),
        "batch_size": b.batch_size,
        "seq_len": b.seq_len,
        "tokens_per_step": tokens_per_step,
        "warmup_steps": tr.warmup,
        "timed_steps": tr.steps,
        "repeats": tr.repeats,
        "clean_cpu_share": clean,
        "optimizer": {**optim, "foreach": True, "gradient_clip_val": tr.gradient_clip_val},
        "by_precision": {},
    }
    for precision, runs in timed["runs"].items():
        entry: dict[str, Any] = {
            name: loop_summary(rs, tokens_per_step, clean) for name, rs in runs.items()
        }
        entry["ratio_lightning_vs_plain"] = paired_ratio(runs["lightning"], runs["plain"], clean)
        if "plain+compile" in runs:
            entry["ratio_compile_vs_eager_plain"] = paired_ratio(
                runs["plain+compile"], runs["plain"], clean
            )
            entry["ratio_compile_vs_eager_lightning"] = paired_ratio(
                runs["lightning+compile"], runs["lightning"], clean
            )
        report["by_precision"][precision] = entry
    report["headline_precision"] = headline
    report["headline_ratio"] = report["by_precision"][headline]["ratio_lightning_vs_plain"][
        "median"
    ]
    return report


def precision_report(
    training: dict[str, Any], default: str, device: torch.device, cpu_fast_bf16: bool
) -> dict[str, Any]:
    """Section 2: what ``trainer.precision=auto`` picks and what it buys over fp32.

    ``cpu_fast_bf16``: the machine header's answer (``/proc/cpuinfo`` is read once).
    """
    tps = {p: e["lightning"]["tokens_per_s"]["median"] for p, e in training["by_precision"].items()}
    fast = cpu_fast_bf16 if device.type == "cpu" else torch.cuda.is_bf16_supported()
    report: dict[str, Any] = {
        "fast_bf16": fast,
        "device": device.type,
        "default": default,
        "lightning_tokens_per_s": tps,
        "fastest": max(tps, key=tps.get),
    }
    if "32-true" in tps and default in tps:
        report["default_vs_fp32"] = tps[default] / tps["32-true"]
    return report
