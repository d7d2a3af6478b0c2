"""The RL stage's LightningModule: sample groups, reward them, take a GRPO step.

Everything but the training step is :class:`TrainingModule`'s: the model, the
optimizer and schedule (``module.optim``), validation and test scoring, the
checkpoint contents. So an RL checkpoint is an ordinary tinythink checkpoint that
``eval.py``, ``generate.py`` and ``export.py`` take as they are.
"""

from __future__ import annotations

import copy
import logging
import time
from typing import Any

import torch
from lightning.pytorch.utilities import rank_zero_only

from tinythink.data.tokenizer import EOS, PAD
from tinythink.evaluation.scoring import Attempt
from tinythink.model import TinyThinkLM
from tinythink.rl.grpo import group_advantages, pass_at_k, policy_loss, token_logprobs
from tinythink.rl.rollout import Rollout, sample_groups, update_batch
from tinythink.training.config_checks import ConfigError
from tinythink.training.module import TrainingModule

log = logging.getLogger("tinythink")


def check_rl(rl: dict[str, Any]) -> dict[str, Any]:
    """Refuse settings GRPO cannot run with; returns a plain dict."""
    rl = dict(rl)
    if isinstance(rl["group_size"], bool) or not isinstance(rl["group_size"], int):
        raise ValueError(f"module.rl.group_size must be an integer, got {rl['group_size']!r}")
    if rl["group_size"] < 2:
        raise ValueError(
            f"module.rl.group_size={rl['group_size']}: the baseline is the group's mean "
            "reward, so a group needs at least 2 samples; e.g. module.rl.group_size=8"
        )
    if not rl["temperature"] > 0:
        raise ValueError(
            f"module.rl.temperature={rl['temperature']}: sampling needs a temperature "
            "above 0 (greedy samples would all be the same); e.g. 1.0"
        )
    for name in ("clip", "kl_coef", "format_weight"):
        if not rl[name] >= 0:
            raise ValueError(f"module.rl.{name} must be >= 0, got {rl[name]}")
    for name in ("max_new_tokens", "val_pass_problems"):
        if isinstance(rl[name], bool) or not isinstance(rl[name], int) or rl[name] < 1:
            raise ValueError(f"module.rl.{name} must be a positive integer, got {rl[name]!r}")
    return rl


