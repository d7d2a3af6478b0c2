"""``python train.py -m`` as a user runs it: grid, submitit launcher, Optuna, report, DDP rule.

The report, the search space and the DDP guard alone: tests/sweeps/.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from subprocess import PIPE

import pytest
from omegaconf import OmegaConf

from tests.conftest import ROOT, run_script
from tests.presets import preset

# debug=fast cut down to seconds per point: a few problems, 4 steps, one validation.
TINY = [
    "debug=fast",
    "data.generator.n_train=256",
    "data.generator.n_val=16",
    "data.generator.n_test=16",
    "data.generator.n_ood=16",
    "data.n_eval=8",
    "trainer.max_steps=4",
    "trainer.val_check_interval=4",
    "module.eval.max_new_tokens=16",
    "test=false",
]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    """Generated problems and tokenizer, shared by this module's sweeps (built once)."""
    return tmp_path_factory.mktemp("cache")


def _sweep_dir(log_dir: Path, task: str = "debug") -> Path:
    (sweep,) = (log_dir / task / "multiruns").iterdir()
    return sweep


def _train(log_dir: Path, cache_dir: Path, *args: str):
    """``python train.py ARGS`` on the tiny set-up, logging under ``log_dir``."""
    paths = [f"paths.log_dir={log_dir}", f"paths.cache_dir={cache_dir}"]
    return run_script("train.py", *args, *TINY, *paths)


def _results(sweep: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text()) for p in sweep.glob("*/results.json")}


def _leaderboard(sweep: Path) -> list[dict]:
    return list(csv.DictReader((sweep / "leaderboard.csv").open()))


def _assert_plots(sweep: Path) -> None:
    for name in ("accuracy_vs_params.png", "accuracy_vs_shape.png"):
        assert (sweep / name).read_bytes().startswith(PNG), name


# -----------------------------------------------------------------------------
# Real multiruns in a subprocess


@pytest.mark.slow
def test_grid_sweep_skips_bad_points_runs_the_rest_and_reports(tmp_path, cache_dir):
    # micro preset (2 layers, 2 heads): d_model=30 leaves an odd head_dim (bad heads),
    # d_model=1024 is 25.7M parameters (over the 2M cap); 16 and 32 train.
    result = _train(tmp_path, cache_dir, "-m", "logger=[wandb,csv]", "model.d_model=16,32,30,1024")
    assert result.returncode == 0, result.stderr[-3000:]
    sweep = _sweep_dir(tmp_path)
    jobs = _results(sweep)
    assert {j: r["status"] for j, r in jobs.items()} == {
        "0": "finished",
        "1": "finished",
        "2": "skipped",
        "3": "skipped",
    }
    assert "n_head=2 does not fit model.d_model=30" in jobs["2"]["reason"]
    assert "25,728,000 parameters, over the cap of 2,000,000" in jobs["3"]["reason"]
    assert jobs["0"]["num_params"] == 14_928 and jobs["1"]["num_params"] == 43_168
    for j in ("0", "1"):
        assert 0.0 <= jobs[j]["metrics"]["val/answer_acc"] <= 1.0
        assert jobs[j]["metrics"]["val/loss"] > 0

    # One offline W&B run per trained job (no leaking into the previous job's run),
    # grouped under the sweep's name and named after the shape; none for skipped points.
    for j, shape in (("0", b"L2-d16-h2"), ("1", b"L2-d32-h2")):
        (run,) = (sweep / j / "wandb").glob("offline-run-*")
        (record,) = run.glob("run-*.wandb")
        data = record.read_bytes()
        assert sweep.name.encode() in data and shape in data
    assert not (sweep / "2" / "wandb").exists() and not (sweep / "3" / "wandb").exists()

    rows = _leaderboard(sweep)
    assert [(r["job"], r["status"]) for r in rows[2:]] == [("2", "skipped"), ("3", "skipped")]
    assert {r["job"] for r in rows[:2]} == {"0", "1"} and [r["rank"] for r in rows[:2]] == [
        "1",
        "2",
    ]
    assert rows[3]["num_params"] == "25728000" and rows[3]["shape"] == "L2-d1024-h2"
    md = (sweep / "leaderboard.md").read_text()
    assert "4 jobs: 2 finished, 2 skipped." in md
    assert "`model.d_model=1024`: **skipped**: model has 25,728,000 parameters" in md
    _assert_plots(sweep)
    assert "Sweep finished: 2 finished, 2 skipped" in result.stdout + result.stderr


