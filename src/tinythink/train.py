"""``python train.py``: compose the config, build everything with ``instantiate``, fit, test.

A short linear pipeline; each step lives in its own module. The result of
every job (finished, skipped over the cap, or failed) is written to
``<run_dir>/results.json`` so sweeps can be summarised whatever launcher ran them.
"""

from __future__ import annotations

import csv
import logging
import secrets
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

import hydra
import lightning as L
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.errors import InstantiationException
from hydra.types import RunMode
from hydra.utils import instantiate
from lightning.pytorch.callbacks import LearningRateMonitor
from lightning.pytorch.loggers import CSVLogger, WandbLogger
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import DictConfig, OmegaConf, open_dict

from tinythink.cli import CONFIG_DIR
from tinythink.data.jsonl import DataFileError, require_handwritten
from tinythink.data.tokenizer import check_vocab_size, save_tokenizer
from tinythink.devices import choose_precision
from tinythink.evaluation.checkpoint import CheckpointError, read_checkpoint
from tinythink.model import ModelConfig, ModelConfigError
from tinythink.training import resume as resume_lib
from tinythink.training.callbacks import AtomicCheckpointIO, TrainingInterrupted
from tinythink.training.loggers import finish_wandb
from tinythink.training.noise import silence_known_noise, silence_resume_noise
from tinythink.utils import atomic_write, atomic_write_json, atomic_write_text, discard_run_dir

log = logging.getLogger("tinythink")


class ConfigError(ValueError):
    """A config value that cannot work (a user mistake): one ``error:`` line, exit code 2.

    A bug in the program stays a traceback and exit code 1.
    """


def check_config(cfg: DictConfig) -> None:
    """Refuse values that make no sense before anything is built, generated or written."""
    missing = sorted(OmegaConf.missing_keys(cfg))
    if "data.path" in missing:
        raise ConfigError(
            "data=jsonl needs the file to train on: add data.path=/path/to/problems.jsonl "
            '(one {"question": ..., "answer": ...} object per line; see "Your own data" in README.md)'
        )
    if missing:
        shown = ", ".join(f"{k}=..." for k in missing)
        raise ConfigError(f"{', '.join(missing)} must be given: add {shown} to the command line")
    steps = cfg.trainer.get("max_steps")
    if not isinstance(steps, int) or isinstance(steps, bool) or steps == 0 or steps < -1:
        raise ConfigError(
            f"trainer.max_steps={steps}: a run trains a positive number of steps "
            "(or -1: no step limit, trainer.max_time ends it); "
            "set e.g. trainer.max_steps=3000 (the default)"
        )
    if "vocab_size" in cfg.data:
        try:
            check_vocab_size(int(cfg.data.vocab_size))
        except ValueError as err:
            raise ConfigError(str(err)) from None
    check_accelerator(str(cfg.trainer.get("accelerator", "auto")))


def check_accelerator(accelerator: str) -> None:
    """Refuse a device this machine does not have (Lightning would fail deep in Trainer)."""
    if accelerator in ("gpu", "cuda") and not torch.cuda.is_available():
        why = (
            "this torch is a CPU build" if torch.version.cuda is None else "no CUDA GPU is visible"
        )
        raise ConfigError(
            f"trainer.accelerator={accelerator}, but {why}; "
            "use trainer=default (the best device found) or trainer=cpu"
        )
    mps = getattr(torch.backends, "mps", None)
    if accelerator == "mps" and not (mps and mps.is_available()):
        raise ConfigError(
            "trainer.accelerator=mps, but this machine has no Apple GPU; "
            "use trainer=default (the best device found) or trainer=cpu"
        )


def _build(node: DictConfig) -> Any:
    """``instantiate`` with a constructor's ``ValueError`` (a bad value) as a ConfigError.

    Hydra wraps it in a 7-line "Error in call to target"; the constructor's own message
    already names the value and the rule.
    """
    try:
        return instantiate(node, _convert_="all")
    except InstantiationException as err:
        if isinstance(err.__cause__, ValueError):
            raise ConfigError(str(err.__cause__)) from err.__cause__
        raise


def run_name(model: DictConfig) -> str:
    """A W&B run name that shows the shape, e.g. ``L4-d192-h6``."""
    return f"L{model.n_layer}-d{model.d_model}-h{model.n_head}"


