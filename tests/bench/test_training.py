"""Sections 1-2: both loops in both precisions, and what ``precision=auto`` picks."""

from __future__ import annotations

from tests.bench.conftest import assert_spread, positive
from tinythink.bench.training import LOOPS


def test_training_section_compares_both_loops_in_both_precisions(quick):
    tr = quick[0]["training"]
    assert tr["seq_len"] == 64 and tr["batch_size"] == 4  # the quick sizes
    assert set(tr["by_precision"]) == {"32-true", "bf16-mixed"}
    for entry in tr["by_precision"].values():
        for loop in LOOPS:
            assert_spread(entry[loop]["tokens_per_s"])
            assert_spread(entry[loop]["step_ms"])
            assert entry[loop]["runs"] == len(entry[loop]["all_tokens_per_s"]) == 2  # per repeat
            assert 0 <= entry[loop]["clean_runs"] <= 2  # runs another process slowed drop out
        assert_spread(entry["ratio_lightning_vs_plain"])
    assert positive(tr["headline_ratio"])


def test_precision_section(quick):
    report = quick[0]
    p = report["precision"]
    assert p["default"] == report["header"]["default_precision"]
    assert isinstance(p["fast_bf16"], bool)
    assert positive(p["default_vs_fp32"])
