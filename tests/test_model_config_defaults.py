"""Each model setting has one home: the presets in conf/model/, not ModelConfig.

ModelConfig has no defaults; tiny.yaml sets every field and micro/small start
from it and set their own shape (``tests/presets.py`` composes them as train.py does).
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.presets import PRESETS, _defaults, _own_keys, preset
from tinythink.model import ModelConfig


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
