"""Checkpoint files: what a ``.ckpt`` holds, how it is written, read, resumed from and loaded.

A checkpoint is Lightning's dict, holding only tensors and plain containers (so it
loads with ``torch.load(weights_only=True)``):

- ``state_dict``: the training module's weights; the model's own are under
  ``net.`` (:data:`MODEL_PREFIX`, the module's ``net`` attribute);
- ``hyper_parameters``: the module's ``model`` (a :class:`ModelConfig` dict),
  ``optim``, ``eval`` and ``compile``;
- ``datamodule_hyper_parameters``: the data module's constructor arguments;
- ``tokenizer``: the tokenizer as JSON, so eval and generate need nothing else;
- ``global_step``, ``num_params``, ``tokens_seen``, and, in ``last.ckpt``, the full
  training state (optimizer, schedule, loops, the RNG states of
  :class:`~tinythink.training.resumable.ResumableTraining`).

Writing is atomic (:class:`AtomicCheckpointIO`); reading refuses code-running
pickles and names corrupt files (:func:`read_checkpoint`); :func:`resume_point`
finds and checks the checkpoint a run continues from; :func:`load_checkpoint`
builds the model and tokenizer for eval and generate, from a ``.ckpt`` or an
exported model folder (:mod:`tinythink.export.hf`).
"""

from __future__ import annotations

import os
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from lightning.fabric.plugins.io.torch_io import TorchCheckpointIO
from omegaconf import DictConfig, OmegaConf
from tokenizers import Tokenizer

from tinythink.model import ModelConfig, TinyThinkLM
from tinythink.utils import atomic_write

# The training module keeps the model as its `net` attribute.
MODEL_PREFIX = "net."


class CheckpointError(RuntimeError):
    """A checkpoint that is missing, unreadable, unsafe or does not fit the model."""


@dataclass
class Loaded:
    model: TinyThinkLM
    tokenizer: Tokenizer
    hparams: dict[str, Any]  # the LightningModule's: model, optim, eval
    data: dict[str, Any]  # the DataModule's constructor arguments
    step: int


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """``torch.load`` with ``weights_only=True``; clear errors for the ways it fails."""
    path = Path(path)
    if not path.is_file():
        hint = ""
        if path.parent.is_dir():
            found = sorted(p.name for p in path.parent.glob("*.ckpt"))
            hint = f"; checkpoints there: {', '.join(found) or 'none'}"
        raise CheckpointError(f"checkpoint not found: {path}{hint}")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        # torch words it "Unsupported global: X" for most classes and "unsupported
        # GLOBAL X whose module M is blocked" for os/posix/builtins callables.
        found = re.search(r"[Uu]nsupported (?:global:|GLOBAL) ([^\n]*)", str(err))
        if found is None:  # not a refusal: the bytes are bad
            raise CheckpointError(_corrupt(path, err)) from err
        raise CheckpointError(
            f"refusing to load {path}: it holds Python objects beyond tensors and plain "
            f"containers, which could run code when unpickled ({found.group(0).strip()})"
        ) from err
    except Exception as err:  # zip errors, EOF, and whatever random bytes make pickle do
        raise CheckpointError(_corrupt(path, err)) from err


def _corrupt(path: Path, err: BaseException) -> str:
    detail = str(err).splitlines()[0] if str(err) else type(err).__name__
    return (
        f"{path} is truncated or corrupt and cannot be read ({detail}); "
        "use another checkpoint of the run (best.ckpt, last-good.ckpt) or retrain"
    )


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> Loaded:
    """The model (in eval mode, on ``device``), tokenizer and settings a checkpoint carries.

    ``path`` is a ``.ckpt`` file, or a model folder written by ``export.py format=hf``
    (such as the shipped one under ``models/``).
    """
    if Path(path).is_dir():
        from tinythink.export.hf import read_model_folder

        return read_model_folder(path, device)
    ckpt = read_checkpoint(path)
    missing = [k for k in ("state_dict", "hyper_parameters", "tokenizer") if k not in ckpt]
    if missing:
        raise CheckpointError(f"{path} is not a tinythink checkpoint (missing {missing})")
    hparams = ckpt["hyper_parameters"]
    config = ModelConfig(**hparams["model"])
    model = TinyThinkLM(config)
    state = {
        k.removeprefix(MODEL_PREFIX): v
        for k, v in ckpt["state_dict"].items()
        if k.startswith(MODEL_PREFIX)
    }
    try:
        model.load_state_dict(state)
    except RuntimeError as err:
        raise CheckpointError(
            f"{path} does not fit the model config it carries ({config.to_dict()}): {err}"
        ) from err
    tokenizer = Tokenizer.from_str(ckpt["tokenizer"])
    if tokenizer.get_vocab_size() > config.vocab_size:
        raise CheckpointError(
            f"{path}: tokenizer has {tokenizer.get_vocab_size()} tokens but the model's "
            f"vocab_size is {config.vocab_size}"
        )
    model.to(device).eval()
    data = ckpt.get("datamodule_hyper_parameters", {})
    return Loaded(model, tokenizer, hparams, dict(data), int(ckpt.get("global_step", 0)))


