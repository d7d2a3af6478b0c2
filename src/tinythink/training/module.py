"""The LightningModule: next-token loss, the optimizer of ``optim``, answer accuracy by generation."""

from __future__ import annotations

import math
import time
from typing import Any

import torch
import torch.nn.functional as F
from lightning.pytorch import LightningModule
from lightning.pytorch.callbacks import Timer

from tinythink.checkpoints import load_initial_weights
from tinythink.data.datamodule import HANDWRITTEN
from tinythink.data.dataset import IGNORE_INDEX
from tinythink.evaluation.metrics import AnswerAccuracy
from tinythink.evaluation.scoring import Attempt, solve, summarize
from tinythink.model import ModelConfig, TinyThinkLM
from tinythink.results import ANSWER_ACC, N_SCORED, VAL_ANSWER_ACC, VAL_LOSS
from tinythink.results import metric as metric_name
from tinythink.training.optimizers import make_optimizer


def check_position_scale(value: Any) -> list[float] | None:
    """``module.position_scale``: null, or [low, high] with 0 < low <= 1 <= high."""
    if value is None:
        return None
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        low = high = float("nan")
    if not 0 < low <= 1 <= high:
        raise ValueError(
            f"module.position_scale must be null or [low, high] with 0 < low <= 1 <= high "
            f"(generation uses 1), got {value!r}; e.g. module.position_scale=[0.5,2.0]"
        )
    return [low, high]


def scaled_positions(shape: torch.Size, scale: list[float], device: torch.device) -> torch.Tensor:
    """Positions 0..T-1 of each row times its own factor, log-uniform in ``scale``.

    Under RoPE a token then sits a different number of position steps from the
    digits and numbers it must find in every row, so counting steps stops working
    and the model has to find them by what they are (docs/experiments.md, issue 15).
    Generation uses factor 1, inside the range, so exported models are unchanged.
    """
    rows, length = shape
    low, high = scale
    log_factor = torch.empty(rows, 1, device=device).uniform_(math.log(low), math.log(high))
    return torch.arange(length, device=device, dtype=torch.float32) * log_factor.exp()


