"""Packed batches: real tokens, shifted by one, no padding; too few tokens is a config error."""

from __future__ import annotations

import pytest
import torch

from tests.data.helpers import data_settings
from tinythink.bench.batches import packed_batches
from tinythink.bench.config import BenchConfigError
from tinythink.data.datamodule import ThinkingDataModule
from tinythink.data.tokenizer import PAD


def test_packed_batches_are_shifted_real_tokens(tmp_path):
    sizes = ("n_train=64", "n_val=8", "n_test=8", "n_ood=8")
    settings = data_settings(
        *(f"data.generator.{n}" for n in sizes), cache_dir=str(tmp_path), batch_size=4
    )
    dm = ThinkingDataModule(**settings)
    dm.setup("fit")
    batches = packed_batches(dm, n=3, batch_size=2, seq_len=16, seed=0)
    assert len(batches) == 3
    for b in batches:
        assert b["inputs"].shape == b["targets"].shape == (2, 16)
        assert torch.equal(b["inputs"][:, 1:], b["targets"][:, :-1])
    pad = dm.tokenizer.token_to_id(PAD)
    assert pad not in torch.cat([b["inputs"] for b in batches]).unique().tolist()
    with pytest.raises(BenchConfigError, match="n_train"):
        packed_batches(dm, n=1000, batch_size=64, seq_len=256, seed=0)