class AtomicCheckpointIO(TorchCheckpointIO):
    """``torch.save`` to a temporary file beside the target, fsync, then ``os.replace``.

    Lightning's own save truncates the target and writes in place, so a kill mid-write
    leaves a truncated ``last.ckpt`` where a good one was. Here the old file stays
    whole until the new one is complete.
    """

    def save_checkpoint(
        self, checkpoint: dict[str, Any], path: Any, storage_options: Any | None = None
    ) -> None:
        if storage_options is not None:
            raise TypeError(f"{type(self).__name__} takes no storage_options")

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as f:
                torch.save(checkpoint, f)
                f.flush()
                os.fsync(f.fileno())

        atomic_write(path, write)


def config_differences(saved: dict[str, Any], wanted: dict[str, Any], where: str) -> str:
    """``"d_model=128 <where> but 64 here, ..."`` for each setting that differs; "" if none."""
    return ", ".join(
        f"{k}={saved.get(k)} {where} but {v} here" for k, v in wanted.items() if saved.get(k) != v
    )


def resume_point(cfg: DictConfig) -> tuple[str | None, int]:
    """The checkpoint a run continues from and its global step; ``(None, 0)`` for a fresh run.

    ``resume=true`` (or ``ckpt_path=last``) means ``<run_dir>/checkpoints/last.ckpt``
    and it must exist: resuming into the wrong directory is an error, never a silent
    fresh start. The checkpoint is read (``weights_only``) and its model config checked
    against this run's before anything is built or written.
    """
    from tinythink.training.resume_command import missing_checkpoint_message

    run_dir = Path(cfg.paths.run_dir)
    ckpt_path = cfg.get("ckpt_path")
    if cfg.get("resume") or ckpt_path == "last":
        path = run_dir / "checkpoints" / "last.ckpt"
        if not path.is_file():
            raise CheckpointError(missing_checkpoint_message(path))
    elif ckpt_path:
        path = Path(ckpt_path)
    else:
        return None, 0
    ckpt = read_checkpoint(path)  # clear CheckpointError if missing, truncated or unsafe
    saved = (ckpt.get("hyper_parameters") or {}).get("model")
    if saved is None or "global_step" not in ckpt:
        raise CheckpointError(f"{path} is not a tinythink training checkpoint")
    wanted = ModelConfig(**OmegaConf.to_container(cfg.model, resolve=True)).to_dict()
    shown = config_differences(saved, wanted, "in the checkpoint")
    if shown:
        raise CheckpointError(
            f"{path} was trained with a different model config ({shown}); "
            "resume with the same model overrides (see config.yaml in its run dir) "
            "or start a new run"
        )
    return str(path), int(ckpt["global_step"])


def load_initial_weights(net: TinyThinkLM, path: str | Path) -> Tokenizer:
    """Copy the weights of the model at ``path`` (``init_from``) into ``net``; its tokenizer.

    ``path`` is a ``.ckpt`` or an exported model folder. A missing or unreadable
    model, or one whose shape differs from ``net``'s, is a ValueError naming the fix
    (a user mistake, not a bug).
    """
    try:
        loaded = load_checkpoint(path)
    except CheckpointError as err:
        raise ValueError(f"init_from={path}: {err}") from None
    # The cap is a rule for building, not part of the shape.
    theirs = {**loaded.model.config.to_dict(), "max_params": net.config.max_params}
    shown = config_differences(theirs, net.config.to_dict(), "there")
    if shown:
        raise ValueError(
            f"init_from={path} holds a model of another shape ({shown}); start from it "
            "with the same model config (its preset or model.* overrides)"
        )
    net.load_state_dict(loaded.model.state_dict())
    return loaded.tokenizer


def check_same_vocab(path: str | Path, ours: Tokenizer, theirs: Tokenizer) -> None:
    """A model continues training only on token ids that mean what they meant to it."""
    if ours.get_vocab() != theirs.get_vocab():
        raise ValueError(
            f"init_from={path} was trained with another tokenizer than this run's data "
            "settings build; start from it with the data settings it was trained with "
            "(see its run's config.yaml, or tinythink.json in an exported folder)"
        )
