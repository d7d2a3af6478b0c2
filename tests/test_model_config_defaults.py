"""Each model setting has one home: the presets in conf/model/, not ModelConfig.

ModelConfig has no defaults; tiny.yaml sets every field and micro/small start
from it and set their own shape. ``preset`` builds a ModelConfig the way
train.py does (the preset composed over its parents, vocab_size from the default
data config), so a test that needs "the real model, but ..." says only the "but".
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import pytest
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


def test_no_preset_key_repeats_a_dataclass_default():
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(ModelConfig)
        if f.init and f.default is not dataclasses.MISSING
    }
    for name in PRESETS:
        repeated = {k: v for k, v in _own_keys(name).items() if k in defaults and defaults[k] == v}
        assert not repeated, (
            f"conf/model/{name}.yaml repeats ModelConfig's defaults {repeated}: "
            "give each value one home (the yaml; drop the dataclass default)"
        )


def test_tiny_sets_every_field_and_the_dataclass_none():
    arguments = [f for f in dataclasses.fields(ModelConfig) if f.init]
    assert all(f.default is dataclasses.MISSING for f in arguments)
    assert all(f.default_factory is dataclasses.MISSING for f in arguments)
    assert set(_own_keys("tiny")) == {f.name for f in arguments}


@pytest.mark.parametrize("name", [p for p in PRESETS if p != "tiny"])
def test_other_presets_start_from_tiny(name):
    assert _defaults(name) == ["tiny", "_self_"]


@pytest.mark.parametrize(
    ("name", "num_params"), [("micro", 43_168), ("small", 492_384), ("tiny", 869_504)]
)
def test_presets_build_at_their_stated_sizes(name, num_params):
    assert preset(name).num_params == num_params
