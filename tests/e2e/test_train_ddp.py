"""train.py under DDP on two CPU processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from lightning.pytorch import Callback

from tests.conftest import ROOT, run_script
from tests.e2e.processes import _train_losses


class RecordAttempts(Callback):
    """Added to the run under test: each rank writes the attempts it scored in the test
    phase to ``<dirpath>/<split>.rank<r>.jsonl``, in the order it holds the problems."""

    def __init__(self, dirpath: str) -> None:
        self.dirpath = Path(dirpath)

    def on_test_epoch_start(self, trainer, pl_module) -> None:
        score = pl_module._score

        def recording_score(split, metric):
            attempts = score(split, metric)
            self.dirpath.mkdir(parents=True, exist_ok=True)
            path = self.dirpath / f"{split}.rank{trainer.global_rank}.jsonl"
            path.write_text(
                "".join(
                    json.dumps({"question": a.problem.question, "completion": a.completion}) + "\n"
                    for a in attempts
                )
            )
            return attempts

        pl_module._score = recording_score


@pytest.mark.slow
def test_ddp_run_on_two_cpu_processes_scores_every_test_problem_once(tmp_path):
    run = tmp_path / "run"
    args = [
        "trainer=ddp",
        "trainer.accelerator=cpu",
        "trainer.devices=2",
        "debug=fast",
        "logger=csv",
        "num_threads=1",
        "trainer.precision=32-true",
        "data.generator.n_train=256",
        "data.generator.n_test=33",  # odd: a padded DistributedSampler would score 34
        "data.generator.n_ood=15",
        "trainer.max_steps=4",
        "trainer.val_check_interval=4",
        "module.eval.max_new_tokens=16",
        f"paths.log_dir={tmp_path}",
        f"hydra.run.dir={run}",
        f"+callbacks.record._target_={RecordAttempts.__module__}.RecordAttempts",
        f"+callbacks.record.dirpath={tmp_path}/attempts",
    ]
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "train.py"), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=300)
    finally:
        with __import__("contextlib").suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the second rank, if anything hung
    assert proc.returncode == 0, out[-3000:]
    assert "Starting with 2 processes" in out
    metrics = json.loads((run / "results.json").read_text())["metrics"]
    assert metrics["test/n_scored"] == 33 and metrics["ood/n_scored"] == 15
    # Logged once (rank 0): one row per training step in metrics.csv.
    steps = [s for s in _train_losses(run)]
    assert sorted(steps) == [0, 1, 2, 3] and all(len(v) == 1 for v in _train_losses(run).values())

    result = run_script(
        "eval.py",
        f"ckpt={run}/checkpoints/best.ckpt",
        f"paths.log_dir={tmp_path}",
        "max_new_tokens=16",
        "wandb.mode=disabled",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (report,) = tmp_path.glob("eval/runs/*/eval_results.json")
    single = json.loads(report.read_text())["splits"]
    for split in ("test", "ood"):  # one process over the whole split gives the same figure
        assert single[split]["greedy"]["n"] == metrics[f"{split}/n_scored"]
        assert single[split]["greedy"]["acc_all"] == pytest.approx(metrics[f"{split}/answer_acc"])
        # Per problem, not only the (near zero, after 4 steps) accuracy: rank r scored the
        # problems r, r+2, ... of the split and generated what one process generates for them.
        whole = [json.loads(line) for line in report.with_name(f"attempts_{split}.jsonl").open()]
        for rank in (0, 1):
            path = tmp_path / "attempts" / f"{split}.rank{rank}.jsonl"
            mine = [json.loads(line) for line in path.open()]
            assert [a["question"] for a in mine] == [a["question"] for a in whole[rank::2]]
            assert [a["completion"] for a in mine] == [a["completion"] for a in whole[rank::2]]
