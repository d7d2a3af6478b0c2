"""The bench: ``bench=quick`` runs every section and reports them in the documented shape.

Speed is never asserted (a shared CI machine makes any threshold flaky): only that
each figure exists, is a positive number, and lands in the JSON and markdown files.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir

from tests.conftest import ROOT
from tests.data.helpers import data_settings
from tinythink import bench
from tinythink.data.datamodule import ThinkingDataModule
from tinythink.data.tokenizer import PAD

CONFIG_DIR = str(ROOT / "conf")


def _positive(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0


def _assert_spread(s: dict) -> None:
    assert {"median", "min", "max", "spread", "runs"} <= set(s)
    assert all(_positive(v) for v in s["runs"]), s
    assert s["min"] <= s["median"] <= s["max"]


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[dict, Path]:
    """One in-process ``bench=quick`` run, shared by the tests below."""
    log_dir = tmp_path_factory.mktemp("logs")
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("bench", overrides=["bench=quick", f"paths.log_dir={log_dir}"])
    bench._quiet_lightning()
    threads = torch.get_num_threads()
    try:
        report = bench.run_bench(cfg)
    finally:  # process-wide settings the bench changes, as train.py does
        torch.set_num_threads(threads)
        torch.set_flush_denormal(False)
    out = log_dir / "bench" / "run"
    bench.write_report(report, out)
    return report, out


def test_quick_reports_all_five_sections(quick):
    report, _ = quick
    assert set(bench.SECTIONS) <= set(report)
    h = report["header"]
    for key in ("cpu_model", "num_threads", "torch", "lightning", "default_precision"):
        assert h[key], key
    assert _positive(h["elapsed_s"])
    assert h["default_precision"] in bench.PRECISIONS


def test_training_section_compares_both_loops_in_both_precisions(quick):
    tr = quick[0]["training"]
    assert tr["seq_len"] == 64 and tr["batch_size"] == 4  # the quick sizes
    assert set(tr["by_precision"]) == {"32-true", "bf16-mixed"}
    for entry in tr["by_precision"].values():
        for loop in bench.LOOPS:
            _assert_spread(entry[loop]["tokens_per_s"])
            _assert_spread(entry[loop]["step_ms"])
            assert entry[loop]["runs"] == len(entry[loop]["all_tokens_per_s"]) == 2  # per repeat
            assert 0 <= entry[loop]["clean_runs"] <= 2  # runs another process slowed drop out
        _assert_spread(entry["ratio_lightning_vs_plain"])
    assert _positive(tr["headline_ratio"])
    o = tr["overhead"]
    for loop in bench.LOOPS:
        _assert_spread(o["step_ms"][loop])
    assert isinstance(o["overhead_ms"]["median"], float)  # a difference: may be negative


def test_precision_and_mfu_sections(quick):
    report = quick[0]
    p = report["precision"]
    assert p["default"] == report["header"]["default_precision"]
    assert isinstance(p["fast_bf16"], bool)
    assert _positive(p["default_vs_fp32"])
    m = report["mfu"]
    assert _positive(m["flops_per_token"])
    for entry in m["by_precision"].values():
        _assert_spread(entry["matmul_peak_gflops"])
        for loop in bench.LOOPS:
            assert _positive(entry[loop]["achieved_gflops"])
            assert _positive(entry[loop]["mfu_measured_peak"])


def test_eval_and_data_sections(quick):
    report = quick[0]
    ev = report["eval"]
    assert set(ev["modes"]) == {"batched_cache", "batched_no_cache", "single_no_cache"}
    assert ev["modes"]["single_no_cache"]["batch_size"] == 1
    assert not ev["modes"]["batched_no_cache"]["use_cache"]
    for mode in ev["modes"].values():
        _assert_spread(mode["problems_per_s"])
    assert _positive(ev["speedup_cache_vs_single"])
    assert isinstance(ev["same_outputs"], bool)
    assert _positive(ev["mean_completion_tokens"])
    assert 0.0 <= ev["accuracy_batched_cache"] <= 1.0
    d = report["data"]
    _assert_spread(d["loader_batches_per_s"])
    assert _positive(d["training_batches_per_s"])
    assert _positive(d["headroom"])


def test_attention_extra(quick):
    a = quick[0]["attention"]
    assert set(a["by_precision"]) == {"32-true", "bf16-mixed"}
    for v in a["by_precision"].values():
        _assert_spread(v["fwd_bwd_ms_per_layer"])
        assert _positive(v["share_of_step"])


def test_report_files(quick):
    report, out = quick
    on_disk = json.loads((out / "bench.json").read_text())
    assert set(bench.SECTIONS) <= set(on_disk)
    md = (out / "bench.md").read_text()
    titles = ("1. Training", "1b. Lightning", "2. Precision", "3. MFU", "4. Eval", "5. Data", "6.")
    for title in titles:
        assert f"## {title}" in md
    bench.print_report(report)  # renders without error


def test_packed_batches_are_shifted_real_tokens(tmp_path):
    sizes = ("n_train=64", "n_val=8", "n_test=8", "n_ood=8")
    settings = data_settings(
        *(f"data.generator.{n}" for n in sizes), cache_dir=str(tmp_path), batch_size=4
    )
    dm = ThinkingDataModule(**settings)
    dm.setup("fit")
    batches = bench.packed_batches(dm, n=3, batch_size=2, seq_len=16, seed=0)
    assert len(batches) == 3
    for b in batches:
        assert b["inputs"].shape == b["targets"].shape == (2, 16)
        assert torch.equal(b["inputs"][:, 1:], b["targets"][:, :-1])
    pad = dm.tokenizer.token_to_id(PAD)
    assert pad not in torch.cat([b["inputs"] for b in batches]).unique().tolist()
    with pytest.raises(bench.BenchConfigError, match="n_train"):
        bench.packed_batches(dm, n=1000, batch_size=64, seq_len=256, seed=0)


def test_nominal_gpu_peaks():
    assert bench.nominal_gpu_tflops("NVIDIA H100 80GB HBM3")["bf16-mixed"] == 989.4
    assert bench.nominal_gpu_tflops("NVIDIA H100 PCIe")["bf16-mixed"] == 756.0
    assert bench.nominal_gpu_tflops("NVIDIA A100-SXM4-80GB")["32-true"] == 19.5
    assert bench.nominal_gpu_tflops("Some Future GPU") is None


def test_cli_writes_under_logs_bench(tmp_path):
    """As a user runs it: ``python -m tinythink.bench bench=quick`` -> logs/bench/<time>/."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "tinythink.bench", "bench=quick", f"paths.log_dir={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Lightning runs at" in result.stdout
    (run,) = (tmp_path / "bench").iterdir()
    assert {"bench.json", "bench.md"} <= {p.name for p in run.iterdir()}
