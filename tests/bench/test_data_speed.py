"""Section 5: the train loader alone against what training consumes."""

from __future__ import annotations

from tests.bench.conftest import assert_spread, positive


def test_data_section(quick):
    d = quick[0]["data"]
    assert_spread(d["loader_batches_per_s"])
    assert positive(d["training_batches_per_s"])
    assert positive(d["headroom"])
