"""The extra section: causal SDPA forward + backward alone, in each precision."""

from __future__ import annotations

from tests.bench.conftest import assert_spread, positive


def test_attention_extra(quick):
    a = quick[0]["attention"]
    assert set(a["by_precision"]) == {"32-true", "bf16-mixed"}
    for v in a["by_precision"].values():
        assert_spread(v["fwd_bwd_ms_per_layer"])
        assert positive(v["share_of_step"])
