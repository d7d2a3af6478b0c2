"""Sweeps as a user runs them: grid multirun, submitit launcher, Optuna, report, DDP guard."""

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

import optuna
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from tests.conftest import ROOT, run_script
from tinythink.model import ModelConfig
from tinythink.sweeps.callback import ddp_relaunch_problem
from tinythink.sweeps.search_space import bounded_width, width_bounds
from tinythink.sweeps.sweep_report import build_report, main

CONF = str(ROOT / "conf")
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
    result = run_script(
        "train.py",
        "-m",
        *TINY,
        "logger=[wandb,csv]",
        f"paths.log_dir={tmp_path}",
        f"paths.cache_dir={cache_dir}",
        "model.d_model=16,32,30,1024",
    )
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
    result = run_script(
        "train.py",
        "-m",
        "hydra/launcher=cluster_dryrun",
        "num_threads=1",  # both points start at once
        *TINY,
        "logger=csv",
        f"paths.log_dir={tmp_path}",
        f"paths.cache_dir={cache_dir}",
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
    assert ModelConfig(d_model=128, n_layer=1, n_head=2, max_params=10**9).num_params > cap
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
# The Optuna search space, without training


def _compose(*overrides: str, hydra: bool = False):
    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        return compose("train", overrides=list(overrides), return_hydra_config=hydra)


def test_width_bounds_are_exact_for_the_default_cap():
    model = OmegaConf.to_container(_compose("model=tiny").model, resolve=True)
    # 4 layers, 6 heads: widths are multiples of lcm(2*6, 16) = 48; 192 is the tiny preset.
    assert width_bounds({**model, "n_layer": 4, "n_head": 6}, 32, 512, 16) == (48, 192, 48)
    assert width_bounds({**model, "n_layer": 1, "n_head": 2}, 32, 512, 16) == (32, 384, 16)
    assert width_bounds({**model, "n_layer": 8, "n_head": 8}, 32, 512, 16) == (32, 128, 16)
    with pytest.raises(ValueError, match="no width fits: with n_layer=200"):
        width_bounds({**model, "n_layer": 200, "n_head": 2}, 32, 512, 16)


def test_bounded_width_keeps_every_tpe_trial_under_the_cap_and_uses_the_room():
    cfg = _compose("hparams_search=optuna")
    cap = cfg.model.max_params
    sampler = optuna.samplers.TPESampler(seed=0, n_startup_trials=5)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    for _ in range(25):  # past the startup trials, so TPE models the changing bounds too
        trial = study.ask()
        n_layer = trial.suggest_int("model.n_layer", 1, 8)
        n_head = trial.suggest_categorical("model.n_head", [2, 4, 6, 8])
        bounded_width(cfg, trial)
        d_model = trial.params["model.d_model"]
        shape = {**OmegaConf.to_container(cfg.model, resolve=True), "n_layer": n_layer}
        config = ModelConfig(**{**shape, "n_head": n_head, "d_model": d_model})  # no error
        assert config.num_params <= cap and d_model % 16 == 0 and d_model >= 32
        study.tell(trial, d_model / 1000)  # reward width: TPE pushes against the bound
    widest = max(t.params["model.d_model"] for t in study.trials)
    assert widest > 192  # the search reaches wide shallow models, not just safe ones


def test_bounded_width_refuses_a_width_in_params():
    cfg = _compose("hparams_search=optuna")
    trial = optuna.create_study().ask()
    trial.suggest_int("model.d_model", 32, 64)
    with pytest.raises(ValueError, match=r"model\.d_model is in hydra\.sweeper\.params"):
        bounded_width(cfg, trial)


# -----------------------------------------------------------------------------
# The report, rebuilt from hand-written results


def _write_job(sweep: Path, job: str, overrides: list[str], results: dict | None) -> None:
    job_dir = sweep / job
    (job_dir / ".hydra").mkdir(parents=True)
    (job_dir / ".hydra" / "overrides.yaml").write_text(OmegaConf.to_yaml(overrides))
    if results is not None:
        (job_dir / "results.json").write_text(json.dumps({"overrides": overrides, **results}))


def _shape(n_layer: int, d_model: int, n_head: int = 2) -> dict:
    return dict(
        n_layer=n_layer, d_model=d_model, n_head=n_head, vocab_size=512, max_params=2_000_000
    )


def _finished(n_layer: int, d_model: int, acc: float | None, loss: float) -> dict:
    metrics = {"val/loss": loss, "test/answer_acc": 0.25}
    if acc is not None:
        metrics["val/answer_acc"] = acc
    model = _shape(n_layer, d_model)
    return dict(
        status="finished",
        model=model,
        num_params=ModelConfig(**model).num_params,
        metrics=metrics,
        wall_time_s=12.5,
    )


def test_report_rebuilds_from_handwritten_results(tmp_path, capsys):
    sweep = tmp_path / "2026-01-01_00-00-00_000001"
    common = ["debug=fast"]
    _write_job(sweep, "0", [*common, "model.n_layer=2"], _finished(2, 64, 0.50, 1.2))
    _write_job(sweep, "1", [*common, "model.n_layer=4"], _finished(4, 64, 0.75, 1.1))
    _write_job(sweep, "2", [*common, "model.n_layer=6"], _finished(6, 64, None, 0.9))
    _write_job(
        sweep,
        "3",
        [*common, "model.n_layer=90"],
        dict(status="skipped", model=_shape(90, 64), reason="model has ... over the cap"),
    )
    _write_job(
        sweep,
        "4",
        [*common, "model.n_layer=8"],
        dict(status="failed", model=_shape(8, 64), error="RuntimeError: boom | bang"),
    )
    _write_job(sweep, "5", [*common, "model.n_layer=10"], None)  # killed: no results.json
    # Its shape comes from the job config Hydra saved before the job started.
    job_config = {"model": {**_shape(10, 64), "vocab_size": "${data.vocab_size}"}}
    OmegaConf.save({**job_config, "data": {"vocab_size": 512}}, sweep / "5/.hydra/config.yaml")
    # A launcher's own files are not jobs.
    (sweep / ".submitit" / "1").mkdir(parents=True)
    (sweep / ".submitit" / "1" / "results.json").write_text("{}")

    assert main([str(sweep)]) == 0
    assert "# Sweep 2026-01-01_00-00-00_000001" in capsys.readouterr().out
    rows = _leaderboard(sweep)
    assert [(r["rank"], r["job"], r["status"]) for r in rows] == [
        ("1", "1", "finished"),  # best val accuracy
        ("2", "0", "finished"),
        ("3", "2", "finished"),  # no val accuracy: last of the finished
        ("", "4", "failed"),
        ("", "5", "missing"),
        ("", "3", "skipped"),
    ]
    best = rows[0]
    assert (best["shape"], best["val_answer_acc"], best["val_loss"]) == ("L4-d64-h2", "0.75", "1.1")
    assert best["overrides"] == "debug=fast model.n_layer=4" and best["wall_time_s"] == "12.5"
    # The refused shape is still counted, by ModelConfig, for the plot.
    over = ModelConfig(**{**_shape(90, 64), "max_params": 10**9}).num_params
    assert over > 2_000_000 and rows[5]["num_params"] == str(over)
    killed = ModelConfig(**_shape(10, 64)).num_params
    assert (rows[4]["shape"], rows[4]["num_params"]) == ("L10-d64-h2", str(killed))

    md = (sweep / "leaderboard.md").read_text()
    assert "6 jobs: 3 finished, 1 failed, 1 missing, 1 skipped." in md
    assert "Common overrides: `debug=fast`" in md
    assert "Best: **L4-d64-h2**" in md and "| 75.0% |" in md
    assert "- job 4 `model.n_layer=8`: **failed**: RuntimeError: boom \\| bang" in md
    assert "- job 5 `model.n_layer=10`: **missing**: no results.json" in md
    _assert_plots(sweep)


def test_report_cli_runs_as_a_module_and_rejects_an_empty_dir(tmp_path):
    cmd = [sys.executable, "-m", "tinythink.sweep_report", str(tmp_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert f"no jobs under {tmp_path}" in result.stderr
    assert build_report(tmp_path).rows == [] and not list(tmp_path.iterdir())


# -----------------------------------------------------------------------------
# DDP belongs inside single runs, never under -m


@pytest.mark.parametrize(
    ("overrides", "refused"),
    [
        (["trainer=ddp", "trainer.accelerator=cpu"], True),  # 2 devices: re-runs sys.argv
        (["trainer.devices=4"], True),  # strategy "auto" becomes ddp on several devices
        (["trainer=default"], False),  # one device: nothing to re-launch
        (["trainer=ddp", "trainer.devices=1"], False),
        (["trainer=ddp", "trainer.strategy=ddp_spawn"], False),  # multiprocessing, no re-run
        (["trainer=ddp", "hydra/launcher=slurm"], False),  # srun starts the ranks
    ],
)
def test_ddp_relaunch_problem(overrides, refused):
    problem = ddp_relaunch_problem(_compose(*overrides, hydra=True))
    assert (problem is not None) == refused
    if refused:
        assert "re-running this command line" in problem and "docs/sweeps.md" in problem


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