@pytest.mark.slow
def test_multirun_with_default_paths_writes_under_the_launch_dir(tmp_path):
    # No paths override, as a user types it: the sweep dir must resolve before any job
    # exists (${hydra:runtime.cwd} cannot: "HydraConfig was not set"), and everything
    # lands in logs/ under the directory the command was started in.
    result = run_script("train.py", "-m", *TINY, "logger=csv", "seed=1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    sweep = _sweep_dir(tmp_path / "logs")
    assert _results(sweep)["0"]["status"] == "finished"
    assert (tmp_path / "logs" / "cache").is_dir()


@pytest.mark.slow
def test_submitit_local_launcher_runs_each_point_in_its_own_process(tmp_path, cache_dir):
    result = _train(
        tmp_path,
        cache_dir,
        "-m",
        "hydra/launcher=cluster_dryrun",
        "num_threads=1",  # both points start at once
        "logger=csv",
        "model.n_layer=1,200",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    sweep = _sweep_dir(tmp_path)
    jobs = _results(sweep)
    assert jobs["0"]["status"] == "finished" and jobs["0"]["num_params"] == 29_792
    assert jobs["1"]["status"] == "skipped" and "over the cap" in jobs["1"]["reason"]
    # submitit ran the points: one folder per job with its own log and pickled result.
    assert len(list((sweep / ".submitit").glob("*/*_0_log.out"))) == 2
    assert len(list((sweep / ".submitit").glob("*/*_0_result.pkl"))) == 2
    assert [r["status"] for r in _leaderboard(sweep)] == ["finished", "skipped"]
    _assert_plots(sweep)


@pytest.mark.slow
def test_optuna_samples_only_shapes_under_the_cap(tmp_path, cache_dir):
    cap = 40_000
    # Without the bound, widths up to 128 would be sampled: far over this cap.
    assert preset(d_model=128, n_layer=1, n_head=2, max_params=10**9).num_params > cap
    result = run_script(
        "train.py",
        "hparams_search=optuna",
        *TINY,
        "logger=csv",
        f"paths.log_dir={tmp_path}",
        f"paths.cache_dir={cache_dir}",
        "hydra.sweeper.n_trials=3",
        f"model.max_params={cap}",
        "model.n_layer=int(interval(1, 4))",
        "model.n_head=choice(2, 4)",
        "width_search.low=16",
        "width_search.high=128",
        "width_search.multiple_of=8",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    sweep = _sweep_dir(tmp_path)
    jobs = _results(sweep)
    assert len(jobs) == 3
    for job in jobs.values():
        assert job["status"] == "finished", job.get("reason") or job.get("error")
        assert job["num_params"] <= cap
        shape = job["model"]
        assert shape["max_params"] == cap and shape["d_model"] % (2 * shape["n_head"]) == 0
        assert any(o.startswith("module.optim.lr=") for o in job["overrides"])
    best = OmegaConf.load(sweep / "optimization_results.yaml")
    assert "model.d_model" in best.best_params
    assert len([r for r in _leaderboard(sweep) if r["rank"]]) == 3
    assert "Optuna best value" in (sweep / "leaderboard.md").read_text()


# -----------------------------------------------------------------------------
# DDP belongs inside single runs, never under -m


def _run_in_own_group(*args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    """Run train.py in its own process group and kill the group after: DDP ranks included."""
    cmd = [sys.executable, str(ROOT / "train.py"), *args]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=PIPE, stderr=PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def test_ddp_under_multirun_is_refused_before_any_job(tmp_path):
    ddp = ["trainer=ddp", "trainer.accelerator=cpu"]
    result = _run_in_own_group("-m", *ddp, *TINY, f"paths.log_dir={tmp_path}", "model.n_layer=1,2")
    assert result.returncode == 2, result.stderr[-3000:]
    assert "error: trainer.strategy=ddp on 2 devices inside a multirun" in result.stderr
    assert not list(tmp_path.rglob("results.json"))  # no point started


def test_ddp_inside_a_single_run_is_the_supported_way(tmp_path, cache_dir):
    ddp = ["trainer=ddp", "trainer.accelerator=cpu", "trainer.devices=2"]  # gloo on 2 CPU procs
    result = _run_in_own_group(
        *ddp, *TINY, f"paths.log_dir={tmp_path}", f"paths.cache_dir={cache_dir}"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Starting with 2 processes" in result.stdout + result.stderr
    assert "Error executing job" not in result.stderr, result.stderr[-3000:]
    (results,) = (tmp_path / "debug" / "runs").glob("*/results.json")
    assert json.loads(results.read_text())["status"] == "finished"
