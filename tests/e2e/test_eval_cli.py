"""eval.py as a user runs it: a file scored, and each mistake one error line with no run dir left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from tests.conftest import run_script
from tests.test_eval import GOOD, OURS, runs_in, write_jsonl


def test_cli_scores_a_file(tiny_fit, tmp_path):
    path = write_jsonl(tmp_path / "problems.jsonl", OURS)
    result = run_script(
        "eval.py", f"ckpt={tiny_fit.ckpt}", f"file={path}", f"paths.log_dir={tmp_path}",
        "wandb.mode=disabled", "max_new_tokens=16",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"problems: answer accuracy ({len(OURS)} problems)" in result.stdout
    (run,) = runs_in(tmp_path)
    assert len((run / "attempts_problems.jsonl").read_text().splitlines()) == len(OURS)
    assert json.loads((run / "eval_results.json").read_text())["splits"]["problems"]


def _assert_one_error_line(result, tmp_path: Path) -> str:
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert runs_in(tmp_path) == []  # Hydra's run dir is removed: nothing left behind
    return lines[0]


def test_cli_bad_row_is_one_error_line_and_leaves_no_run_dir(tmp_path):
    path = tmp_path / "problems.jsonl"
    path.write_text(GOOD + '{"question": "What is 2 plus 2?", "answer": "four"}\n')
    result = run_script(
        "eval.py", f"ckpt={tmp_path}/none.ckpt", f"file={path}", f"paths.log_dir={tmp_path}"
    )
    line = _assert_one_error_line(result, tmp_path)
    assert line.startswith(f"error: {path}:2: answer must be an integer, got 'four'")


def test_cli_negative_limit_is_refused(tmp_path):
    result = run_script("eval.py", "ckpt=x.ckpt", "limit=-1", f"paths.log_dir={tmp_path}")
    line = _assert_one_error_line(result, tmp_path)
    assert line.startswith("error: limit must be a positive integer") and "got -1" in line


def test_cli_without_ckpt_says_how_to_pass_one(tmp_path):
    result = run_script("eval.py", f"paths.log_dir={tmp_path}")
    line = _assert_one_error_line(result, tmp_path)
    assert line == (
        "error: ckpt is required: python eval.py ckpt=logs/train/runs/<run>/checkpoints/best.ckpt "
        "(or ckpt=models/tinythink-tiny, the shipped model)"
    )


@pytest.mark.parametrize(
    ("device", "message"),
    [
        ("gpu", "error: device=gpu is not a device; use cpu, cuda, cuda:N or mps"),
        pytest.param(
            "cuda",
            "error: device=cuda: CUDA is not available here (torch ",
            marks=pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA"),
        ),
    ],
)
def test_cli_a_device_this_machine_lacks_is_refused(tmp_path, device, message):
    result = run_script("eval.py", "ckpt=x.ckpt", f"device={device}", f"paths.log_dir={tmp_path}")
    line = _assert_one_error_line(result, tmp_path)
    assert line.startswith(message), line
