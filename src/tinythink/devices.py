"""Whether a torch device named on the command line exists on this machine.

Asked before anything is loaded, so that ``--device cuda`` on a laptop is one
``error:`` line instead of an assertion deep inside ``Module.to``.
"""

from __future__ import annotations

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
