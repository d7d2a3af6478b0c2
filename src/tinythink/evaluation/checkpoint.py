"""Load a training checkpoint safely (``weights_only=True``) into a model and tokenizer."""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from tokenizers import Tokenizer

from tinythink.model import ModelConfig, TinyThinkLM


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
    ckpt = read_checkpoint(path)
    missing = [k for k in ("state_dict", "hyper_parameters", "tokenizer") if k not in ckpt]
    if missing:
        raise CheckpointError(f"{path} is not a tinythink checkpoint (missing {missing})")
    hparams = ckpt["hyper_parameters"]
    config = ModelConfig(**hparams["model"])
    model = TinyThinkLM(config)
    state = {
        k.removeprefix("net."): v for k, v in ckpt["state_dict"].items() if k.startswith("net.")
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
