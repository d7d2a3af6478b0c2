"""What this machine runs: whether a named device exists, and the precision to train in.

The device check is asked before anything is loaded, so that ``--device cuda`` on a
laptop is one ``error:`` line instead of an assertion deep inside ``Module.to``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import torch


def device_problem(name: str) -> str | None:
    """What is wrong with device ``name`` here (cpu, cuda, cuda:N, mps), or None."""
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        device = None
    if device is None or device.type not in ("cpu", "cuda", "mps"):
        return "is not a device; use cpu, cuda, cuda:N or mps"
    if device.type == "cuda":
        if not torch.cuda.is_available():
            build = "a CPU-only build" if torch.version.cuda is None else "no GPU visible"
            return f"CUDA is not available here (torch {torch.__version__}, {build})"
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            return (
                f"this machine has {count} CUDA device(s), cuda:0 to cuda:{count - 1}; "
                "pick one of those"
            )
    if device.type == "mps" and not torch.backends.mps.is_available():
        return "MPS is not available here"
    return None


@functools.cache
def cpu_info() -> str:
    """/proc/cpuinfo, read once per process ('' off Linux)."""
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags, as whole words (``avx512_bf16``, ``amx_tile`` ...)."""
    return frozenset(cpu_info().split())


def cpu_has_fast_bf16() -> bool:
    """AMX or AVX-512 BF16: bf16 matmuls then run ~2x faster than fp32 on the CPU."""
    return bool(cpu_flags() & {"amx_bf16", "avx512_bf16"})


def choose_precision(requested: str, accelerator: str) -> str:
    """Resolve ``trainer.precision=auto`` to the fastest precision this machine runs well.

    CPU: bf16 autocast where the hardware has AMX or AVX-512 BF16, else fp32.
    CUDA: fp32 with TF32 matmuls (set here, process-wide).
    """
    if requested != "auto":
        return requested
    if accelerator in ("gpu", "cuda", "auto") and torch.cuda.is_available():
        # A model under the 2M cap leaves a GPU waiting on kernel launches, and
        # autocast's casts only add launches: on an H200 bf16-mixed trained at 0.88x
        # the tokens/s of fp32 (docs/performance.md). fp32 it is, with TF32 matmuls.
        torch.set_float32_matmul_precision("high")
        return "32-true"
    return "bf16-mixed" if cpu_has_fast_bf16() else "32-true"
