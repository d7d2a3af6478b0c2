"""Section 1b: Lightning's own cost per step, from the micro model."""

from __future__ import annotations

import pytest

from tests.bench.conftest import assert_spread
from tinythink.bench.training import LOOPS


def test_overhead_times_both_loops(quick):
    report = quick[0]
    o = report["training"]["overhead"]
    for loop in LOOPS:
        assert_spread(o["step_ms"][loop])
    assert isinstance(o["overhead_ms"]["median"], float)  # a difference: may be negative
    # The overhead is Lightning's step minus the plain step, repeat by repeat.
    step = o["step_ms"]
    expected = [
        lt - p for lt, p in zip(step["lightning"]["runs"], step["plain"]["runs"], strict=True)
    ]
    assert o["overhead_ms"]["runs"] == pytest.approx(expected)
    assert len(expected) == report["config"]["overhead"]["repeats"]
    # ...and its share is of the headline precision's Lightning step.
    tr = report["training"]
    headline_ms = tr["by_precision"][tr["headline_precision"]]["lightning"]["step_ms"]["median"]
    assert o["share_of_headline_step"] == pytest.approx(o["overhead_ms"]["median"] / headline_ms)
    # The micro model is the bench's model with conf bench.overhead.model on top.
    assert {k: o["model"][k] for k in report["config"]["overhead"]["model"]} == (
        report["config"]["overhead"]["model"]
    )
