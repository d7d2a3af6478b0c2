"""Section 1b: Lightning's own cost per step, from the micro model."""

from __future__ import annotations

from tests.bench.conftest import assert_spread
from tinythink.bench.training import LOOPS


def test_overhead_times_both_loops(quick):
    o = quick[0]["training"]["overhead"]
    for loop in LOOPS:
        assert_spread(o["step_ms"][loop])
    assert isinstance(o["overhead_ms"]["median"], float)  # a difference: may be negative
