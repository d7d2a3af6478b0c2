"""The RL stage end to end: a run from a trained checkpoint, its logs, its resume, its errors."""

from __future__ import annotations

import csv
import logging
import signal

import pytest
import torch
from lightning.pytorch import Callback

from tests.conftest import compose_in, error_line, run_script
from tinythink.checkpoints import load_checkpoint, read_checkpoint
from tinythink.training.resumable import TrainingInterrupted


class TermDuringStep(Callback):
    """SIGTERM this process while step ``step`` trains, as a cluster's scheduler would."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        if trainer.global_step == self.step:
            signal.raise_signal(signal.SIGTERM)


def _rl_cfg(tiny_fit, run_dir, *overrides: str):
    return compose_in(
        "train",
        run_dir,
        "experiment=rl",
        "debug=fast",
        f"init_from={tiny_fit.ckpt}",
        f"paths.cache_dir={tiny_fit.cache_dir}",  # the data the checkpoint was trained on
        "logger=csv",
        "test=false",
        "callbacks.progress_bar=null",
        "callbacks.resume.every_n_steps=1",
        "trainer.precision=32-true",  # bit-exact resume
        "trainer.val_check_interval=2",
        "data.rl.n_candidates=12",
        "data.rl.select_samples=2",
        "data.rl.keep=not_always",  # an untrained micro model solves next to nothing
        "data.rl.problems_per_step=3",
        "module.rl.group_size=2",
        "module.rl.max_new_tokens=24",
        "module.rl.val_pass_problems=4",
        "module.optim.lr=1e-3",
        # Next to no sample is right, so no group has an advantage: the KL term is what
        # every step updates on here (tests/rl/test_grpo.py checks the advantage's update).
        "module.rl.kl_coef=0.1",
        *overrides,
    )


def _metrics(run_dir) -> list[dict[str, str]]:
    (path,) = run_dir.glob("csv/**/metrics.csv")
    return [{k: v for k, v in row.items() if v} for row in csv.DictReader(path.open())]


def _policy(run_dir) -> dict[str, torch.Tensor]:
    return read_checkpoint(run_dir / "checkpoints" / "last.ckpt")["state_dict"]


def test_an_rl_run_logs_its_stage_and_resumes_exactly(tiny_fit, tmp_path, caplog):
    from tinythink.train import train

    caplog.set_level(logging.INFO, logger="tinythink")
    whole = tmp_path / "whole"
    metrics = train(_rl_cfg(tiny_fit, whole, "trainer.max_steps=4"))
    rows = _metrics(whole)
    select = next(r for r in rows if "select/kept" in r)
    assert float(select["select/kept"]) == 12.0 and float(select["select/candidates"]) == 12.0
    steps = [r for r in rows if "rl/reward" in r]
    assert [int(r["step"]) for r in steps] == [0, 1, 2, 3]
    for key in ("rl/sample_acc", "rl/pass_at_2", "rl/completion_tokens", "rl/well_formed"):
        assert all(key in r for r in steps), key
    assert {"val/answer_acc", "val/pass_at_2", "val/sample_acc"} <= set(metrics)
    assert "rl/kl" in {k for r in rows for k in r}
    # The policy moved and the starting model is not in the checkpoint.
    start = read_checkpoint(tiny_fit.ckpt)["state_dict"]
    end = _policy(whole)
    assert set(end) == set(start)
    assert any(not torch.equal(start[k], end[k]) for k in start)
    ckpt = read_checkpoint(whole / "checkpoints" / "last.ckpt")
    assert ckpt["hyper_parameters"]["rl"]["group_size"] == 2
    assert ckpt["hyper_parameters"]["init_from"] == str(tiny_fit.ckpt)
    assert load_checkpoint(whole / "checkpoints" / "last.ckpt").step == 4  # eval/generate take it

    # Stopped by SIGTERM after two steps, then resumed: the same weights as four in one go.
    caplog.clear()
    parted = tmp_path / "parted"
    stop = [f"+callbacks.term._target_={__name__}.TermDuringStep", "+callbacks.term.step=1"]
    with pytest.raises(TrainingInterrupted) as stopped:
        train(_rl_cfg(tiny_fit, parted, "trainer.max_steps=4", *stop))
    assert stopped.value.step == 2
    assert sum("RL: measured" in r.message for r in caplog.records) == 1
    caplog.clear()
    train(_rl_cfg(tiny_fit, parted, "trainer.max_steps=4", "resume=true"))
    assert not any("RL: measured" in r.message for r in caplog.records)  # chosen problems kept
    resumed = _policy(parted)
    for key, value in end.items():
        assert torch.equal(resumed[key], value), key


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["module.rl.group_size=1"], "error: module.rl.group_size=1: the baseline is the group's"),
        (
            ["module.rl.temperature=0"],
            "error: module.rl.temperature=0: sampling needs a temperature",
        ),
        (["init_from=null"], "error: the RL stage improves a trained model: add init_from=PATH"),
        (
            ["init_from=nowhere/best.ckpt"],
            "error: init_from=nowhere/best.ckpt: checkpoint not found",
        ),
        (["data.rl.keep=most"], "error: data.rl.keep='most': expected one of sometimes"),
        (
            ["module.position_scale=[0.5,2.0]"],
            "error: module.position_scale must be null in the RL stage",
        ),
    ],
    ids=["group_size", "temperature", "no-init", "missing-init", "keep", "position_scale"],
)
def test_a_bad_rl_setting_is_one_error_line(tiny_fit, tmp_path, overrides, message):
    logs, run = tmp_path / "logs", tmp_path / "logs" / "run"
    result = run_script(
        "train.py",
        "experiment=rl",
        "debug=fast",
        f"init_from={tiny_fit.ckpt}",
        f"paths.cache_dir={tiny_fit.cache_dir}",
        "logger=csv",
        *overrides,
        f"paths.log_dir={logs}",
        f"hydra.run.dir={run}",
    )
    line = error_line(result)
    assert line.startswith(message), line
    assert not run.exists()


def test_starting_from_a_model_of_another_shape_says_which_values_differ(tmp_path):
    # debug=fast trains the micro model; the shipped model is tiny.
    logs, run = tmp_path / "logs", tmp_path / "logs" / "run"
    result = run_script(
        "train.py", "experiment=rl", "debug=fast", f"paths.log_dir={logs}", f"hydra.run.dir={run}"
    )
    line = error_line(result)
    assert "models/tinythink-tiny holds a model of another shape (" in line
    assert "d_model=128 there but" in line and "with the same model config" in line
