"""A table of the model's answers after each validation, on W&B or TensorBoard."""

from __future__ import annotations

from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.loggers import TensorBoardLogger, WandbLogger

from tinythink.data.problem import split_thinking


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