def resume_checkpoint(cfg: DictConfig) -> tuple[str | None, int]:
    """The checkpoint to continue from and its global step; ``(None, 0)`` for a fresh run.

    ``resume=true`` (or ``ckpt_path=last``) means ``<run_dir>/checkpoints/last.ckpt``
    and it must exist: resuming into the wrong directory is an error, never a silent
    fresh start. The checkpoint is read (``weights_only``) and its model config checked
    against this run's before anything is built or written.
    """
    run_dir = Path(cfg.paths.run_dir)
    ckpt_path = cfg.get("ckpt_path")
    if cfg.get("resume") or ckpt_path == "last":
        path = run_dir / "checkpoints" / "last.ckpt"
        if not path.is_file():
            raise CheckpointError(resume_lib.missing_checkpoint_message(path))
    elif ckpt_path:
        path = Path(ckpt_path)
    else:
        return None, 0
    ckpt = read_checkpoint(path)  # clear CheckpointError if missing, truncated or unsafe
    saved = (ckpt.get("hyper_parameters") or {}).get("model")
    if saved is None or "global_step" not in ckpt:
        raise CheckpointError(f"{path} is not a tinythink training checkpoint")
    wanted = ModelConfig(**OmegaConf.to_container(cfg.model, resolve=True)).to_dict()
    diff = {k: (saved.get(k), v) for k, v in wanted.items() if saved.get(k) != v}
    if diff:
        shown = ", ".join(f"{k}={a} in the checkpoint but {b} here" for k, (a, b) in diff.items())
        raise CheckpointError(
            f"{path} was trained with a different model config ({shown}); "
            "resume with the same model overrides (see config.yaml in its run dir) "
            "or start a new run"
        )
    return str(path), int(ckpt["global_step"])


def wandb_run_id(run_dir: Path) -> str:
    """The W&B run id of this run dir, created on first use: a resumed run logs into the same run."""
    path = run_dir / "wandb_run_id"
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip()
    run_id = secrets.token_hex(4)  # not `random`: the seeded RNG streams stay untouched
    if rank_zero_only.rank == 0:
        atomic_write_text(path, run_id + "\n")
    return run_id


def keep_csv_history(loggers: list[Any], before_step: int) -> None:
    """Keep the rows of metrics.csv logged before the resumed step.

    Lightning's CSV logger deletes an existing metrics.csv when it starts; rows at or
    after ``before_step`` were logged by the killed run past its checkpoint and are
    logged again now, so they are dropped.
    """
    for logger in loggers:
        if not isinstance(logger, CSVLogger):
            continue
        path = Path(logger.log_dir) / "metrics.csv"
        if not path.is_file():
            continue
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            rows = [r for r in reader if r.get("step") and int(r["step"]) < before_step]
        writer = logger.experiment  # starting the writer deletes the old file
        writer.metrics_keys = header  # later rows append under this header (or rewrite it)

        def write(tmp: Path, header=header, rows=rows) -> None:
            with open(tmp, "w", newline="", encoding="utf-8") as f:
                out = csv.DictWriter(f, fieldnames=header)
                out.writeheader()
                out.writerows(rows)

        atomic_write(path, write)


def _instantiate_all(group: DictConfig | None, **kwargs: Any) -> list[Any]:
    return [instantiate(c, **kwargs) for c in (group or {}).values() if c and "_target_" in c]


def train(cfg: DictConfig) -> dict[str, Any]:
    """Fit and test one model; returns the final metrics."""
    run_dir = Path(cfg.paths.run_dir)
    ckpt_path, resume_step = resume_checkpoint(cfg)  # errors before anything is written
    if ckpt_path:
        log.info("Resuming from %s (step %d)", ckpt_path, resume_step)
    if cfg.get("num_threads"):
        torch.set_num_threads(int(cfg.num_threads))
    # Once the loss is small, gradients and Adam's moments go subnormal, and CPU
    # arithmetic on subnormals is many times slower: flush them to zero.
    torch.set_flush_denormal(True)
    # Said in the run's log (stdout), not on stderr: a config error below is then the
    # only line there.
    L.seed_everything(cfg.seed, workers=True, verbose=False)
    log.info("Seed: %s", cfg.seed)

    # The module checks the parameter cap in its config before any weight exists.
    module = _build(cfg.module)
    datamodule = _build(cfg.data)
    # Read (or build) the data now: a bad data file fails here, before the run dir
    # gets a config, logs or checkpoints. Cached, so Lightning's own call is a no-op.
    datamodule.prepare_data()
    if cfg.get("test"):  # scored after fitting; a broken install should fail now, not then
        require_handwritten(also=", or pass test=false to skip the end-of-run scoring")
    resuming = bool(cfg.get("resume")) or cfg.get("ckpt_path") == "last"
    if not resuming or not (run_dir / "config.yaml").exists():
        # A resumed run keeps the config it was started with; what a resume changed
        # (max_time, a higher max_steps...) is in resumes.jsonl.
        atomic_write_text(run_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))
    if cfg.logger and "wandb" in cfg.logger:
        wandb_cfg = cfg.logger.wandb
        wandb_cfg.name = wandb_cfg.name or run_name(cfg.model)
        if wandb_cfg.group is None and HydraConfig.get().mode == RunMode.MULTIRUN:
            wandb_cfg.group = Path(HydraConfig.get().sweep.dir).name
        with open_dict(wandb_cfg):
            wandb_cfg.id = wandb_cfg.get("id") or wandb_run_id(run_dir)
            wandb_cfg.resume = "allow"  # the same id continues the run, online or offline
    loggers = _instantiate_all(cfg.logger)
    if ckpt_path:
        silence_resume_noise()
    if ckpt_path and rank_zero_only.rank == 0:  # under DDP only rank 0 writes logs
        keep_csv_history(loggers, resume_step)
    callbacks = _instantiate_all(cfg.callbacks)
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

    num_params = module.config.num_params
    hparams = OmegaConf.to_container(cfg, resolve=True)
    for logger in trainer.loggers:
        logger.log_hyperparams({**hparams, "num_params": num_params, "precision": precision})
    c = module.config
    log.info(
        "Model: %s parameters (cap %s): %d layers, d_model %d, %d heads; "
        "%.1f M training FLOPs per token at length %d",
        f"{num_params:,}",
        f"{cfg.model.max_params:,}",
        c.n_layer,
        c.d_model,
        c.n_head,
        module.net.flops_per_token(c.max_seq_len) / 1e6,
        c.max_seq_len,
    )

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
        wandb_run.summary["num_params"] = num_params
    metrics["num_params"] = num_params
    return metrics


