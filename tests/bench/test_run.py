"""``run_bench``: every section and the machine header in one report."""

from __future__ import annotations

from omegaconf import OmegaConf

from tests.bench.conftest import positive
from tinythink.bench.config import PRECISIONS
from tinythink.bench.run import SECTIONS


def test_quick_reports_every_section(quick, quick_cfg):
    report, _ = quick
    assert set(SECTIONS) <= set(report)
    assert report["config"] == OmegaConf.to_container(quick_cfg.bench, resolve=True)
    h = report["header"]
    for key in ("cpu_model", "num_threads", "torch", "lightning", "default_precision"):
        assert h[key], key
    assert positive(h["elapsed_s"])
    assert h["default_precision"] in PRECISIONS
