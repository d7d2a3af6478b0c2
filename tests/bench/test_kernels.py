"""The extra section: causal SDPA forward + backward alone, in each precision."""

from __future__ import annotations

import pytest

from tests.bench.conftest import assert_spread, positive


def test_attention_extra(quick, quick_cfg):
    report = quick[0]
    a = report["attention"]
    assert set(a["by_precision"]) == {"32-true", "bf16-mixed"}
    m = quick_cfg.model
    # the training shape: (batch, heads, seq, head_dim)
    assert a["shape_bhtd"] == [4, m.n_head, 64, m.d_model // m.n_head]
    assert a["n_layer"] == m.n_layer
    for precision, v in a["by_precision"].items():
        assert_spread(v["fwd_bwd_ms_per_layer"])
        assert positive(v["share_of_step"])
        assert len(v["fwd_bwd_ms_per_layer"]["runs"]) == report["config"]["attention"]["repeats"]
        # every layer's attention over the Lightning step of the same precision
        step_ms = report["training"]["by_precision"][precision]["lightning"]["step_ms"]["median"]
        per_layer = v["fwd_bwd_ms_per_layer"]["median"]
        assert v["share_of_step"] == pytest.approx(per_layer * a["n_layer"] / step_ms)
