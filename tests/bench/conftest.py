"""The bench's tests: one ``bench=quick`` run shared by every section's test.

Speed is never asserted (a shared CI machine makes any threshold flaky): each figure
exists, is a positive number, lands in the JSON and markdown files, and stands in the
relation to the others that its name claims (a ratio is the ratio of its parts, a
median the median of its runs).
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

from tests.conftest import ROOT
from tinythink.bench.report import write_report
from tinythink.bench.run import quiet_lightning, run_bench

CONFIG_DIR = str(ROOT / "conf")


def positive(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0


def assert_spread(s: dict) -> None:
    """A spread is the median, min, max and relative range of its own runs."""
    assert {"median", "min", "max", "spread", "runs"} <= set(s)
    assert all(positive(v) for v in s["runs"]), s
    assert s["min"] <= s["median"] <= s["max"]
    runs = s["runs"]
    assert s["median"] == pytest.approx(statistics.median(runs)), s
    assert (s["min"], s["max"]) == (min(runs), max(runs)), s
    assert s["spread"] == pytest.approx((max(runs) - min(runs)) / s["median"]), s


@pytest.fixture(scope="package")
def quick_cfg(tmp_path_factory) -> DictConfig:
    """The composed ``bench=quick`` config the shared run is made with."""
    log_dir = tmp_path_factory.mktemp("logs")
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("bench", overrides=["bench=quick", f"paths.log_dir={log_dir}"])


@pytest.fixture(scope="package")
def quick(quick_cfg) -> tuple[dict, Path]:
    """One in-process ``bench=quick`` run, shared by the tests of every section."""
    cfg = quick_cfg
    quiet_lightning()
    threads = torch.get_num_threads()
    try:
        report = run_bench(cfg)
    finally:  # process-wide settings the bench changes, as train.py does
        torch.set_num_threads(threads)
        torch.set_flush_denormal(False)
    out = Path(cfg.paths.log_dir) / "bench" / "run"
    write_report(report, out)
    return report, out
