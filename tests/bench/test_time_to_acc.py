"""bench=time_to_acc: the clock pauses for validation, and crossings are the first hits."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tests.conftest import ROOT
from tinythink.bench import time_to_acc
from tinythink.bench.time_to_acc import AccuracyClock, crossings


def test_crossings_are_the_first_validation_at_or_over_each_threshold():
    points = [
        {"step": 250, "minutes": 1.0, "val_acc": 0.5},
        {"step": 500, "minutes": 2.0, "val_acc": 0.95},
        {"step": 750, "minutes": 3.0, "val_acc": 0.93},
        {"step": 1000, "minutes": 4.0, "val_acc": 0.97},
    ]
    assert crossings(points, [0.9, 0.95, 0.98]) == {
        "0.9": {"step": 500, "minutes": 2.0},
        "0.95": {"step": 500, "minutes": 2.0},
        "0.98": None,
    }


def test_the_clock_counts_training_time_only(tmp_path, monkeypatch):
    now = iter([0.0, 60.0, 500.0, 560.0])  # train 1 min, validate, train 1 more min
    monkeypatch.setattr(time_to_acc.time, "perf_counter", lambda: next(now))
    clock = AccuracyClock(str(tmp_path / "clock.json"))
    trainer = SimpleNamespace(sanity_checking=False, global_step=10, callback_metrics={})
    trainer.callback_metrics["val/answer_acc"] = 0.25
    clock.on_train_batch_start(trainer, None, None, 0)
    clock.on_validation_start(trainer, None)
    clock.on_validation_end(trainer, None)
    clock.on_train_batch_start(trainer, None, None, 1)
    trainer.global_step, trainer.callback_metrics["val/answer_acc"] = 20, 0.5
    clock.on_validation_start(trainer, None)
    clock.on_validation_end(trainer, None)
    assert json.loads((tmp_path / "clock.json").read_text()) == [
        {"step": 10, "minutes": 1.0, "val_acc": 0.25},
        {"step": 20, "minutes": 2.0, "val_acc": 0.5},
    ]


@pytest.mark.slow
def test_cli_trains_each_seed_and_reports_its_clock(tmp_path):
    """As a user runs it, with the debug=fast recipe so it takes seconds per seed."""
    result = subprocess.run(
        [
            sys.executable, "-m", "tinythink.bench", "bench=time_to_acc",
            f"paths.log_dir={tmp_path}", "bench.time_to_acc.seeds=[0,1]",
            "bench.time_to_acc.val_every=5",
            "bench.time_to_acc.overrides=['debug=fast','logger=none','test=false']",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = (tmp_path / "bench").iterdir()
    report = json.loads((run / "time_to_acc.json").read_text())
    assert list(report["seeds"]) == ["0", "1"]
    for seed in report["seeds"].values():
        assert [p["step"] for p in seed["points"]] == [5, 10]  # debug=fast: 10 steps
        assert all(0 <= p["val_acc"] <= 1 and p["minutes"] > 0 for p in seed["points"])
        assert set(seed["crossings"]) == {"0.9", "0.95", "0.98"}
    assert "| seed |" in result.stdout and "worst seed to 90%" in result.stdout
