"""Section 3: model FLOPs utilisation, against the matmul peak measured in this run."""

from __future__ import annotations

from typing import Any

from tinythink.bench.stats import spread

# Dense peak TFLOP/s by precision from the vendors' data sheets (no sparsity). fp32
# is plain FP32 (torch's default matmul precision, not TF32).
NOMINAL_GPU_TFLOPS = {
    "H100 SXM": {"32-true": 66.9, "bf16-mixed": 989.4},
    "H100 PCIe": {"32-true": 51.2, "bf16-mixed": 756.0},
    "H100": {"32-true": 66.9, "bf16-mixed": 989.4},  # other H100 names: assume SXM
    "H200": {"32-true": 66.9, "bf16-mixed": 989.4},
    "A100": {"32-true": 19.5, "bf16-mixed": 312.0},
    "L4": {"32-true": 30.3, "bf16-mixed": 121.0},
    "A10": {"32-true": 31.2, "bf16-mixed": 125.0},
}


def nominal_gpu_tflops(name: str) -> dict[str, float] | None:
    """The data-sheet peak of a known GPU, or None (then MFU is against the measured peak only)."""
    for key, peaks in NOMINAL_GPU_TFLOPS.items():  # specific names come first
        if all(part in name for part in key.split()):
            return peaks
    return None


def mfu_report(
    timed: dict[str, Any],
    training: dict[str, Any],
    flops_per_token: int,
    sizes: list[int],
    gpu_peaks: dict[str, float] | None,
) -> dict[str, Any]:
    """Section 3: achieved FLOP/s over the matmul peak measured in this run (and a data sheet)."""
    report: dict[str, Any] = {
        "flops_per_token": flops_per_token,
        "formula": "6N + 12*L*d_model*T (PaLM appendix B), TinyThinkLM.flops_per_token",
        "by_precision": {},
    }
    for precision, peaks in timed["peaks"].items():
        peak = max(p["gflops"] for p in peaks)  # a peak: the best repeat, not the typical one
        entry: dict[str, Any] = {
            "matmul_peak_gflops": spread([p["gflops"] for p in peaks]),
            "matmul_by_size_gflops": {str(n): max(p["by_size"][n] for p in peaks) for n in sizes},
            "peak_gflops": peak,
        }
        if gpu_peaks:
            entry["nominal_peak_gflops"] = gpu_peaks[precision] * 1e3
        for name, e in training["by_precision"][precision].items():
            if "tokens_per_s" not in e:
                continue
            achieved = e["tokens_per_s"]["median"] * flops_per_token / 1e9
            entry[name] = {"achieved_gflops": achieved, "mfu_measured_peak": achieved / peak}
            if gpu_peaks:
                entry[name]["mfu_nominal_peak"] = achieved / entry["nominal_peak_gflops"]
        report["by_precision"][precision] = entry
    return report
