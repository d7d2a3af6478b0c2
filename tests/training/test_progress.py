"""The plain progress lines (CI, nohup): steps, loss, and the time left by whichever budget ends first."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from lightning.pytorch.callbacks import Timer

from tinythink.training.progress import LineProgress


class _Timer(Timer):
    def __init__(self, remaining: float) -> None:
        super().__init__(duration={"seconds": 1000})
        self.remaining = remaining

    def time_remaining(self, stage: str = "train") -> float:
        return self.remaining


def _line(capsys, *, max_steps: int, callbacks: list, monkeypatch) -> str:
    progress = LineProgress(every=100)
    progress._started = 1000.0
    monkeypatch.setattr("tinythink.training.progress.time.perf_counter", lambda: 1060.0)
    trainer = SimpleNamespace(
        global_step=100, is_global_zero=True, max_steps=max_steps,
        estimated_stepping_batches=float("inf") if max_steps < 0 else max_steps,
        callback_metrics={}, callbacks=callbacks,
    )  # fmt: skip
    progress.on_train_batch_end(trainer, None, None, None, 0)
    return capsys.readouterr().out.strip()


@pytest.mark.parametrize(
    ("max_steps", "remaining", "expected"),
    [
        (1000, None, "step 100/1000  1.0 min, ~9.0 min left"),  # 60 s for 100 steps
        (1000, 120.0, "step 100/1000 (time budget)  1.0 min, ~2.0 min left"),
        (1000, 1200.0, "step 100/1000  1.0 min, ~9.0 min left"),  # the steps end it first
        (-1, 300.0, "step 100 (time budget)  1.0 min, ~5.0 min left"),
    ],
)
def test_time_left_is_the_budget_that_ends_the_run(
    capsys, monkeypatch, max_steps, remaining, expected
):
    callbacks = [] if remaining is None else [_Timer(remaining)]
    assert _line(capsys, max_steps=max_steps, callbacks=callbacks, monkeypatch=monkeypatch) == (
        expected
    )
