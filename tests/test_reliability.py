"""Nothing lost: resume after a kill, checkpoints on SIGTERM/Ctrl-C, clear errors for bad input.

The subprocess tests run train.py as a user does, on the micro model in fp32 on
one thread, so two runs of the same seed give bit-identical losses.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from tests.conftest import ROOT, build_module, run_script
from tinythink.checkpoints import AtomicCheckpointIO
from tinythink.data.datamodule import LengthGroupedSampler

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


# --- the data stream --------------------------------------------------------------------------


def test_sampler_resumes_mid_epoch_in_the_same_order():
    lengths = torch.randint(5, 60, (100,), generator=torch.Generator().manual_seed(0))
    full = LengthGroupedSampler(lengths, batch_size=8, seed=3)
    assert full.batches_per_epoch == 12
    epoch0 = list(full)
    full.set_epoch(1)
    epoch1 = list(full)
    assert epoch0 != epoch1 and sorted(epoch0) == sorted(epoch1)

    resumed = LengthGroupedSampler(lengths, batch_size=8, seed=3)
    resumed.resume_at(5)  # 5 batches trained: the next index is the 41st of epoch 0
    assert list(resumed) == epoch0[40:]
    assert list(resumed) == epoch0  # the skip is used once; the next pass is whole

    resumed = LengthGroupedSampler(lengths, batch_size=8, seed=3)
    resumed.set_epoch(1)
    resumed.resume_at(12 + 3)  # step 15 = epoch 1, batch 3
    assert list(resumed) == epoch1[24:]


# --- atomic checkpoints -----------------------------------------------------------------------


def test_a_failed_checkpoint_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "last.ckpt"
    io = AtomicCheckpointIO()
    io.save_checkpoint({"global_step": 5}, path)

    def dies_mid_write(obj, f):
        f.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt  # as a kill would

    monkeypatch.setattr(torch, "save", dies_mid_write)
    with pytest.raises(KeyboardInterrupt):
        io.save_checkpoint({"global_step": 10}, path)
    monkeypatch.undo()
    assert torch.load(path, weights_only=True) == {"global_step": 5}
    assert [p.name for p in tmp_path.iterdir()] == ["last.ckpt"]  # no temp file left


def test_atomic_files_get_a_plain_files_mode_not_mkstemps_0600(tmp_path):
    from tinythink.utils import atomic_write_text

    umask = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "results.json", "{}")
        assert (tmp_path / "results.json").stat().st_mode & 0o777 == 0o640
        kept = tmp_path / "leaderboard.md"
        kept.write_text("old")
        kept.chmod(0o604)
        atomic_write_text(kept, "new")  # a replaced file keeps its mode
        assert kept.stat().st_mode & 0o777 == 0o604 and kept.read_text() == "new"
    finally:
        os.umask(umask)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaderboard.md", "results.json"]


# --- kill, resume, compare --------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_then_resume_matches_an_uninterrupted_run(tmp_path):
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    common = [*RUN, f"paths.log_dir={tmp_path}"]
    proc = _popen(killed, *common)
    _signal_at_step(proc, killed / "checkpoints" / "last.ckpt", 13, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    stopped_at = _step_of(killed / "checkpoints" / "last.ckpt")
    assert 13 <= stopped_at < 40

    result = run_script("train.py", *common, f"hydra.run.dir={killed}", "resume=true")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Resuming from {killed}/checkpoints/last.ckpt (step {stopped_at})" in result.stdout
    result = run_script("train.py", *common, f"hydra.run.dir={straight}")
    assert result.returncode == 0, result.stderr[-3000:]

    want, got = _train_losses(straight), _train_losses(killed)
    assert sorted(want) == list(range(40))
    # Every step after the checkpoint was trained (and logged) by the resumed run, once.
    assert set(range(stopped_at, 40)) <= set(got)
    assert all(len(v) == 1 for v in got.values())
    for step, (loss,) in got.items():
        assert loss == pytest.approx(want[step][0], abs=1e-6), f"step {step}"
    assert _step_of(killed / "checkpoints" / "last.ckpt") == 40
    assert json.loads((killed / "results.json").read_text())["status"] == "finished"


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_saves_a_loadable_checkpoint_then_resumes(tmp_path, signum):
    run = tmp_path / "run"
    common = [*RUN, "callbacks.resume.every_n_steps=4", f"paths.log_dir={tmp_path}"]
    proc = _popen(run, *common)
    _signal_at_step(proc, run / "checkpoints" / "last.ckpt", 4, signum)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum, out[-3000:]
    name = signal.Signals(signum).name
    assert f"Stopped by {name} at step" in out
    assert f"hydra.run.dir={run} resume=true" in out

    ckpt = torch.load(run / "checkpoints" / "last.ckpt", weights_only=True)
    step = ckpt["global_step"]
    assert 4 < step < 40  # saved at the signal, not only at the last periodic save
    assert step % 4 != 0 or step == 8  # (a signal can land right on a periodic step)
    assert ckpt["optimizer_states"] and ckpt["lr_schedulers"]
    assert {"torch", "numpy", "python"} <= set(
        next(v for k, v in ckpt["callbacks"].items() if k.startswith("ResumableTraining"))["rng"]
    )
    results = json.loads((run / "results.json").read_text())
    assert results["status"] == "interrupted" and results["step"] == step

    result = run_script("train.py", *common, f"hydra.run.dir={run}", "resume=true")
    assert result.returncode == 0, result.stderr[-3000:]
    assert _step_of(run / "checkpoints" / "last.ckpt") == 40


# --- resume errors ----------------------------------------------------------------------------


def _started_with(run: Path, *overrides: str) -> None:
    """Hydra's record of how ``run`` was started, which resume=true replays."""
    (run / ".hydra").mkdir(parents=True, exist_ok=True)
    (run / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))


