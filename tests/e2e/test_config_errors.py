"""One error policy for train.py and eval.py: a user mistake is one ``error:`` line.

Exit code 2, no traceback, nothing else on stderr, and no run directory left behind
for a run that never started. Driven as a user does, in a subprocess.
"""

from __future__ import annotations

import pytest
import torch

from tests.conftest import error_line, run_script


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["trainer.max_steps=0"], "error: trainer.max_steps=0: a run trains a positive number"),
        (["trainer.max_steps=-5"], "error: trainer.max_steps=-5: a run trains a positive number"),
        (
            ["trainer.max_steps=-1", "trainer.max_time=null"],
            "error: trainer.max_steps=-1 trains until trainer.max_time, which is null: the run "
            "would never end; set trainer.max_time (e.g. 00:00:12:30) or a step count",
        ),
        (["data.batch_size=-1"], "error: data.batch_size must be positive, got -1"),
        (["data.format=foo"], "error: unknown data format 'foo'; expected one of cot, direct"),
        (["data=jsonl"], "error: data=jsonl needs the file to train on: add data.path="),
        (["data.vocab_size=100"], "error: tokenizer vocab_size=100 is too small: it needs 260"),
        (
            ["module.position_scale=[2,4]"],
            "error: module.position_scale must be null or [low, high] with 0 < low <= 1 <= high "
            "(generation uses 1), got [2, 4]; e.g. module.position_scale=[0.5,2.0]",
        ),
        pytest.param(
            ["trainer=gpu"],
            "error: trainer.accelerator=gpu, but",
            marks=pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA"),
        ),
    ],
    ids=[
        "max_steps-0",
        "max_steps-negative",
        "no-step-or-time-limit",
        "batch_size",
        "format",
        "jsonl-no-path",
        "vocab",
        "position_scale",
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
    line = error_line(result)
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
            "train.py",
            ["model=tiny", ""],
            "error: an empty argument on the command line (['model=tiny', '', ",
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
        "empty-argument",
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
    line = error_line(result)
    assert line.startswith(message.format(file=file)), line
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing written


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


def test_over_the_cap_fails_fast_with_the_cap_message(tmp_path):
    result = run_script(
        "train.py", "model=tiny", "model.n_layer=40", f"paths.log_dir={tmp_path}", "logger=csv"
    )
    assert result.returncode == 2
    assert "8,104,064 parameters, over the cap of 2,000,000" in result.stderr
    assert "n_layer=40" in result.stderr
    assert list((tmp_path / "train" / "runs").iterdir()) == []  # the run never started


def test_eval_on_a_missing_checkpoint(tmp_path):
    result = run_script("eval.py", f"ckpt={tmp_path}/nope.ckpt", f"paths.log_dir={tmp_path}")
    assert result.returncode == 2
    assert f"checkpoint not found: {tmp_path}/nope.ckpt" in result.stderr
