"""Entry point of ``python -m tinythink.bench``: run, write bench.json and bench.md, print."""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from tinythink.bench.report import print_report, write_report
from tinythink.bench.run import quiet_lightning, run_bench
from tinythink.cli import CONFIG_DIR
from tinythink.utils import atomic_write_json


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="bench")
def main(cfg: DictConfig) -> None:
    out_dir = Path(HydraConfig.get().runtime.output_dir)  # logs/bench/<timestamp>
    if cfg.bench.get("time_to_acc"):
        from tinythink.bench.time_to_acc import print_time_to_acc, run_time_to_acc

        result = run_time_to_acc(cfg, out_dir)
        atomic_write_json(out_dir / "time_to_acc.json", result)
        print_time_to_acc(result)
        print(f"Wrote {out_dir / 'time_to_acc.json'}", flush=True)
        return
    quiet_lightning()
    report = run_bench(cfg)
    write_report(report, out_dir)
    print_report(report)
    print(f"Wrote {out_dir / 'bench.json'} and {out_dir / 'bench.md'}", flush=True)


if __name__ == "__main__":
    main()
