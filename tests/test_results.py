"""results.json: RunResult writes today's file to the byte and reads back what it wrote."""

import json

import pytest

from tinythink.results import (
    ACC_FAMILY,
    ACC_STEPS,
    HANDWRITTEN_ANSWER_ACC,
    OOD_ANSWER_ACC,
    TEST_ANSWER_ACC,
    VAL_ANSWER_ACC,
    VAL_LOSS,
    RunResult,
    metric,
)

# A finished run's results.json as train.py wrote it (python train.py debug=fast
# model=micro model.d_model=16 ..., 4 steps), with most metrics left out.
FINISHED = """\
{
  "data_format": "cot",
  "metrics": {
    "handwritten/answer_acc": 0.0,
    "num_params": 14928,
    "test/acc/family_change": 0.0,
    "test/acc/steps_3plus": 0.0,
    "test/answer_acc": 0.0,
    "test/n_scored": 16.0,
    "val/answer_acc": 0.0,
    "val/loss": 6.130614757537842
  },
  "model": {
    "d_model": 16,
    "max_params": 2000000,
    "max_seq_len": 512,
    "mlp_hidden": null,
    "mlp_multiple_of": 16,
    "n_head": 2,
    "n_kv_head": null,
    "n_layer": 2,
    "norm_eps": 1e-05,
    "rope_theta": 10000.0,
    "vocab_size": 512
  },
  "num_params": 14928,
  "overrides": [
    "debug=fast",
    "model=micro",
    "model.d_model=16"
  ],
  "run_dir": "/tmp/rep/run/debug/runs/2026-11-27_07-39-05_622867",
  "seed": 1234,
  "status": "finished",
  "wall_time_s": 7.4
}
"""

BASE = {"overrides": ["model.n_layer=90"], "run_dir": "logs/x/0", "seed": None, "data_format": None}
MODEL = {"n_layer": 90, "d_model": 64, "n_head": 2, "mlp_hidden": None}
# The other shapes train.py writes: a key is there only once its step was reached.
OTHERS = {
    "config error": {**BASE, "status": "failed", "error": "ConfigError: bad"},
    "skipped": {**BASE, "model": MODEL, "status": "skipped", "reason": "over the cap"},
    "crashed": {
        **BASE,
        "model": MODEL,
        "num_params": 10,
        "status": "failed",
        "error": "RuntimeError: boom",
        "traceback": "Traceback ...",
        "wall_time_s": 0.5,
    },
    "interrupted": {
        **BASE,
        "model": MODEL,
        "num_params": 10,
        "status": "interrupted",
        "step": 40,
        "checkpoint": "logs/x/0/checkpoints/last.ckpt",
        "wall_time_s": 3.0,
    },
}


def test_a_finished_run_is_written_as_train_py_writes_it_and_read_back_equal(tmp_path):
    result = RunResult.read(_file(tmp_path / "old", FINISHED))
    assert result.status == "finished" and result.metric(VAL_LOSS) == pytest.approx(6.1306, 1e-4)
    path = result.write(tmp_path / "new")
    assert path == tmp_path / "new" / "results.json"
    assert path.read_text() == FINISHED
    assert RunResult.read(path) == result


@pytest.mark.parametrize("name", OTHERS)
def test_every_status_round_trips_to_the_same_text(tmp_path, name):
    today = json.dumps(OTHERS[name], indent=2, sort_keys=True) + "\n"  # atomic_write_json
    result = RunResult.read(_file(tmp_path, today))
    assert result == RunResult(**OTHERS[name])
    assert result.write(tmp_path).read_text() == today
    assert RunResult.read(tmp_path / "results.json") == result


def test_older_files_lack_keys_and_newer_ones_have_keys_it_ignores(tmp_path):
    old = RunResult.read(_file(tmp_path, '{"status": "finished", "extra": 1}'))
    assert old == RunResult(status="finished")
    assert old.overrides == [] and old.metric(VAL_ANSWER_ACC) is None
    with pytest.raises(ValueError, match="not an object"):
        RunResult.read(_file(tmp_path, "[1, 2]"))


def test_metric_names_are_the_logged_ones():
    assert (VAL_ANSWER_ACC, VAL_LOSS) == ("val/answer_acc", "val/loss")
    assert (TEST_ANSWER_ACC, OOD_ANSWER_ACC) == ("test/answer_acc", "ood/answer_acc")
    assert HANDWRITTEN_ANSWER_ACC == "handwritten/answer_acc"
    assert metric("test", ACC_STEPS + "3plus") == "test/acc/steps_3plus"
    assert metric("ood", ACC_FAMILY + "change") == "ood/acc/family_change"


def _file(directory, text):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "results.json").write_text(text)
    return directory / "results.json"
