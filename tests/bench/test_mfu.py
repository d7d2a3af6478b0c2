"""Section 3: MFU against the measured matmul peak, and the data-sheet peaks of known GPUs."""

from __future__ import annotations

import pytest
from omegaconf import OmegaConf

from tests.bench.conftest import assert_spread, positive
from tinythink.bench.mfu import mfu_report, nominal_gpu_tflops
from tinythink.bench.training import LOOPS
from tinythink.model import ModelConfig, TinyThinkLM


def test_mfu_section(quick, quick_cfg):
    report = quick[0]
    m = report["mfu"]
    assert positive(m["flops_per_token"])
    # 6N + 12*L*d_model*T, N the matmul weights (the tied embedding once, no norm gains)
    model = TinyThinkLM(ModelConfig(**OmegaConf.to_container(quick_cfg.model, resolve=True)))
    n_matmul = sum(p.numel() for p in model.parameters() if p.dim() == 2)
    c, seq_len = model.config, report["training"]["seq_len"]
    assert m["flops_per_token"] == 6 * n_matmul + 12 * c.n_layer * c.d_model * seq_len
    assert set(m["by_precision"]) == set(report["training"]["by_precision"])
    for precision, entry in m["by_precision"].items():
        assert_spread(entry["matmul_peak_gflops"])
        # the peak is the best repeat, and the best size of it
        assert entry["peak_gflops"] == entry["matmul_peak_gflops"]["max"]
        assert entry["peak_gflops"] == max(entry["matmul_by_size_gflops"].values())
        assert set(entry["matmul_by_size_gflops"]) == {"128", "256"}
        training = report["training"]["by_precision"][precision]
        for loop in LOOPS:
            assert positive(entry[loop]["achieved_gflops"])
            assert positive(entry[loop]["mfu_measured_peak"])
            # achieved = tokens/s x FLOPs per token; MFU = achieved / peak
            tps = training[loop]["tokens_per_s"]["median"]
            achieved = entry[loop]["achieved_gflops"]
            assert achieved == pytest.approx(tps * m["flops_per_token"] / 1e9)
            assert entry[loop]["mfu_measured_peak"] == pytest.approx(
                achieved / entry["peak_gflops"]
            )


def _peaks(gflops: float) -> dict:
    return {"gflops": gflops, "size": 64, "by_size": {64: gflops}}


def test_mfu_is_achieved_over_each_peak():
    """Made-up timings: every figure of the section, worked out by hand."""
    timed = {"peaks": {"bf16-mixed": [_peaks(400.0), _peaks(500.0)]}}
    training = {
        "by_precision": {
            "bf16-mixed": {
                "lightning": {"tokens_per_s": {"median": 2000.0}},
                "plain": {"tokens_per_s": {"median": 4000.0}},
                "ratio_lightning_vs_plain": {"median": 0.5},  # not a loop: skipped
            }
        }
    }
    m = mfu_report(timed, training, 10**6, [64], {"bf16-mixed": 1.0, "32-true": 0.5})
    e = m["by_precision"]["bf16-mixed"]
    assert e["peak_gflops"] == 500.0  # the best repeat
    assert e["nominal_peak_gflops"] == 1000.0  # 1 TFLOP/s
    assert set(e) - {"matmul_peak_gflops", "matmul_by_size_gflops"} == {
        "peak_gflops",
        "nominal_peak_gflops",
        "lightning",
        "plain",
    }
    # 2000 tokens/s x 1e6 FLOPs = 2 GFLOP/s: 0.4% of 500, 0.2% of 1000
    assert e["lightning"] == pytest.approx(
        {"achieved_gflops": 2.0, "mfu_measured_peak": 0.004, "mfu_nominal_peak": 0.002}
    )
    assert e["plain"] == pytest.approx(
        {"achieved_gflops": 4.0, "mfu_measured_peak": 0.008, "mfu_nominal_peak": 0.004}
    )


def test_nominal_gpu_peaks():
    assert nominal_gpu_tflops("NVIDIA H100 80GB HBM3")["bf16-mixed"] == 989.4
    assert nominal_gpu_tflops("NVIDIA H100 PCIe")["bf16-mixed"] == 756.0
    assert nominal_gpu_tflops("NVIDIA A100-SXM4-80GB")["32-true"] == 19.5
    assert nominal_gpu_tflops("Some Future GPU") is None
