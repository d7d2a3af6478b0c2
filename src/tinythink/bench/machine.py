"""The machine a bench ran on: CPU, threads, versions, load, and how to wait for a device."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from datetime import datetime
from typing import Any

import lightning as L
import torch

from tinythink.devices import cpu_flags, cpu_has_fast_bf16, cpu_info


def cpu_model() -> str:
    for line in cpu_info().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def cpu_bf16_flags() -> list[str]:
    return sorted(cpu_flags() & {"amx_bf16", "amx_tile", "avx512_bf16"})


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_header(device: torch.device) -> dict[str, Any]:
    header = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "device": str(device),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "num_threads": torch.get_num_threads(),
        "num_interop_threads": torch.get_num_interop_threads(),
        "torch": torch.__version__,
        "lightning": L.__version__,
        "python": platform.python_version(),
        "cpu_bf16_flags": cpu_bf16_flags(),
        "cpu_fast_bf16": cpu_has_fast_bf16(),
        "load_average_start": load_average(),
    }
    if device.type == "cuda":
        header["gpu"] = torch.cuda.get_device_name(device)
    return header


def resolve_device(name: str) -> torch.device:
    """``bench.device``: ``auto`` is cuda where there is one, else cpu."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def synchronizer(device: torch.device) -> Callable[[], None]:
    """Waits for the device's queued work, so a timestamp means finished work (no-op on CPU)."""
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    return lambda: None
