"""The model presets of conf/model/ as train.py composes them, for tests that need
"the real model, but ...": ModelConfig has no defaults of its own."""

from __future__ import annotations

import functools
from typing import Any

from omegaconf import DictConfig, OmegaConf

from tests.conftest import ROOT
from tinythink.model import ModelConfig

CONF = ROOT / "conf"
PRESETS = sorted(p.stem for p in (CONF / "model").glob("*.yaml"))


def _raw(name: str) -> dict[str, Any]:
    return OmegaConf.to_container(OmegaConf.load(CONF / "model" / f"{name}.yaml"))


def _own_keys(name: str) -> dict[str, Any]:
    """What conf/model/<name>.yaml itself sets (its `defaults` list aside)."""
    return {k: v for k, v in _raw(name).items() if k != "defaults"}


def _defaults(name: str) -> list[str]:
    return _raw(name).get("defaults", ["_self_"])


@functools.cache
def _composed(name: str) -> DictConfig:
    """conf/model/<name>.yaml merged over its `defaults` in Hydra's order (_self_ last)."""
    own = _own_keys(name)
    merged = OmegaConf.create()
    for entry in _defaults(name):
        merged = OmegaConf.merge(merged, own if entry == "_self_" else _composed(entry))
    return merged


def preset_values(name: str) -> dict[str, Any]:
    """The preset's settings, interpolations resolved against the default data config."""
    data = OmegaConf.load(CONF / "data" / "arithmetic.yaml")
    cfg = OmegaConf.create({"data": data, "model": _composed(name)})
    return OmegaConf.to_container(cfg.model, resolve=True)


def preset(name: str = "tiny", **overrides: Any) -> ModelConfig:
    """ModelConfig of conf/model/<name>.yaml, as train.py builds it, with overrides."""
    return ModelConfig(**{**preset_values(name), **overrides})
