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


@pytest.mark.parametrize(
    ("script", "args", "message"),
    [
        (
            "train.py",
            ["model=huge"],
            "error: model=huge: there is no model config 'huge' (conf/model/); "
            "choose one of micro, small, tiny",
        ),
        (
            "train.py",
            ["trainer.max_stepz=3"],
            "error: trainer.max_stepz=3: there is no setting trainer.max_stepz; check its "
            "spelling (python train.py --help lists every setting), or add a key the class "
            "takes with +trainer.max_stepz=3",
        ),
        (
            "train.py",
            ["seed=1,2"],
            "error: 'seed=1,2': a comma makes it a sweep; quote the value (key='a,b')",
        ),
        ("train.py", ["data.batch_size=(3"], "error: 'data.batch_size=(3': not a valid override"),
        (
            "train.py",
            ["paths.log_dir={file}/logs"],
            "error: paths.log_dir={file}/logs: cannot create it, {file} is a file, "
            "not a directory; point paths.log_dir= (or hydra.run.dir=) at a writable directory",
        ),
        (
            "train.py",
            ["hydra.run.dir={file}/run"],
            "error: hydra.run.dir={file}/run: cannot create it, {file} is a file",
        ),
        (
            "eval.py",
            ["ckpt=x.ckpt", "+data.path=p.jsonl"],
            "error: +data.path=p.jsonl: eval.py has no setting data.path and a '+' key would "
            "be ignored; python eval.py --help lists every setting; to score your own file: "
            "file=p.jsonl",
        ),
        (
            "eval.py",
            ["ckpt=x.ckpt", "data.path=p.jsonl"],
            "error: data.path=p.jsonl: there is no setting data.path; check its spelling "
            "(python eval.py --help lists every setting); to score your own file: file=p.jsonl",
        ),
        (
            "eval.py",
            ["ckpt=x.ckpt", "hydra.run.dir={file}/run"],
            "error: hydra.run.dir={file}/run: cannot create it, {file} is a file",
        ),
    ],
    ids=[
        "no-such-config",
        "misspelt-key",
        "comma",
        "bad-syntax",
        "log-dir-under-a-file",
        "run-dir-under-a-file",
        "eval-plus-key",
        "eval-unknown-key",
        "eval-run-dir-under-a-file",
    ],
)
def test_a_command_line_hydra_cannot_run_is_one_error_line(tmp_path, script, args, message):
    """Refused before Hydra creates anything, in one line instead of Hydra's several."""
    file = tmp_path / "a-file"
    file.write_text("")
    logs = tmp_path / "logs"
    args = [a.format(file=file) for a in args]
    if not any(a.startswith("paths.log_dir=") for a in args):
        args.append(f"paths.log_dir={logs}")
    result = run_script(script, *args)
    assert result.returncode == 2, result.stderr[-3000:]
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(message.format(file=file)), line
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing written


def test_a_log_dir_this_user_cannot_write_is_refused(tmp_path, monkeypatch):
    """Read-only: simulated, since root (as in CI containers) may write anywhere."""
    import os

    from tinythink import cli

    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: p != tmp_path and real_access(p, mode))
    with pytest.raises(cli.UsageError) as err:
        cli.preflight("train", ["train.py", f"paths.log_dir={tmp_path}/logs"])
    assert str(err.value) == (
        f"paths.log_dir={tmp_path}/logs: cannot create it, {tmp_path} is not writable; "
        "point paths.log_dir= (or hydra.run.dir=) at a writable directory"
    )
    assert list(tmp_path.iterdir()) == []
