"""The renderer: bench.json and bench.md on disk, and the terminal tables."""

from __future__ import annotations

import json

from rich.console import Console

from tinythink.bench.report import print_report
from tinythink.bench.run import SECTIONS


def test_report_files(quick):
    report, out = quick
    on_disk = json.loads((out / "bench.json").read_text())
    assert set(SECTIONS) <= set(on_disk)
    assert on_disk == json.loads(json.dumps(report))  # every figure, as run_bench returned it
    md = (out / "bench.md").read_text()
    titles = ("1. Training", "1b. Lightning", "2. Precision", "3. MFU", "4. Eval", "5. Data", "6.")
    for title in titles:
        assert f"## {title}" in md
    print_report(report)  # renders without error
    # The tables print the report's own figures.
    tr, ev, d = report["training"], report["eval"], report["data"]
    headline = f"Lightning runs at {tr['headline_ratio']:.3f}x the plain PyTorch loop."
    assert headline in md
    assert f"identical outputs in all modes: {ev['same_outputs']}" in md
    assert f"| {ev['speedup_cache_vs_single']:.1f}x |" in md
    assert f"| headroom (loader / training) | {d['headroom']:,.0f}x |" in md
    for precision, e in report["mfu"]["by_precision"].items():
        for loop in ("lightning", "plain"):
            mfu = f"{e[loop]['mfu_measured_peak']:.1%}"
            assert f"| {precision} | {loop} | {e[loop]['achieved_gflops']:,.1f} |" in md
            assert f"| {mfu} |" in md
        ratio = tr["by_precision"][precision]["ratio_lightning_vs_plain"]["median"]
        assert f"| {precision} | lightning / plain | {ratio:.3f}x |" in md
    console = Console(record=True, width=200)
    print_report(report, console)
    assert headline in console.export_text()