def report(metrics: dict[str, Any]) -> None:
    """Print the held-out accuracy, the figure the run exists for."""
    lines = ["", "Held-out answer accuracy (greedy, exact match):"]
    for split in ("val", "test", "ood", "handwritten"):
        if f"{split}/answer_acc" in metrics:
            line = f"  {split:<11} {metrics[f'{split}/answer_acc']:7.1%}"
            if f"{split}/n_scored" in metrics:
                line += f"  ({int(metrics[f'{split}/n_scored']):,} problems)"
            lines.append(line)
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
        check_config(cfg)
    except ConfigError as err:
        if multirun:  # a sweep records the point and goes on
            result.update(status="failed", error=f"{type(err).__name__}: {err}")
            atomic_write_json(run_dir / "results.json", result)
            log.error("Job failed: %s", err)
            return result
        print(f"error: {err}", file=sys.stderr, flush=True)
        discard_run_dir(run_dir)  # the run never started: no empty run among the real ones
        sys.exit(2)
    try:
        # Refuse shapes over the cap (or with bad heads) before anything is built.
        model = OmegaConf.to_container(cfg.model, resolve=True)
        result["model"] = model  # the shape, for sweep reports (presets aren't in overrides)
        num_params = ModelConfig(**model).num_params
        result["num_params"] = num_params
        _, step = resume_checkpoint(
            cfg
        )  # a missing, corrupt or mismatched checkpoint: nothing written
        plan = resume_lib.PLAN
        if plan is not None and plan.run_dir == run_dir.resolve():
            result["overrides"] = plan.original  # the run's, not this command line's
            if rank_zero_only.rank == 0:
                resume_lib.record_resume(plan, step)
            for key, (old, new) in plan.changed.items():
                log.info("Resuming with %s=%s (was %s)", key, new, old)
    except CheckpointError as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)
    except ModelConfigError as err:
        if multirun:  # a sweep records the point and goes on with the others
            result.update(status="skipped", reason=str(err))
            atomic_write_json(run_dir / "results.json", result)
            log.warning("Skipped: %s", err)
            return result
        print(f"error: {err}", file=sys.stderr, flush=True)
        discard_run_dir(run_dir)
        sys.exit(2)
    exit_code = 1
    never_started = False  # a config error found while building: the run dir goes
    try:
        metrics = train(cfg)
        result.update(status="finished", metrics=metrics)
        exit_code = 0
        return result
    except (DataFileError, ConfigError) as err:  # a user mistake: one line, exit 2
        result.update(status="failed", error=f"{type(err).__name__}: {err}")
        if multirun:
            log.error("Job failed: %s", err)
            return result
        print(f"error: {err}", file=sys.stderr, flush=True)
        exit_code, never_started = 2, True  # found before the first step
        sys.exit(2)
    except TrainingInterrupted as stop:
        result.update(status="interrupted", step=stop.step, checkpoint=str(stop.path))
        print(
            f"Stopped by {stop}.\nContinue with: {resume_lib.continue_command(run_dir)}",
            file=sys.stderr,
            flush=True,
        )
        exit_code = 128 + stop.signum
        sys.exit(exit_code)  # a sweep stops here too: the user asked to stop
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
        if never_started:
            discard_run_dir(run_dir)  # removes it only if it holds just Hydra's own files
        elif rank_zero_only.rank == 0:  # under DDP every rank runs this; one writes
            atomic_write_json(run_dir / "results.json", result)
        finish_wandb(0 if exit_code == 0 else 1)
        if exit_code == 0 and rank_zero_only.rank == 0:
            report(result["metrics"])


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="train")
def _hydra_main(cfg: DictConfig) -> float | None:
    result = _run(cfg)
    # The objective an optimising sweeper maximises; never NaN (Optuna aborts on NaN).
    acc = result.get("metrics", {}).get("val/answer_acc")
    return float(acc) if acc is not None and acc == acc else float("-inf")


def main() -> None:
    """``python train.py [overrides]``; with ``resume=true``, the run's own overrides.

    The command line is rewritten before Hydra sees it (and before Hydra writes
    anything into the run dir); Lightning's DDP workers re-run this rewritten argv.
    """
    silence_known_noise()
    try:
        sys.argv = resume_lib.plan_resume(sys.argv)
    except resume_lib.ResumeError as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)
    _hydra_main()


if __name__ == "__main__":
    main()
