"""``python train.py``: build everything from the config with ``instantiate``, fit, test.

The recipe reads top to bottom; what happens when it cannot run (a bad value, a kill,
a bug, a point of a sweep) is :mod:`tinythink.training.job`.
"""

from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path
from typing import Any

import hydra
import lightning as L
import torch
from hydra.utils import instantiate
from lightning.pytorch.callbacks import LearningRateMonitor
from lightning.pytorch.loggers import WandbLogger
from omegaconf import DictConfig, OmegaConf

from tinythink.checkpoints import AtomicCheckpointIO, check_same_vocab, resume_point
from tinythink.cli import CONFIG_DIR
from tinythink.data.jsonl import require_handwritten
from tinythink.data.tokenizer import save_tokenizer
from tinythink.devices import choose_precision
from tinythink.results import OBJECTIVE
from tinythink.training import resume_command
from tinythink.training.config_checks import ConfigError, build
from tinythink.training.job import run_job
from tinythink.training.loggers import build_loggers
from tinythink.training.noise import silence_known_noise, silence_resume_noise
from tinythink.utils import atomic_write_text

log = logging.getLogger("tinythink")


def train(cfg: DictConfig) -> dict[str, Any]:
    """Fit and test one model; returns the final metrics."""
    run_dir = Path(cfg.paths.run_dir)
    ckpt_path, resume_step = resume_point(cfg)  # errors before anything is written
    if ckpt_path:
        log.info("Resuming from %s (step %d)", ckpt_path, resume_step)
        silence_resume_noise()
    if cfg.get("num_threads"):
        torch.set_num_threads(int(cfg.num_threads))
    # Once the loss is small, gradients and Adam's moments go subnormal, and CPU
    # arithmetic on subnormals is many times slower: flush them to zero.
    torch.set_flush_denormal(True)
    # Said in the run's log (stdout): a config error below is then the only line on stderr.
    L.seed_everything(cfg.seed, workers=True, verbose=False)
    log.info("Seed: %s", cfg.seed)

    module = build(cfg.module)  # the model config checks the parameter cap first
    datamodule = build(cfg.data)
    # A bad data file fails here, before the run dir gets a config, logs or checkpoints.
    datamodule.prepare_data()  # cached: Lightning's own call is then a no-op
    if module.initial_tokenizer is not None:  # init_from: the data must use its token ids
        try:
            check_same_vocab(
                cfg.init_from, datamodule.split_cache.read_tokenizer(), module.initial_tokenizer
            )
        except ValueError as err:
            raise ConfigError(str(err)) from None
    if cfg.get("test"):  # scored after fitting; a broken install should fail now, not then
        require_handwritten(also=", or pass test=false to skip the end-of-run scoring")
    resuming = bool(cfg.get("resume")) or cfg.get("ckpt_path") == "last"
    if not resuming or not (run_dir / "config.yaml").exists():
        # A resumed run keeps the config it was started with; resumes.jsonl has the changes.
        atomic_write_text(run_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))

    loggers = build_loggers(cfg, resume_step if ckpt_path else None)
    callbacks = [instantiate(c) for c in (cfg.callbacks or {}).values() if c and "_target_" in c]
    if not loggers:  # logger=none: nothing to monitor the learning rate into
        callbacks = [c for c in callbacks if not isinstance(c, LearningRateMonitor)]
    precision = choose_precision(str(cfg.trainer.precision), str(cfg.trainer.accelerator))
    log.info("Precision: %s (trainer.precision=%s)", precision, cfg.trainer.precision)
    trainer = instantiate(
        cfg.trainer,
        logger=loggers or False,
        callbacks=callbacks,
        precision=precision,
        plugins=[AtomicCheckpointIO()],  # a kill mid-save never truncates a checkpoint
    )
    c = module.config
    for logger in trainer.loggers:
        hparams = OmegaConf.to_container(cfg, resolve=True)
        logger.log_hyperparams({**hparams, "num_params": c.num_params, "precision": precision})
    log.info("Model: %s", module.describe())

    # Lightning warns that a mid-epoch resume replays the epoch's data; our train
    # sampler skips what was trained on (ResumableTraining tells it where to start).
    warnings.filterwarnings("ignore", message=r".*your dataloader is not resumable")
    trainer.fit(module, datamodule=datamodule, ckpt_path=ckpt_path, weights_only=True)
    if trainer.is_global_zero and datamodule.tokenizer is not None:
        # Also inside every checkpoint; this copy is for other tools.
        save_tokenizer(datamodule.tokenizer, run_dir / "checkpoints" / "tokenizer.json")
    if module.nonfinite_loss is not None:
        step, value = module.nonfinite_loss
        good = run_dir / "checkpoints" / "last-good.ckpt"
        trainer.save_checkpoint(good)
        raise FloatingPointError(
            f"training loss became {value} at step {step}; stopped before applying it. "
            f"The last good weights are in {good}. Try a lower module.optim.lr, "
            f"trainer.gradient_clip_val, or trainer.precision=32-true."
        )
    metrics = {k: float(v) for k, v in trainer.callback_metrics.items()}

    if cfg.get("test"):
        best = trainer.checkpoint_callback.best_model_path if trainer.checkpoint_callback else ""
        trainer.test(module, datamodule=datamodule, ckpt_path=best or None, weights_only=True)
        metrics.update({k: float(v) for k, v in trainer.callback_metrics.items()})
    wandb_run = next((lg.experiment for lg in trainer.loggers if isinstance(lg, WandbLogger)), None)
    if trainer.is_global_zero and wandb_run is not None:  # other ranks hold a dummy run
        wandb_run.summary["num_params"] = c.num_params
    return {**metrics, "num_params": c.num_params}


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="train")
def _hydra_main(cfg: DictConfig) -> float:
    result = run_job(cfg, train)
    # The objective an optimising sweeper maximises; never NaN (Optuna aborts on NaN).
    acc = result.metric(OBJECTIVE)
    return float(acc) if acc is not None and acc == acc else float("-inf")


def main() -> None:
    """``python train.py [overrides]``; with ``resume=true``, the run's own overrides.

    The command line is rewritten before Hydra sees it (and before Hydra writes
    anything into the run dir); Lightning's DDP workers re-run this rewritten argv.
    """
    silence_known_noise()
    try:
        sys.argv = resume_command.plan_resume(sys.argv)
    except resume_command.ResumeError as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)
    _hydra_main()
