"""``resume=true`` continues the run that was started: its config, not the defaults.

Driven as a user does: ``train.py`` in a subprocess, interrupted, then continued with
the command the interrupt message prints and nothing else.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.conftest import ROOT, run_script
from tests.e2e.processes import _popen, _signal_at_step, _step_of

# Every value here differs from what `debug=fast` alone gives (max_steps 10, val every
# 5 steps, test=true, csv logger): a resume that fell back to the defaults would show.
STARTED = [
    "debug=fast",
    "logger=csv",
    "num_threads=1",
    "trainer.precision=32-true",
    "trainer.max_steps=24",
    "trainer.val_check_interval=8",
    "data.generator.n_train=256",  # 16 batches an epoch
    "callbacks.resume.every_n_steps=4",
    "test=false",
]


def _hashes(run: Path) -> dict[str, str]:
    """Every file under the run dir and its content hash."""
    return {
        str(p.relative_to(run)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(run.rglob("*"))
        if p.is_file()
    }


def _val_steps(run: Path) -> list[int]:
    with open(run / "csv" / "metrics.csv", newline="") as f:
        return [int(r["step"]) for r in csv.DictReader(f) if r.get("val/answer_acc")]


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short run started with non-default overrides, to copy into each test."""
    tmp = tmp_path_factory.mktemp("resume")
    run = tmp / "run"
    args = [*STARTED, "trainer.max_steps=4", f"paths.log_dir={tmp}", f"hydra.run.dir={run}"]
    result = run_script("train.py", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return run


def _copy(run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    return copy


@pytest.mark.slow
def test_interrupted_run_continues_with_its_own_config_from_the_printed_command(tmp_path):
    run = tmp_path / "run"
    started = [*STARTED, f"paths.log_dir={tmp_path}"]
    proc = _popen(run, *started)
    _signal_at_step(proc, run / "checkpoints" / "last.ckpt", 4, signal.SIGTERM)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, out[-3000:]
    stopped_at = _step_of(run / "checkpoints" / "last.ckpt")
    assert 4 <= stopped_at < 24

    # The message prints the whole command: run it as printed, from another directory.
    (line,) = [ln for ln in out.splitlines() if ln.startswith("Continue with: ")]
    command = line.removeprefix("Continue with: ")
    assert command == f"python train.py hydra.run.dir={run.resolve()} resume=true"
    before = _hashes(run)
    argv = shlex.split(command)
    assert argv[:2] == ["python", "train.py"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), *argv[2:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # Lightning's "previous log files will be deleted" is false here: silenced on resume.
    assert "exists and is not empty" not in result.stdout + result.stderr

    # Step budget: the run's 24, not debug=fast's 10.
    assert _step_of(run / "checkpoints" / "last.ckpt") == 24
    # Validation every 8 steps (logged at the step before), never debug=fast's every 5.
    assert _val_steps(run) == [7, 15, 23]
    results = json.loads((run / "results.json").read_text())
    assert results["status"] == "finished"
    assert results["overrides"] == started  # the run's, not the resume command line's
    assert not any(k.startswith("test/") for k in results["metrics"])  # test=false kept
    assert not (run / "wandb").exists() and not (run / "wandb_run_id").exists()  # csv only
    # The run dir keeps how it was started: config and Hydra's record untouched.
    after = _hashes(run)
    for name in ("config.yaml", ".hydra/overrides.yaml", ".hydra/config.yaml"):
        assert after[name] == before[name], name
    (record,) = (run / "resumes.jsonl").read_text().splitlines()
    record = json.loads(record)
    assert record["step"] == stopped_at and record["changed"] == {} and record["overrides"] == []


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("model.d_model=64", "model.d_model=32 in the run, 64 now"),
        ("data.batch_size=8", "data.batch_size=16 in the run, 8 now"),
        ("logger=wandb", "logger=csv in the run, wandb now"),
        ("test=true", "test=false in the run, true now"),
        ("trainer.max_steps=2", "trainer.max_steps=4 in the run, 2 now (it can only be raised"),
    ],
)
def test_an_override_that_changes_the_run_is_refused_and_nothing_is_written(
    finished_run, tmp_path, override, named
):
    run = _copy(finished_run, tmp_path)
    before = _hashes(run)
    mtimes = {p: p.stat().st_mtime_ns for p in run.rglob("*")}
    result = run_script("train.py", f"hydra.run.dir={run}", "resume=true", override)
    assert result.returncode == 2, result.stderr[-3000:]
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: resume=true continues {run.resolve()} as it was started")
    assert named in line
    assert "Traceback" not in result.stderr
    assert _hashes(run) == before
    assert {p: p.stat().st_mtime_ns for p in run.rglob("*")} == mtimes


def test_safe_changes_are_applied_recorded_and_kept_by_the_next_resume(finished_run, tmp_path):
    run = _copy(finished_run, tmp_path)
    config = (run / "config.yaml").read_bytes()
    overrides = (run / ".hydra" / "overrides.yaml").read_bytes()
    result = run_script(
        "train.py",
        f"hydra.run.dir={run}",
        "resume=true",
        "trainer.max_steps=6",
        "trainer.max_time=00:00:05:00",
        "num_threads=1",  # the same value as the run's: not a change
        "data.batch_size=16",  # likewise
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert _step_of(run / "checkpoints" / "last.ckpt") == 6
    (record,) = [json.loads(ln) for ln in (run / "resumes.jsonl").read_text().splitlines()]
    assert record["step"] == 4
    assert record["changed"] == {
        "trainer.max_steps": [4, 6],
        "trainer.max_time": ["00:00:12:30", "00:00:05:00"],
    }
    assert (run / "config.yaml").read_bytes() == config
    assert (run / ".hydra" / "overrides.yaml").read_bytes() == overrides

    # The next resume starts from the changed run: 6 steps is now its budget.
    result = run_script("train.py", f"hydra.run.dir={run}", "resume=true", "trainer.max_steps=5")
    assert result.returncode == 2
    assert "trainer.max_steps=6 in the run, 5 now" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["resume=true"], "resume=true needs the run to continue: add hydra.run.dir="),
        (["resume=true", "-m"], "takes overrides only, got -m"),
    ],
    ids=["no-run-dir", "multirun"],
)
def test_a_resume_that_cannot_name_its_run_is_one_error_line(tmp_path, args, message):
    result = run_script("train.py", *args, f"paths.log_dir={tmp_path}", cwd=tmp_path)
    assert result.returncode == 2, result.stderr[-3000:]
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line
    assert list(tmp_path.iterdir()) == []


def test_a_checkpoint_without_the_runs_overrides_is_not_resumed_blind(tmp_path):
    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    torch.save({"global_step": 3}, run / "checkpoints" / "last.ckpt")
    result = run_script("train.py", f"hydra.run.dir={run}", "resume=true")
    assert result.returncode == 2
    assert "has a checkpoint but no .hydra/overrides.yaml" in result.stderr
    assert "ckpt_path=" in result.stderr
    assert sorted(p.name for p in run.iterdir()) == ["checkpoints"]


def test_a_torn_resume_record_is_reported_not_guessed_at(finished_run, tmp_path):
    run = _copy(finished_run, tmp_path)
    (run / "resumes.jsonl").write_text(
        '{"time": "t", "step": 4, "changed": {}, "overrides": []}\n{"time": "2026-'
    )
    result = run_script("train.py", f"hydra.run.dir={run}", "resume=true")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {run.resolve()}/resumes.jsonl:2 is not a resume record")