class RLModule(TrainingModule):
    """GRPO on a policy that starts from ``init_from`` (``conf/module/rl.yaml``).

    ``rl``: ``group_size`` samples per problem, sampled at ``temperature`` with at
    most ``max_new_tokens``; reward 1 for the right answer plus ``format_weight`` for
    a well-formed completion; ``clip`` of the probability ratio; ``kl_coef`` of the
    penalty towards the starting model (the KL is logged either way);
    ``normalize_std`` divides advantages by the group's spread (off: Dr. GRPO);
    ``val_pass_problems`` val problems get pass@group_size at each validation;
    ``seed`` seeds each step's sampling (with the step, so a resumed run samples
    exactly what an uninterrupted one would).
    """

    def __init__(
        self,
        model: dict[str, Any],
        optim: dict[str, Any],
        eval: dict[str, Any],
        compile: bool,
        init_from: str | None,
        position_scale: list[float] | None,
        rl: dict[str, Any],
    ) -> None:
        if not init_from:
            raise ValueError(
                "the RL stage improves a trained model: add init_from=PATH (a .ckpt written "
                "by train.py, or an exported folder such as models/tinythink-tiny)"
            )
        rl = check_rl(rl)
        if position_scale is not None:
            raise ValueError(
                f"module.position_scale must be null in the RL stage (its samples are "
                f"generated and scored at plain positions), got {position_scale!r}"
            )
        super().__init__(
            model=model,
            optim=optim,
            eval=eval,
            compile=compile,
            init_from=init_from,
            position_scale=position_scale,
        )
        self.hparams["rl"] = rl
        # The starting model, frozen: the KL is measured against it. Kept outside the
        # module's children so checkpoints hold only the policy.
        reference = copy.deepcopy(self.net).requires_grad_(False).eval()
        object.__setattr__(self, "_reference", reference)
        self.last_rollout: Rollout | None = None
        self._step_tokens = 0

    @property
    def reference(self) -> TinyThinkLM:
        return self._reference

    # --- choosing problems ------------------------------------------------------------------

    def on_fit_start(self) -> None:
        self.reference.to(self.device)
        dm = self.trainer.datamodule
        if dm.chosen is not None:  # resumed: measured when the run started
            return
        if dm.rl["keep"] == "all":  # nothing to choose: no need to measure
            try:
                dm.choose_all()
            except ValueError as err:
                raise ConfigError(str(err)) from None
            log.info("RL: training on all %d candidates (data.rl.keep=all)", len(dm.candidates))
            self._log_now({f"select/{k}": v for k, v in dm.selection.items()})
            return
        samples = dm.rl["select_samples"]
        started = time.perf_counter()
        rollout = self._sample(dm.candidates, samples, purpose=1)
        right = rollout.correct.sum(dim=1).tolist()
        try:
            found = dm.choose(right, samples)
        except ValueError as err:
            raise ConfigError(str(err)) from None
        found[f"pass_at_{samples}"] = sum(r > 0 for r in right) / max(1, len(right))
        log.info(
            "RL: measured %d candidates x %d samples in %.0f s: solved every time %.0f %%, "
            "never %.0f %%; training on %d (data.rl.keep=%s)",
            len(right),
            samples,
            time.perf_counter() - started,
            100 * found["always"],
            100 * found["never"],
            found["kept"],
            dm.rl["keep"],
        )
        self._log_now({f"select/{k}": v for k, v in found.items()})

    @rank_zero_only
    def _log_now(self, metrics: dict[str, float]) -> None:
        """Metrics from a hook where ``self.log`` is not allowed (before the first step)."""
        for logger in self.loggers:
            logger.log_metrics(metrics, step=self.global_step)

    # --- sampling ---------------------------------------------------------------------------

    def _sample(self, problems: list, k: int, purpose: int = 0) -> Rollout:
        rl = self.hparams.rl
        generator = torch.Generator(device=self.device)
        # One stream per (seed, step, purpose: 0 train, 1 selection, 2 validation): a
        # resumed run samples at step s exactly what an uninterrupted one did.
        generator.manual_seed(rl["seed"] * 1_000_003 + self.global_step * 3 + purpose)
        return sample_groups(
            self.net,
            self.trainer.datamodule.tokenizer,
            problems,
            k,
            temperature=rl["temperature"],
            max_new_tokens=min(rl["max_new_tokens"], self.config.max_seq_len),
            format_weight=rl["format_weight"],
            generator=generator,
            batch_size=self.hparams.eval["batch_size"] * 2,
        )

    # --- training ---------------------------------------------------------------------------

    def training_step(self, batch: list, batch_idx: int) -> torch.Tensor | None:
        rl = self.hparams.rl
        k = rl["group_size"]
        rollout = self._sample(batch, k)
        self.last_rollout = rollout
        advantages = group_advantages(rollout.rewards, rl["normalize_std"]).flatten()
        # Only completions with an advantage move the policy gradient; with a KL
        # penalty the others still pull towards the reference.
        rows = [i for i, a in enumerate(advantages.tolist()) if a != 0 or rl["kl_coef"] > 0]
        self._log_rollout(rollout, len(rows))
        if not rows:
            # Every group agreed: nothing to learn from this step. A zero loss keeps
            # the step count (and with it the schedule and the sampling seeds) in line.
            return self.net.lm_head.weight.sum() * 0.0
        tok = self.trainer.datamodule.tokenizer
        tokens, mask = update_batch(
            rollout, rows, tok.token_to_id(EOS), tok.token_to_id(PAD), self.device
        )
        self._step_tokens = tokens.numel()
        logprobs = token_logprobs(self._forward_for_loss(tokens), tokens)
        with torch.no_grad():
            ref_logprobs = token_logprobs(self.reference(tokens), tokens)
        parts = policy_loss(
            logprobs,
            logprobs.detach(),  # one update per rollout: the sampling policy is this one
            advantages[rows].to(self.device),
            mask,
            clip=rl["clip"],
            ref_logprobs=ref_logprobs,
            kl_coef=rl["kl_coef"],
            tokens_norm=rl["max_new_tokens"],
        )
        if not torch.isfinite(parts.loss):
            self.nonfinite_loss = (self.global_step, float(parts.loss.detach()))
            self.trainer.should_stop = True
            return None
        self.log("train/loss", parts.loss)
        self.log("rl/kl", parts.kl)
        return parts.loss

    def _log_rollout(self, rollout: Rollout, rows: int) -> None:
        k = rollout.k
        right = rollout.correct.sum(dim=1).tolist()
        self.log("rl/reward", rollout.rewards.mean(), prog_bar=True)
        self.log("rl/sample_acc", rollout.correct.float().mean())
        self.log(f"rl/pass_at_{k}", sum(pass_at_k(k, r, k) for r in right) / len(right))
        self.log("rl/well_formed", rollout.formatted.float().mean())
        self.log("rl/completion_tokens", rollout.lengths().mean())
        self.log("rl/cut_off", 1.0 - sum(rollout.ended) / len(rollout.ended))
        self.log("rl/groups_with_signal", sum(0 < r < k for r in right) / len(right))
        self.log("rl/updated_samples", float(rows))

    def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
        elapsed = time.perf_counter() - self._step_started
        self.log("train/step_seconds", elapsed)
        self._tokens_seen += self._step_tokens
        self.log("train/tokens_seen", float(self._tokens_seen))

    # --- validation -------------------------------------------------------------------------

    def on_validation_epoch_end(self) -> None:
        super().on_validation_epoch_end()  # val/answer_acc: greedy on the fixed val slice
        if self.trainer.sanity_checking:
            return
        rl, k = self.hparams.rl, self.hparams.rl["group_size"]
        problems = self.trainer.datamodule.eval_problems("val")[: rl["val_pass_problems"]]
        rollout = self._sample(problems, k, purpose=2)
        right = rollout.correct.sum(dim=1).tolist()
        self.log(f"val/pass_at_{k}", sum(pass_at_k(k, r, k) for r in right) / len(right))
        self.log("val/sample_acc", rollout.correct.float().mean())
        # The samples table shows what the policy thinks when it samples, not greedy.
        latest = self.last_rollout or rollout
        self.samples = _one_per_problem(latest)[: self.hparams.eval["n_samples_logged"]]


def _one_per_problem(rollout: Rollout) -> list[Attempt]:
    """The first sample of each problem, so the table spans problems rather than one group."""
    attempts = rollout.attempts()
    return attempts[:: rollout.k]
