"""Callbacks: a progress bar that suits the terminal, and a table of the model's answers."""

from __future__ import annotations

import sys
import time

from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.callbacks import ProgressBar, RichProgressBar
from lightning.pytorch.loggers import TensorBoardLogger, WandbLogger

from tinythink.data.problem import split_thinking


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
        loss = trainer.callback_metrics.get("train/loss")
        loss_text = f"loss {float(loss):.4f}  " if loss is not None else ""
        print(
            f"step {step}/{total}  {loss_text}{elapsed / 60:.1f} min, ~{left / 60:.1f} min left",
            flush=True,
        )

    def on_validation_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        acc = trainer.callback_metrics.get("val/answer_acc")
        if (
            self._enabled
            and trainer.is_global_zero
            and acc is not None
            and not trainer.sanity_checking
        ):
            loss = float(trainer.callback_metrics.get("val/loss", float("nan")))
            print(
                f"step {trainer.global_step}  val/loss {loss:.4f}  val/answer_acc {float(acc):.1%}",
                flush=True,
            )


class SamplesTable(Callback):
    """After each validation: question, thinking, answer, expected, right? -- on W&B or TensorBoard."""

    COLUMNS = ("step", "question", "thinking", "predicted", "expected", "correct")

    def on_validation_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        samples = getattr(pl_module, "samples", None)
        if trainer.sanity_checking or not samples or not trainer.is_global_zero:
            return
        rows = []
        for a in samples:
            thinking, _ = split_thinking(a.completion)
            rows.append(
                [
                    trainer.global_step,
                    a.problem.question,
                    thinking,
                    a.predicted,
                    a.problem.answer,
                    a.correct,
                ]
            )
        for logger in trainer.loggers:
            if isinstance(logger, WandbLogger):
                # Predicted answers may be None (no "Answer:"): W&B wants one type per column.
                data = [[*r[:3], "" if r[3] is None else str(r[3]), *r[4:]] for r in rows]
                logger.log_table("val/samples", columns=list(self.COLUMNS), data=data)
            elif isinstance(logger, TensorBoardLogger):
                lines = ["| " + " | ".join(self.COLUMNS[1:]) + " |", "|" + "---|" * 5]
                lines += ["| " + " | ".join(str(c) for c in r[1:]) + " |" for r in rows]
                logger.experiment.add_text("val/samples", "\n".join(lines), trainer.global_step)
