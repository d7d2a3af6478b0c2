"""What this machine runs: the precision trainer.precision=auto picks."""

import pytest
import torch


@pytest.mark.parametrize(
    ("requested", "cuda", "fast_cpu_bf16", "expected"),
    [
        ("auto", False, True, "bf16-mixed"),  # AMX / AVX-512 BF16 CPU
        ("auto", False, False, "32-true"),  # other CPUs: bf16 would be emulated
        ("auto", True, True, "32-true"),  # GPU: launch-bound at this size, TF32 matmuls
        ("16-mixed", True, True, "16-mixed"),  # an explicit choice is kept
    ],
)
def test_auto_precision(monkeypatch, requested, cuda, fast_cpu_bf16, expected):
    import tinythink.devices as devices

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(devices, "cpu_has_fast_bf16", lambda: fast_cpu_bf16)
    before = torch.get_float32_matmul_precision()
    try:
        assert devices.choose_precision(requested, "auto") == expected
        tf32 = requested == "auto" and cuda
        assert torch.get_float32_matmul_precision() == ("high" if tf32 else before)
    finally:
        torch.set_float32_matmul_precision(before)
