"""Section 3: MFU against the measured matmul peak, and the data-sheet peaks of known GPUs."""

from __future__ import annotations

from tests.bench.conftest import assert_spread, positive
from tinythink.bench.mfu import nominal_gpu_tflops
from tinythink.bench.training import LOOPS


def test_mfu_section(quick):
    m = quick[0]["mfu"]
    assert positive(m["flops_per_token"])
    for entry in m["by_precision"].values():
        assert_spread(entry["matmul_peak_gflops"])
        for loop in LOOPS:
            assert positive(entry[loop]["achieved_gflops"])
            assert positive(entry[loop]["mfu_measured_peak"])


def test_nominal_gpu_peaks():
    assert nominal_gpu_tflops("NVIDIA H100 80GB HBM3")["bf16-mixed"] == 989.4
    assert nominal_gpu_tflops("NVIDIA H100 PCIe")["bf16-mixed"] == 756.0
    assert nominal_gpu_tflops("NVIDIA A100-SXM4-80GB")["32-true"] == 19.5
    assert nominal_gpu_tflops("Some Future GPU") is None
