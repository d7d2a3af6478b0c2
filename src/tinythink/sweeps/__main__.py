"""``python -m tinythink.sweeps DIR``: rebuild a sweep's report, e.g. after a crash or mid-sweep."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tinythink.sweeps.report import build_comparison, build_report
from tinythink.sweeps.tables import COMPARISONS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tinythink.sweeps",
        description="Rebuild a sweep's leaderboard (md + csv) and plots from its results.json files.",
    )
    parser.add_argument("sweep_dir", help="a multirun directory, e.g. logs/train/multiruns/<time>")
    parser.add_argument("--out", help="where to write the files (default: the sweep directory)")
    parser.add_argument(
        "--compare",
        choices=sorted(COMPARISONS),
        help="also write <name>.{md,csv,png}: two arms compared over seeds, as "
        "experiment=cot_vs_direct (data.format) and experiment=sft_vs_rl (stage) do",
    )
    parser.add_argument(
        "--compare-formats",
        action="store_const",
        const="cot_vs_direct",
        dest="compare",
        help="the same as --compare cot_vs_direct",
    )
    args = parser.parse_args(argv)
    sweep_dir = Path(args.sweep_dir)
    if not sweep_dir.is_dir():
        print(f"error: {sweep_dir} is not a directory", file=sys.stderr)
        return 2
    report = build_report(sweep_dir, args.out)
    if not report.rows:
        print(
            f"error: no jobs under {sweep_dir} (no */results.json): "
            f"pass the sweep directory itself, e.g. logs/train/multiruns/<time>",
            file=sys.stderr,
        )
        return 2
    print(report.files[0].read_text())
    files = report.files
    if args.compare:
        comparison = build_comparison(sweep_dir, args.out, name=args.compare)
        if comparison is None:
            print(f"error: no finished runs under {sweep_dir} to compare", file=sys.stderr)
            return 2
        print(comparison.read_text())
        files = [*files, *(comparison.with_suffix(s) for s in (".md", ".csv", ".png"))]
    print("Wrote " + ", ".join(str(p) for p in files))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
