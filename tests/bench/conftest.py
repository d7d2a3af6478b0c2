"""The bench's tests: one ``bench=quick`` run shared by every section's test.

Speed is never asserted (a shared CI machine makes any threshold flaky): only that
each figure exists, is a positive number, and lands in the JSON and markdown files.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir

from tests.conftest import ROOT
from tinythink.bench.report import write_report
from tinythink.bench.run import quiet_lightning, run_bench

CONFIG_DIR = str(ROOT / "conf")


def positive(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0


def assert_spread(s: dict) -> None:
    assert {"median", "min", "max", "spread", "runs"} <= set(s)
    assert all(positive(v) for v in s["runs"]), s
    assert s["min"] <= s["median"] <= s["max"]


@pytest.fixture(scope="package")
def quick(tmp_path_factory) -> tuple[dict, Path]:
    """One in-process ``bench=quick`` run, shared by the tests of every section."""
    log_dir = tmp_path_factory.mktemp("logs")
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("bench", overrides=["bench=quick", f"paths.log_dir={log_dir}"])
    quiet_lightning()
    threads = torch.get_num_threads()
    try:
        report = run_bench(cfg)
    finally:  # process-wide settings the bench changes, as train.py does
        torch.set_num_threads(threads)
        torch.set_flush_denormal(False)
    out = log_dir / "bench" / "run"
    write_report(report, out)
    return report, out
