"""Sections 1-2: both loops in both precisions, and what ``precision=auto`` picks."""

from __future__ import annotations

import pytest

from tests.bench.conftest import assert_spread, positive
from tinythink.bench.training import LOOPS


def test_training_section_compares_both_loops_in_both_precisions(quick):
    tr = quick[0]["training"]
    assert tr["seq_len"] == 64 and tr["batch_size"] == 4  # the quick sizes
    assert tr["tokens_per_step"] == 4 * 64
    assert set(tr["by_precision"]) == {"32-true", "bf16-mixed"}
    threshold = tr["clean_cpu_share"]
    for entry in tr["by_precision"].values():
        for loop in LOOPS:
            assert_spread(entry[loop]["tokens_per_s"])
            assert_spread(entry[loop]["step_ms"])
            assert entry[loop]["runs"] == len(entry[loop]["all_tokens_per_s"]) == 2  # per repeat
            assert 0 <= entry[loop]["clean_runs"] <= 2  # runs another process slowed drop out
            # clean runs: those whose cpu share reached the threshold (all if none did)
            shares = entry[loop]["cpu_share"]["runs"]
            assert entry[loop]["clean_runs"] == sum(s >= threshold for s in shares)
            kept = [
                t
                for t, s in zip(entry[loop]["all_tokens_per_s"], shares, strict=True)
                if s >= threshold
            ] or entry[loop]["all_tokens_per_s"]
            assert entry[loop]["tokens_per_s"]["runs"] == pytest.approx(kept)
            # tokens/s and step time are one measurement: run by run, their product is a step
            for tps, ms in zip(
                entry[loop]["tokens_per_s"]["runs"], entry[loop]["step_ms"]["runs"], strict=True
            ):
                assert tps * ms / 1e3 == pytest.approx(tr["tokens_per_step"])
        ratio = entry["ratio_lightning_vs_plain"]
        assert_spread(ratio)
        # Lightning / plain speed, repeat by repeat, over the pairs in which both were clean
        pairs = list(
            zip(
                entry["lightning"]["all_tokens_per_s"],
                entry["plain"]["all_tokens_per_s"],
                entry["lightning"]["cpu_share"]["runs"],
                entry["plain"]["cpu_share"]["runs"],
                strict=True,
            )
        )
        clean = [(lt, p) for lt, p, sl, sp in pairs if min(sl, sp) >= threshold]
        assert ratio["clean_pairs"] == len(clean)
        expected = [lt / p for lt, p in clean or [(lt, p) for lt, p, _, _ in pairs]]
        assert ratio["runs"] == pytest.approx(expected)
    assert positive(tr["headline_ratio"])
    # The printed headline is the median paired ratio at the headline precision.
    headline = tr["by_precision"][tr["headline_precision"]]["ratio_lightning_vs_plain"]
    assert tr["headline_ratio"] == headline["median"]


def test_precision_section(quick):
    report = quick[0]
    p = report["precision"]
    assert p["default"] == report["header"]["default_precision"]
    assert isinstance(p["fast_bf16"], bool)
    assert positive(p["default_vs_fp32"])
    # Section 2 reads section 1: Lightning's median tokens/s per precision, and their ratio.
    by_precision = report["training"]["by_precision"]
    tps = {k: v["lightning"]["tokens_per_s"]["median"] for k, v in by_precision.items()}
    assert p["lightning_tokens_per_s"] == tps
    assert p["default_vs_fp32"] == pytest.approx(tps[p["default"]] / tps["32-true"])
    assert p["fastest"] == max(tps, key=tps.get)
    if p["device"] == "cpu":
        assert p["fast_bf16"] == report["header"]["cpu_fast_bf16"]
