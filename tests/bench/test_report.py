"""The renderer: bench.json and bench.md on disk, and the terminal tables."""

from __future__ import annotations

import json

from tinythink.bench.report import print_report
from tinythink.bench.run import SECTIONS


def test_report_files(quick):
    report, out = quick
    on_disk = json.loads((out / "bench.json").read_text())
    assert set(SECTIONS) <= set(on_disk)
    md = (out / "bench.md").read_text()
    titles = ("1. Training", "1b. Lightning", "2. Precision", "3. MFU", "4. Eval", "5. Data", "6.")
    for title in titles:
        assert f"## {title}" in md
    print_report(report)  # renders without error
