"""The entry point, as a user runs it: ``python -m tinythink.bench bench=quick``."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_cli_writes_under_logs_bench(tmp_path):
    """As a user runs it: ``python -m tinythink.bench bench=quick`` -> logs/bench/<time>/."""
    result = subprocess.run(
        [sys.executable, "-m", "tinythink.bench", "bench=quick", f"paths.log_dir={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # Only a guard against a hang: the assert is on the output, never on the time, and
        # a bench=quick run on a loaded CI machine can take minutes.
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Lightning runs at" in result.stdout
    (run,) = (tmp_path / "bench").iterdir()
    assert {"bench.json", "bench.md"} <= {p.name for p in run.iterdir()}