def test_resume_into_a_dir_without_checkpoint_is_an_error(tmp_path):
    run = tmp_path / "nothing-here"
    result = run_script(
        "train.py", *RUN, f"paths.log_dir={tmp_path}", f"hydra.run.dir={run}", "resume=true"
    )
    assert result.returncode == 2
    assert (
        f"resume=true but there is no checkpoint to resume from: {run}/checkpoints/last.ckpt"
        in (result.stderr)
    )
    assert not (run / "config.yaml").exists() and not (run / "csv").exists()
    assert not (run / "results.json").exists()


@pytest.mark.parametrize("how", ["truncated", "garbage"])
def test_corrupt_checkpoint_is_reported_on_resume_and_eval(tmp_path, how):
    run = tmp_path / "run"
    ckpt = run / "checkpoints" / "last.ckpt"
    ckpt.parent.mkdir(parents=True)
    if how == "truncated":  # the first bytes of a real checkpoint, as a kill mid-write leaves
        buf = tmp_path / "whole.ckpt"
        torch.save({"global_step": 3, "state_dict": {"w": torch.zeros(1000)}}, buf)
        ckpt.write_bytes(buf.read_bytes()[:300])
    else:
        ckpt.write_bytes(b"this is not a checkpoint\n" * 10)
    _started_with(run, *RUN, f"paths.log_dir={tmp_path}")

    result = run_script(
        "train.py", *RUN, f"paths.log_dir={tmp_path}", f"hydra.run.dir={run}", "resume=true"
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"error: {ckpt} is truncated or corrupt and cannot be read" in result.stderr
    assert not (run / "config.yaml").exists() and not (run / "results.json").exists()

    result = run_script(
        "eval.py", f"ckpt={ckpt}", f"paths.log_dir={tmp_path}", "wandb.mode=disabled"
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"error: {ckpt} is truncated or corrupt and cannot be read" in result.stderr


def test_checkpoint_from_another_model_config_is_refused(tmp_path):
    run = tmp_path / "run"
    ckpt = run / "checkpoints" / "last.ckpt"
    ckpt.parent.mkdir(parents=True)
    other = {"vocab_size": 512, "d_model": 64, "n_layer": 2, "n_head": 2, "max_seq_len": 320}
    torch.save({"global_step": 5, "hyper_parameters": {"model": other}, "state_dict": {}}, ckpt)
    _started_with(run, *RUN, f"paths.log_dir={tmp_path}")
    result = run_script(
        "train.py", *RUN, f"paths.log_dir={tmp_path}", f"hydra.run.dir={run}", "resume=true"
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"error: {ckpt} was trained with a different model config" in result.stderr
    assert "d_model=64 in the checkpoint but 32 here" in result.stderr
    assert not (run / "config.yaml").exists()


# --- bad input through train.py ---------------------------------------------------------------


def test_unknown_config_group_value_names_the_choices_and_writes_nothing(tmp_path):
    result = run_script("train.py", "model=tinyy", f"paths.log_dir={tmp_path}")
    assert result.returncode == 2
    assert result.stderr == (
        "error: model=tinyy: there is no model config 'tinyy' (conf/model/); "
        "choose one of micro, small, tiny\n"
    )
    assert list(tmp_path.iterdir()) == []  # no run dir at all


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "error: data file is empty: {data}"),
        (
            b'{"question": "What is 2 plus 2?", "answer": "four"}\n',
            "error: {data}:1: answer must be an integer, got 'four'",
        ),
        (None, "error: data file not found: {data}"),
    ],
    ids=["empty", "answer-not-a-number", "missing"],
)
def test_bad_data_file_is_a_clear_error_before_any_output(tmp_path, content, message):
    data = tmp_path / "data.jsonl"
    if content is not None:
        data.write_bytes(content)
    run = tmp_path / "run"
    result = run_script(
        "train.py",
        "debug=fast",
        "logger=csv",
        "data=jsonl",
        f"data.path={data}",
        f"paths.log_dir={tmp_path}",
        f"hydra.run.dir={run}",
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert message.format(data=data) in result.stderr
    assert "Traceback" not in result.stderr
    assert not run.exists()  # the run never started: no run dir among the real ones
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ([] if content is None else ["data.jsonl"])  # no cache, no run dir


class _RunsCode:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    from tinythink.checkpoints import CheckpointError, read_checkpoint

    path = tmp_path / "evil.ckpt"
    torch.save({"state_dict": {}, "payload": _RunsCode()}, path)
    with pytest.raises(
        CheckpointError, match=r"refusing to load .*evil\.ckpt.*GLOBAL posix\.system"
    ):
        read_checkpoint(path)


# --- W&B with no network ----------------------------------------------------------------------


@pytest.mark.slow
def test_wandb_online_without_network_falls_back_to_offline_and_resume_keeps_the_run(tmp_path):
    run = tmp_path / "run"
    env = {"WANDB_BASE_URL": "http://127.0.0.1:9", "WANDB_API_KEY": "a" * 40}
    args = [
        "debug=fast",
        "logger=[wandb,csv]",
        "logger.wandb.mode=online",
        "trainer.max_steps=4",
        "test=false",
        f"paths.log_dir={tmp_path}",
        f"hydra.run.dir={run}",
    ]
    started = time.time()
    result = run_script("train.py", *args, env=env, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert time.time() - started < 120  # an online start would sit ~90 s on init_timeout
    out = result.stdout + result.stderr
    assert "W&B run is offline (cannot reach 127.0.0.1 (port 9, 3 s timeout))" in out
    assert "wandb sync" in out
    run_id = (run / "wandb_run_id").read_text().strip()
    assert len(run_id) == 8

    result = run_script("train.py", *args, "trainer.max_steps=6", "resume=true", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    offline = sorted((run / "wandb").glob("offline-run-*"))
    assert len(offline) == 2  # one directory per process, both for the same W&B run
    assert all(d.name.endswith(f"-{run_id}") for d in offline)
    assert all(list(d.glob(f"run-{run_id}.wandb")) for d in offline)


# --- DDP --------------------------------------------------------------------------------------


def _score_on_rank(rank: int, world: int, port: int, out: dict) -> None:
    """One gloo rank: score this rank's share with a stub solver, sync the metric."""
    from types import SimpleNamespace

    import torch.distributed as dist

    from tinythink.data.problem import Problem
    from tinythink.evaluation.evaluate import Attempt
    from tinythink.evaluation.metrics import AnswerAccuracy
    from tinythink.training import module as module_lib

    dist.init_process_group(
        "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world
    )
    problems = [Problem(question=f"q{i}", answer=i) for i in range(37)]

    def solve(net, tokenizer, mine, **kw):  # right exactly when the answer is a multiple of 3
        return [Attempt(p, "", p.answer if p.answer % 3 == 0 else -1) for p in mine]

    module_lib.solve = solve
    lm = build_module({"vocab_size": 64, "d_model": 16, "n_layer": 1, "n_head": 2})
    dm = SimpleNamespace(eval_problems=lambda split: problems, tokenizer=None)
    lm._trainer = SimpleNamespace(datamodule=dm, world_size=world, global_rank=rank)
    metric = AnswerAccuracy()
    attempts = lm._score("test", metric)
    out[rank] = ([a.problem.answer for a in attempts], float(metric.compute()))
    dist.destroy_process_group()


@pytest.mark.slow
def test_ddp_answer_accuracy_is_the_sum_over_both_shards():
    """37 problems on 2 ranks: 19 + 18 scored, each once; the synced accuracy is exact."""
    import socket

    import torch.multiprocessing as mp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = mp.Manager().dict()
    mp.spawn(_score_on_rank, args=(2, port, out), nprocs=2, join=True)
    (mine0, acc0), (mine1, acc1) = out[0], out[1]
    assert (len(mine0), len(mine1)) == (19, 18)
    assert sorted(mine0 + mine1) == list(range(37))  # no duplicate, none dropped
    assert acc0 == acc1 == pytest.approx(13 / 37)  # 0, 3, ..., 36: 13 multiples of 3


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
