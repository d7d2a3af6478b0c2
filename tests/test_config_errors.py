"""One error policy for train.py: a config value that cannot work is one ``error:`` line.

Exit code 2, no traceback, nothing else on stderr, and no run directory left behind
for a run that never started. Driven as a user does, in a subprocess.
"""

from __future__ import annotations

import pytest
import torch

from tests.conftest import run_script


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["trainer.max_steps=0"], "error: trainer.max_steps=0: a run trains a positive number"),
        (["trainer.max_steps=-5"], "error: trainer.max_steps=-5: a run trains a positive number"),
        (["data.batch_size=-1"], "error: data.batch_size must be positive, got -1"),
        (["data.format=foo"], "error: unknown data format 'foo'; expected one of cot, direct"),
        (["data=jsonl"], "error: data=jsonl needs the file to train on: add data.path="),
        (["data.vocab_size=100"], "error: tokenizer vocab_size=100 is too small: it needs 260"),
        pytest.param(
            ["trainer=gpu"],
            "error: trainer.accelerator=gpu, but",
            marks=pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA"),
        ),
    ],
    ids=[
        "max_steps-0",
        "max_steps-negative",
        "batch_size",
        "format",
        "jsonl-no-path",
        "vocab",
        "gpu",
    ],
)
def test_a_bad_value_is_one_error_line_and_leaves_no_run_dir(tmp_path, overrides, message):
    logs, run = tmp_path / "logs", tmp_path / "logs" / "run"
    result = run_script(
        "train.py",
        "debug=fast",
        "logger=csv",
        *overrides,
        f"paths.log_dir={logs}",
        f"hydra.run.dir={run}",
    )
    assert result.returncode == 2, result.stderr[-3000:]
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(message), line
    assert "Traceback" not in result.stdout + result.stderr
    assert not run.exists()
    assert not logs.exists() or list(logs.iterdir()) == []  # no cache, no run dir
