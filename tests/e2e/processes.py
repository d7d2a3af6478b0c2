"""Driving train.py as a process: start it, signal it at a step, read what it wrote.

The runs use the micro model in fp32 on one thread, so two runs of the same seed
give bit-identical losses.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from tests.conftest import ROOT

# 256 rows / 16 per batch = 16 batches an epoch: 40 steps cross two epoch boundaries.
RUN = [
    "debug=fast",
    "logger=csv",
    "num_threads=1",
    "trainer.precision=32-true",
    "trainer.max_steps=40",
    "trainer.val_check_interval=10",
    "data.generator.n_train=256",
    "callbacks.resume.every_n_steps=5",
    "test=false",
]


def _popen(run_dir: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "train.py"), *args, f"hydra.run.dir={run_dir}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _step_of(path: Path) -> int:
    return int(torch.load(path, weights_only=True)["global_step"]) if path.exists() else -1


def _signal_at_step(proc: subprocess.Popen, ckpt: Path, step: int, signum: int) -> None:
    """Send ``signum`` once ``ckpt`` holds ``step`` or later (checkpoints are written atomically)."""
    deadline = time.time() + 240
    while proc.poll() is None and time.time() < deadline:
        if _step_of(ckpt) >= step:
            proc.send_signal(signum)
            return
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"the run ended (or hung) before step {step}: {proc.communicate()[0][-2000:]}")


def _train_losses(run_dir: Path) -> dict[int, list[float]]:
    """step -> every train/loss logged at that step in metrics.csv."""
    losses: dict[int, list[float]] = {}
    with open(run_dir / "csv" / "metrics.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("train/loss"):
                losses.setdefault(int(row["step"]), []).append(float(row["train/loss"]))
    return losses
