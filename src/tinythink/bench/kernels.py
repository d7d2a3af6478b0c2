"""The kernels alone: the matmul peak MFU divides by, and causal SDPA at the training shape."""

from __future__ import annotations

import statistics
import time
from typing import Any

import torch
import torch.nn.functional as F
from omegaconf import DictConfig

from tinythink.bench.config import PRECISIONS
from tinythink.bench.machine import synchronizer
from tinythink.bench.stats import abba, spread
from tinythink.model import ModelConfig


def matmul_gflops(n: int, dtype: torch.dtype, device: torch.device, repeats: int) -> float:
    """GFLOP/s of an (n, n) @ (n, n) matmul: median of ``repeats`` timed calls."""
    a = torch.randn(n, n, device=device).to(dtype)
    b = torch.randn(n, n, device=device).to(dtype)
    sync = synchronizer(device)
    a @ b  # warm up the kernel choice
    times = []
    for _ in range(repeats):
        sync()
        t = time.perf_counter()
        a @ b
        sync()
        times.append(time.perf_counter() - t)
    return 2 * n**3 / statistics.median(times) / 1e9


def matmul_peak(
    precision: str, sizes: list[int], device: torch.device, repeats: int
) -> dict[str, Any]:
    """The best square-matmul GFLOP/s over ``sizes`` in this precision's compute dtype."""
    dtype = PRECISIONS[precision] or torch.float32
    by_size = {n: matmul_gflops(n, dtype, device, repeats) for n in sizes}
    best = max(by_size, key=by_size.get)
    return {"gflops": by_size[best], "size": best, "by_size": by_size}


def attention_section(
    model: dict[str, Any], b: DictConfig, device: torch.device, training: dict[str, Any]
) -> dict[str, Any]:
    """Extra: causal SDPA forward + backward at the training shape, q/k/v in each precision.

    On CPU, SDPA runs its flash kernel; at small head sizes its bf16 backward can be
    slower than fp32, which decides whether attention should leave autocast.
    """
    c = ModelConfig(**model)
    shape = (b.batch_size, c.n_head, b.seq_len, c.head_dim)
    sync = synchronizer(device)
    times: dict[str, list[float]] = {p: [] for p in b.precisions}
    for r in range(b.attention.repeats):
        for precision in abba(b.precisions, r):
            dtype = PRECISIONS[precision] or torch.float32
            q, k, v = (
                torch.randn(shape, device=device, dtype=dtype, requires_grad=True) for _ in range(3)
            )
            for _ in range(2):  # the first call warms up, the second is timed
                sync()
                t = time.perf_counter()
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
                y.backward(torch.ones_like(y))
                sync()
            times[precision].append(1e3 * (time.perf_counter() - t))
    report: dict[str, Any] = {"shape_bhtd": list(shape), "n_layer": c.n_layer, "by_precision": {}}
    for precision, ms in times.items():
        per_layer = spread(ms)
        step_ms = training["by_precision"][precision]["lightning"]["step_ms"]["median"]
        report["by_precision"][precision] = {
            "fwd_bwd_ms_per_layer": per_layer,
            "share_of_step": per_layer["median"] * c.n_layer / step_ms,
        }
    return report
