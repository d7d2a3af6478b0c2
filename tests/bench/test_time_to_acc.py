"""bench=time_to_acc: the clock pauses for validation, and crossings are the first hits."""

from __future__ import annotations

import json
from types import SimpleNamespace

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