class TrainingModule(LightningModule):
    """Trains :class:`TinyThinkLM` and scores held-out answers at every validation.

    Built from ``conf/module/default.yaml``, the one home of its settings.
    Hyper-parameters are plain dicts (``model``, ``optim``, ``eval``), so the
    checkpoint loads with ``torch.load(weights_only=True)``. ``init_from`` (a
    ``.ckpt`` or an exported folder) gives the starting weights instead of random ones.
    """

    def __init__(
        self,
        model: dict[str, Any],
        optim: dict[str, Any],
        eval: dict[str, Any],
        compile: bool,
        init_from: str | None,
        position_scale: list[float] | None,
    ) -> None:
        super().__init__()
        if not isinstance(compile, bool):  # a typo like `module.compile=ture` arrives as a str
            raise ValueError(f"module.compile must be true or false, got {compile!r}")
        position_scale = check_position_scale(position_scale)
        # The config checks the parameter cap before any weight exists.
        self.config = ModelConfig(**model)
        self.save_hyperparameters(
            {
                "model": self.config.to_dict(),
                "optim": dict(optim),
                "eval": dict(eval),
                "compile": compile,
                "init_from": init_from,
                "position_scale": position_scale,
            }
        )
        self.net = TinyThinkLM(self.config)
        # Start from a trained model's weights (a fresh optimizer and schedule); its
        # tokenizer is kept so train.py can check the data speaks the same ids.
        self.initial_tokenizer = load_initial_weights(self.net, init_from) if init_from else None
        self._compiled_net: torch.nn.Module | None = None  # see _forward_for_loss
        self.val_accuracy = AnswerAccuracy()
        self.samples: list[Attempt] = []  # last validation's attempts, for the samples table
        self.nonfinite_loss: tuple[int, float] | None = None  # (step, value) that stopped the run
        self._tokens_seen = 0
        self._step_started = 0.0

    def describe(self) -> str:
        """The model's size and shape in one line, for the run's log."""
        c = self.config
        flops = self.net.flops_per_token(c.max_seq_len) / 1e6
        return (
            f"{c.num_params:,} parameters (cap {c.max_params:,}): {c.n_layer} layers, "
            f"d_model {c.d_model}, {c.n_head} heads; "
            f"{flops:.1f} M training FLOPs per token at length {c.max_seq_len}"
        )

    # --- training ---------------------------------------------------------------------------

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.net(inputs)

    def _forward_for_loss(self, inputs: torch.Tensor) -> torch.Tensor:
        positions = None
        if self.training and self.hparams.position_scale is not None:
            positions = scaled_positions(inputs.shape, self.hparams.position_scale, inputs.device)
        if not self.hparams.compile:
            return self.net(inputs, position_ids=positions)
        if self._compiled_net is None:
            # Compiled on first use, after any strategy has wrapped `net`, and stored
            # past nn.Module's __setattr__ so the state_dict keeps its keys (no
            # `_orig_mod.`). Generation stays eager: its shapes change every token.
            object.__setattr__(self, "_compiled_net", torch.compile(self.net))
        return self._compiled_net(inputs, position_ids=positions)

    def _loss(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, int]:
        logits = self._forward_for_loss(batch["inputs"])  # (B, T, V)
        targets = batch["targets"]
        loss = F.cross_entropy(
            logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE_INDEX
        )
        return loss, int((targets != IGNORE_INDEX).sum())

    def on_train_batch_start(self, batch: Any, batch_idx: int) -> None:
        self._step_started = time.perf_counter()
        timer = self._timer()
        if timer is not None:
            elapsed = timer.time_elapsed()
            # rank 0's clock for every rank: their learning rates must not drift apart
            spent = elapsed / (elapsed + timer.time_remaining())
            self._time_spent = float(self.trainer.strategy.broadcast(spent))

    def _timer(self) -> Timer | None:
        """Lightning's Timer, which ends the run at ``trainer.max_time`` (None: no limit)."""
        return next(
            (
                c
                for c in self.trainer.callbacks
                if isinstance(c, Timer) and c.time_remaining() is not None
            ),
            None,
        )

    def training_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor | None:
        loss, _ = self._loss(batch)
        if not torch.isfinite(loss):
            # Stop before backward: the weights are still those of the last good step,
            # and train.py saves them (a NaN never reaches a checkpoint).
            self.nonfinite_loss = (self.global_step, float(loss.detach()))
            self.trainer.should_stop = True
            return None
        self._tokens_seen += batch["inputs"].numel()
        self.log("train/loss", loss, prog_bar=True)
        return loss

    def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
        elapsed = time.perf_counter() - self._step_started
        # Every token goes through forward and backward, padding included.
        self.log("train/tokens_per_sec", batch["inputs"].numel() / max(elapsed, 1e-9))
        self.log("train/tokens_seen", float(self._tokens_seen))

    def validation_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> None:
        loss, n = self._loss(batch)
        self.log(VAL_LOSS, loss, batch_size=n, sync_dist=True)

    def test_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> None:
        loss, n = self._loss(batch)
        self.log("test/loss", loss, batch_size=n, sync_dist=True)

    def on_validation_epoch_end(self) -> None:
        loss = self.trainer.callback_metrics.get(VAL_LOSS)
        if loss is not None:
            self.log("val/ppl", torch.exp(loss.float()), sync_dist=True)
        if self.trainer.sanity_checking:
            return
        attempts = self._score("val", self.val_accuracy)
        self.samples = attempts[: self.hparams.eval["n_samples_logged"]]
        self.log(VAL_ANSWER_ACC, self.val_accuracy.compute(), prog_bar=True)
        self.val_accuracy.reset()

    def on_test_epoch_end(self) -> None:
        loss = self.trainer.callback_metrics.get("test/loss")
        if loss is not None:
            self.log("test/ppl", torch.exp(loss.float()), sync_dist=True)
        dm = self.trainer.datamodule
        # The hand-written set is read only now, never during fit.
        for split in ("test", "ood", HANDWRITTEN):
            if split not in dm.eval_splits:
                continue
            metric = AnswerAccuracy().to(self.device)
            attempts = self._score(split, metric)
            self.log(metric_name(split, ANSWER_ACC), metric.compute())
            # Problems scored over all ranks: exactly the split's size (none twice, none lost).
            self.log(
                metric_name(split, N_SCORED), float(len(attempts)), reduce_fx="sum", sync_dist=True
            )
            if self.trainer.world_size == 1:  # breakdowns need every attempt on one rank
                for key, value in summarize(attempts).items():
                    if key.startswith("acc/"):
                        self.log(f"{split}/{key}", value)

    def _score(self, split: str, metric: AnswerAccuracy) -> list[Attempt]:
        """Generate answers for this rank's share of ``split`` and update ``metric``."""
        dm = self.trainer.datamodule
        problems = dm.eval_problems(split)
        # Each rank takes every world_size-th problem: no duplicates, none dropped.
        mine = problems[self.global_rank :: self.trainer.world_size]
        cfg = self.hparams.eval
        attempts = solve(
            self.net,
            dm.tokenizer,
            mine,
            max_new_tokens=min(cfg["max_new_tokens"], self.config.max_seq_len),
            batch_size=cfg["batch_size"],
        )
        metric.update([a.predicted for a in attempts], [a.problem.answer for a in attempts])
        return attempts

    # --- optimisation -----------------------------------------------------------------------

    def configure_optimizers(self) -> dict[str, Any]:
        total = max(1, self.trainer.estimated_stepping_batches)  # inf: max_steps=-1
        self._time_spent = 0.0
        time_used = (lambda: self._time_spent) if self._timer() is not None else None
        optimizer, scheduler = make_optimizer(self.net, self.hparams.optim, total, time_used)
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": scheduler, "interval": "step"},
        }

    # --- checkpoints ------------------------------------------------------------------------

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        # The tokenizer travels inside the checkpoint: eval/generate need nothing else.
        dm = getattr(self.trainer, "datamodule", None) if self._trainer else None
        if dm is not None and dm.tokenizer is not None:
            checkpoint["tokenizer"] = dm.tokenizer.to_str()
        checkpoint["num_params"] = self.config.num_params
        checkpoint["tokens_seen"] = self._tokens_seen

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        self._tokens_seen = int(checkpoint.get("tokens_seen", 0))
