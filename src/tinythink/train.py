"""``python train.py``: compose the config, build everything with ``instantiate``, fit, test.

A short linear pipeline; each step lives in its own module. The result of
every job (finished, skipped over the cap, or failed) is written to
``<run_dir>/results.json`` so sweeps can be summarised whatever launcher ran them.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import hydra
import lightning as L
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from hydra.utils import instantiate
from lightning.pytorch.callbacks import LearningRateMonitor
from lightning.pytorch.loggers import WandbLogger
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import DictConfig, OmegaConf

from tinythink.data.tokenizer import save_tokenizer
from tinythink.model import ModelConfig, ModelConfigError
from tinythink.training.loggers import finish_wandb
from tinythink.utils import atomic_write_json, atomic_write_text

log = logging.getLogger("tinythink")

CONFIG_DIR = str(Path(__file__).resolve().parents[2] / "conf")


def cpu_has_fast_bf16() -> bool:
    """AMX or AVX-512 BF16: bf16 matmuls then run ~2x faster than fp32 on the CPU."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(f in flags for f in ("amx_bf16", "avx512_bf16"))


def choose_precision(requested: str, accelerator: str) -> str:
    """Resolve ``trainer.precision=auto`` to the fastest precision this machine runs well."""
    if requested != "auto":
        return requested
    if accelerator in ("gpu", "cuda", "auto") and torch.cuda.is_available():
        return "bf16-mixed" if torch.cuda.is_bf16_supported() else "16-mixed"
    return "bf16-mixed" if cpu_has_fast_bf16() else "32-true"


def run_name(model: DictConfig) -> str:
    """A W&B run name that shows the shape, e.g. ``L4-d192-h6``."""
    return f"L{model.n_layer}-d{model.d_model}-h{model.n_head}"


def _instantiate_all(group: DictConfig | None, **kwargs: Any) -> list[Any]:
    return [instantiate(c, **kwargs) for c in (group or {}).values() if c and "_target_" in c]


def train(cfg: DictConfig) -> dict[str, Any]:
    """Fit and test one model; returns the final metrics."""
    run_dir = Path(cfg.paths.run_dir)
    atomic_write_text(run_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))
    if cfg.get("num_threads"):
        torch.set_num_threads(int(cfg.num_threads))
    # Once the loss is small, gradients and Adam's moments go subnormal, and CPU
    # arithmetic on subnormals is many times slower: flush them to zero.
    torch.set_flush_denormal(True)
    L.seed_everything(cfg.seed, workers=True)

    # The module checks the parameter cap in its config before any weight exists.
    module = instantiate(cfg.module, _convert_="all")
    datamodule = instantiate(cfg.data, _convert_="all")
    if cfg.logger and "wandb" in cfg.logger:
        wandb_cfg = cfg.logger.wandb
        wandb_cfg.name = wandb_cfg.name or run_name(cfg.model)
        if wandb_cfg.group is None and HydraConfig.get().mode == RunMode.MULTIRUN:
            wandb_cfg.group = Path(HydraConfig.get().sweep.dir).name
    loggers = _instantiate_all(cfg.logger)
    callbacks = _instantiate_all(cfg.callbacks)
    if not loggers:  # logger=none: nothing to monitor the learning rate into
        callbacks = [c for c in callbacks if not isinstance(c, LearningRateMonitor)]
    precision = choose_precision(str(cfg.trainer.precision), str(cfg.trainer.accelerator))
    log.info("Precision: %s (trainer.precision=%s)", precision, cfg.trainer.precision)
    trainer = instantiate(
        cfg.trainer, logger=loggers or False, callbacks=callbacks, precision=precision
    )

    num_params = module.config.num_params
    hparams = OmegaConf.to_container(cfg, resolve=True)
    for logger in trainer.loggers:
        logger.log_hyperparams({**hparams, "num_params": num_params, "precision": precision})
    log.info("Model: %s parameters (cap %s)", f"{num_params:,}", f"{cfg.model.max_params:,}")

    ckpt_path = cfg.get("ckpt_path")
    if ckpt_path == "last":
        last = run_dir / "checkpoints" / "last.ckpt"
        ckpt_path = str(last) if last.exists() else None
    trainer.fit(module, datamodule=datamodule, ckpt_path=ckpt_path)
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
        wandb_run.summary["num_params"] = num_params
    metrics["num_params"] = num_params
    return metrics


def report(metrics: dict[str, Any]) -> None:
    """Print the held-out accuracy, the figure the run exists for."""
    lines = ["", "Held-out answer accuracy (greedy, exact match):"]
    for split in ("val", "test", "ood"):
        if f"{split}/answer_acc" in metrics:
            lines.append(f"  {split:<5} {metrics[f'{split}/answer_acc']:7.1%}")
    by_steps = sorted(k for k in metrics if k.startswith("test/acc/steps_"))
    if by_steps:
        parts = [f"{k.rsplit('_', 1)[1]}: {metrics[k]:.0%}" for k in by_steps]
        lines.append("  test by steps  " + ", ".join(parts))
    print("\n".join(lines), flush=True)


def _run(cfg: DictConfig) -> dict[str, Any]:
    run_dir = Path(cfg.paths.run_dir)
    multirun = HydraConfig.get().mode == RunMode.MULTIRUN
    result: dict[str, Any] = {
        "overrides": list(HydraConfig.get().overrides.task),
        "run_dir": str(run_dir),
        "seed": cfg.get("seed"),
        "data_format": cfg.data.get("format"),
    }
    started = time.time()
    try:
        # Refuse shapes over the cap (or with bad heads) before anything is built.
        model = OmegaConf.to_container(cfg.model, resolve=True)
        result["model"] = model  # the shape, for sweep reports (presets aren't in overrides)
        num_params = ModelConfig(**model).num_params
        result["num_params"] = num_params
    except ModelConfigError as err:
        result.update(status="skipped", reason=str(err))
        atomic_write_json(run_dir / "results.json", result)
        if multirun:  # a sweep goes on with its other points
            log.warning("Skipped: %s", err)
            return result
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)
    exit_code = 1
    try:
        metrics = train(cfg)
        result.update(status="finished", metrics=metrics)
        exit_code = 0
        return result
    except Exception as err:
        result.update(
            status="failed", error=f"{type(err).__name__}: {err}", traceback=traceback.format_exc()
        )
        if not multirun:
            raise
        # In a sweep, record the failure and let the other points run (Hydra would
        # otherwise end the sweep with exit 1 and skip its end-of-sweep callbacks).
        log.error("Job failed: %s\n%s", err, result["traceback"])
        return result
    finally:
        result["wall_time_s"] = round(time.time() - started, 1)
        if rank_zero_only.rank == 0:  # under DDP every rank runs this; one writes
            atomic_write_json(run_dir / "results.json", result)
        finish_wandb(exit_code)
        if exit_code == 0 and rank_zero_only.rank == 0:
            report(result["metrics"])


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="train")
def main(cfg: DictConfig) -> float | None:
    result = _run(cfg)
    # The objective an optimising sweeper maximises; never NaN (Optuna aborts on NaN).
    acc = result.get("metrics", {}).get("val/answer_acc")
    return float(acc) if acc is not None and acc == acc else float("-inf")


if __name__ == "__main__":
    main()
