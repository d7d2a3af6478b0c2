"""Section 5: the train loader alone against what training consumes."""

from __future__ import annotations

import pytest

from tests.bench.conftest import assert_spread, positive


def test_data_section(quick, quick_cfg):
    report = quick[0]
    d = report["data"]
    assert_spread(d["loader_batches_per_s"])
    assert positive(d["training_batches_per_s"])
    assert positive(d["headroom"])
    # Training consumes one batch per Lightning step at the headline precision...
    tr = report["training"]
    assert d["training_precision"] == tr["headline_precision"]
    step_ms = tr["by_precision"][tr["headline_precision"]]["lightning"]["step_ms"]["median"]
    assert d["training_batches_per_s"] == pytest.approx(1e3 / step_ms)
    # ...and the headroom is how many times over the loader alone could feed it.
    assert d["headroom"] == pytest.approx(
        d["loader_batches_per_s"]["median"] / d["training_batches_per_s"]
    )
    assert len(d["loader_batches_per_s"]["runs"]) == report["config"]["data"]["repeats"]
    # the loader measured is the quick data's: its batch size and every train row
    assert d["batch_size"] == report["config"]["batch_size"]
    assert d["train_rows"] == quick_cfg.data.generator.n_train
    assert 0 < d["mean_tokens_per_batch"] <= d["batch_size"] * quick_cfg.data.max_seq_len
