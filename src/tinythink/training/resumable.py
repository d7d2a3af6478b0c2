"""Training that survives a kill: ``last.ckpt`` kept current, signals turned into a clean stop.

See docs/reliability.md. The files themselves (atomic writes, safe reads, the key
layout) belong to :mod:`tinythink.checkpoints`.
"""

from __future__ import annotations

import logging
import random
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import torch
from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.utilities.exceptions import SIGTERMException

log = logging.getLogger("tinythink")


class TrainingInterrupted(BaseException):
    """Raised after a SIGTERM / Ctrl-C once the state is saved; train.py exits with 128+signum.

    A ``BaseException`` (like ``KeyboardInterrupt``) so no ``except Exception`` swallows it.
    """

    def __init__(self, signum: int, step: int, path: Path) -> None:
        self.signum, self.step, self.path = signum, step, path
        name = signal.Signals(signum).name
        super().__init__(f"{name} at step {step}; training state saved to {path}")


def _rng_state() -> dict[str, Any]:
    """Every RNG the run draws from, as tensors and plain lists (loads with weights_only)."""
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    version, py_state, py_gauss = random.getstate()
    return {
        "torch": torch.get_rng_state(),
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, gauss],
        "python": [version, list(py_state), py_gauss],
    }


def _set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    kind, keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, gauss))
    version, py_state, py_gauss = state["python"]
    random.setstate((version, tuple(py_state), py_gauss))


class ResumableTraining(Callback):
    """Keeps ``<dirpath>/last.ckpt`` resumable: every ``every_n_steps``, at the end, and on a signal.

    - Every write is atomic (with :class:`tinythink.checkpoints.AtomicCheckpointIO` as the trainer's plugin).
    - SIGTERM (SLURM preemption, ``kill``) and the first Ctrl-C set a flag; at the end of
      the current step the state is saved and :class:`TrainingInterrupted` ends the run.
      A second Ctrl-C interrupts at once, without saving.
    - The checkpoint carries the RNG states; on resume they are restored and the train
      sampler skips the batches of the current epoch that were already trained on, so
      the resumed run sees the same batches in the same order as an uninterrupted one.
    """

    def __init__(self, dirpath: str, every_n_steps: int = 100, filename: str = "last.ckpt") -> None:
        if every_n_steps < 0:
            raise ValueError(
                f"every_n_steps must be >= 0 (0: only at the end), got {every_n_steps}"
            )
        self.path = Path(dirpath) / filename
        self.every_n_steps = every_n_steps
        self._signal: int | None = None
        self._previous: dict[int, Any] = {}
        self._rng_to_restore: dict[str, Any] | None = None
        self._saved_step = -1
        self._flush_next = False

    # --- signals ------------------------------------------------------------------------------

    def _handle(self, signum: int, frame: Any) -> None:
        first = self._signal is None
        self._signal = signum
        if signum == signal.SIGINT:
            # A second Ctrl-C gets Python's default: KeyboardInterrupt right away.
            signal.signal(
                signal.SIGINT, self._previous.get(signal.SIGINT, signal.default_int_handler)
            )
        if first:
            print(
                f"\n{signal.Signals(signum).name}: saving a checkpoint after this step "
                "(Ctrl-C again to quit without saving)",
                file=sys.stderr,
                flush=True,
            )
        previous = self._previous.get(signum)
        if signum == signal.SIGTERM and callable(previous):
            previous(signum, frame)

    def on_fit_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set from the main thread
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._previous[signum] = signal.signal(signum, self._handle)

    def teardown(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._previous.clear()

    # --- saving -------------------------------------------------------------------------------

    def _save(self, trainer: Trainer) -> None:
        trainer.save_checkpoint(self.path, weights_only=False)  # the full training state
        self._saved_step = trainer.global_step
        # Metrics buffered in loggers (CSV flushes every 100 steps) reach disk with the
        # checkpoint; this step's row is logged after this hook, so flush once more then.
        self._flush_loggers(trainer)
        self._flush_next = True

    @staticmethod
    def _flush_loggers(trainer: Trainer) -> None:
        for logger in trainer.loggers:
            logger.save()

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        if self._flush_next:
            self._flush_loggers(trainer)
            self._flush_next = False

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        step = trainer.global_step
        stop = self._signal is not None
        if trainer.world_size > 1:  # one rank got the signal: all save together, all stop
            stop = trainer.strategy.reduce_boolean_decision(stop, all=False)
        if stop or (self.every_n_steps and step % self.every_n_steps == 0):
            self._save(trainer)
        if stop:
            raise TrainingInterrupted(self._signal or signal.SIGTERM, step, self.path)

    def on_train_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        # After a NaN/inf loss train.py saves last-good.ckpt; last.ckpt keeps the last periodic save.
        if (
            trainer.global_step != self._saved_step
            and getattr(pl_module, "nonfinite_loss", None) is None
        ):
            self._save(trainer)

    def on_exception(
        self, trainer: Trainer, pl_module: LightningModule, exception: BaseException
    ) -> None:
        # Lightning's own SIGTERM check can fire between steps (e.g. during validation):
        # the training state is consistent there, so save it too.
        if isinstance(exception, SIGTERMException) and trainer.global_step != self._saved_step:
            self._save(trainer)

    # --- resuming -----------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {"rng": _rng_state()}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self._rng_to_restore = state_dict.get("rng")

    def on_train_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._saved_step = trainer.global_step
        if self._rng_to_restore is not None:
            _set_rng_state(self._rng_to_restore)
            self._rng_to_restore = None
        loader = trainer.train_dataloader
        sampler = getattr(loader, "sampler", None)
        if trainer.global_step > 0 and hasattr(sampler, "resume_at"):
            sampler.resume_at(trainer.global_step)
            log.info(
                "Resumed at step %d: epoch %d, %d batches into it",
                trainer.global_step,
                *divmod(trainer.global_step, max(1, sampler.batches_per_epoch)),
            )
        elif trainer.global_step > 0:
            log.warning(
                "Resumed at step %d, but the train sampler (%s) cannot skip to its position: "
                "the data order after resuming differs from an uninterrupted run",
                trainer.global_step,
                type(sampler).__name__,
            )
