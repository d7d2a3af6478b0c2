"""Config values that cannot work, refused before anything is built, generated or written.

A user mistake becomes a :class:`ConfigError`: one ``error:`` line and exit code 2
(:mod:`tinythink.training.job`). A bug in the program stays a traceback.
"""

from __future__ import annotations

from typing import Any

import torch
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from tinythink.data.tokenizer import check_vocab_size


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
    trainer = cfg.trainer
    if steps == -1 and trainer.get("max_time") is None and trainer.get("max_epochs", -1) == -1:
        raise ConfigError(
            "trainer.max_steps=-1 trains until trainer.max_time, which is null: the run would "
            "never end; set trainer.max_time (e.g. 00:00:12:30) or a step count "
            "(trainer.max_steps=3000)"
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


def build(node: DictConfig) -> Any:
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
