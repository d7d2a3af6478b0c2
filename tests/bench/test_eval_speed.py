"""Section 4: greedy answering three ways, with the same completions."""

from __future__ import annotations

from tests.bench.conftest import assert_spread, positive


def test_eval_section(quick):
    ev = quick[0]["eval"]
    assert set(ev["modes"]) == {"batched_cache", "batched_no_cache", "single_no_cache"}
    assert ev["modes"]["single_no_cache"]["batch_size"] == 1
    assert not ev["modes"]["batched_no_cache"]["use_cache"]
    for mode in ev["modes"].values():
        assert_spread(mode["problems_per_s"])
    assert positive(ev["speedup_cache_vs_single"])
    assert isinstance(ev["same_outputs"], bool)
    assert positive(ev["mean_completion_tokens"])
    assert 0.0 <= ev["accuracy_batched_cache"] <= 1.0
