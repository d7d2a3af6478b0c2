"""The progress display: a rich bar on a terminal, plain lines on a pipe (CI, nohup)."""

from __future__ import annotations

import math
import sys
import time

from lightning.pytorch import LightningModule, Trainer
from lightning.pytorch.callbacks import ProgressBar, RichProgressBar, Timer

from tinythink.results import VAL_ANSWER_ACC, VAL_LOSS


def progress_bar(refresh_rate: int = 1, log_every_n_steps: int = 100) -> ProgressBar:
    """A rich bar on a terminal; plain lines every ``log_every_n_steps`` on a pipe (CI, nohup).

    A redrawing bar written to a file floods it with a line per refresh.
    """
    if sys.stdout.isatty():
        return RichProgressBar(refresh_rate=refresh_rate, leave=True)
    return LineProgress(log_every_n_steps)


class LineProgress(ProgressBar):
    """One line per ``every`` steps: step, loss, elapsed time and time left; val accuracy."""

    def __init__(self, every: int = 100) -> None:
        super().__init__()
        self.every = every
        self._enabled = True
        self._started = 0.0

    def disable(self) -> None:
        self._enabled = False

    def enable(self) -> None:
        self._enabled = True

    def on_train_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._started = time.perf_counter()

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        step = trainer.global_step
        if not (self._enabled and trainer.is_global_zero and step % self.every == 0):
            return
        elapsed = time.perf_counter() - self._started
        total = trainer.max_steps if trainer.max_steps > 0 else trainer.estimated_stepping_batches
        left = elapsed / max(step, 1) * max(total - step, 0)
        of_total = f"/{total}" if math.isfinite(total) else ""
        timer = next((c for c in trainer.callbacks if isinstance(c, Timer)), None)
        budget = timer.time_remaining() if timer is not None else None
        if budget is not None and budget < left:  # trainer.max_time ends the run first
            left, of_total = max(budget, 0.0), f"{of_total} (time budget)"
        loss = trainer.callback_metrics.get("train/loss")
        loss_text = f"loss {float(loss):.4f}  " if loss is not None else ""
        print(
            f"step {step}{of_total}  {loss_text}{elapsed / 60:.1f} min, ~{left / 60:.1f} min left",
            flush=True,
        )

    def on_validation_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        acc = trainer.callback_metrics.get(VAL_ANSWER_ACC)
        if (
            self._enabled
            and trainer.is_global_zero
            and acc is not None
            and not trainer.sanity_checking
        ):
            loss = float(trainer.callback_metrics.get(VAL_LOSS, float("nan")))
            print(
                f"step {trainer.global_step}  val/loss {loss:.4f}  val/answer_acc {float(acc):.1%}",
                flush=True,
            )
