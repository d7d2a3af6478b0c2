"""``python eval.py ckpt=PATH``: answer accuracy of a checkpoint on held-out splits."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import hydra
import torch
from omegaconf import DictConfig
from rich.console import Console
from rich.table import Table

from tinythink.data.datamodule import ThinkingDataModule
from tinythink.evaluation.checkpoint import CheckpointError, load_checkpoint
from tinythink.evaluation.evaluate import Attempt, majority_vote, solve, summarize
from tinythink.train import CONFIG_DIR
from tinythink.training.loggers import finish_wandb, make_wandb_logger
from tinythink.utils import atomic_write_json, atomic_write_text

log = logging.getLogger("tinythink")


def score_split(loaded, problems, cfg: DictConfig) -> dict[str, dict[str, float]]:
    """Greedy (or sampled) accuracy; with ``decoding.samples > 1`` also majority vote."""
    dec = cfg.decoding
    kwargs: dict[str, Any] = {"max_new_tokens": cfg.max_new_tokens, "batch_size": cfg.batch_size}
    greedy = solve(loaded.model, loaded.tokenizer, problems, **kwargs)
    results = {"greedy": greedy}
    if dec.samples > 1 or dec.temperature > 0:
        gen = torch.Generator().manual_seed(dec.seed)
        temp = dec.temperature if dec.temperature > 0 else 0.7
        samples = [
            solve(
                loaded.model,
                loaded.tokenizer,
                problems,
                temperature=temp,
                top_k=dec.top_k,
                generator=gen,
                **kwargs,
            )
            for _ in range(max(1, dec.samples))
        ]
        results["sampled"] = samples[0]
        if dec.samples > 1:
            results[f"vote@{dec.samples}"] = majority_vote(samples)
    return results


def print_table(split: str, results: dict[str, list[Attempt]]) -> dict[str, dict[str, float]]:
    summaries = {name: summarize(attempts) for name, attempts in results.items()}
    keys = [k for k in next(iter(summaries.values())) if k.startswith("acc")]
    console = Console()
    console.print(f"\n{split}: answer accuracy ({summaries['greedy']['n']} problems)")
    table = Table()
    table.add_column("group")
    table.add_column("n", justify="right")
    for name in summaries:
        table.add_column(name, justify="right")
    for key in keys:
        group = "all" if key == "acc_all" else key.removeprefix("acc/")
        n = summaries["greedy"]["n"] if key == "acc_all" else summaries["greedy"][f"n/{group}"]
        table.add_row(group, str(int(n)), *(f"{s[key]:.1%}" for s in summaries.values()))
    console.print(table)
    return summaries


def evaluate(cfg: DictConfig) -> dict[str, Any]:
    if cfg.get("num_threads"):
        torch.set_num_threads(int(cfg.num_threads))
    loaded = load_checkpoint(cfg.ckpt, device=cfg.device)
    data_args = {**loaded.data, "cache_dir": cfg.paths.cache_dir}
    dm = ThinkingDataModule(**data_args)
    dm.setup("test")
    run_dir = Path(cfg.paths.run_dir)
    report: dict[str, Any] = {"ckpt": str(cfg.ckpt), "step": loaded.step, "splits": {}}
    for split in cfg.splits:
        if split not in dm.problems:
            raise ValueError(f"unknown split {split!r}; this data has {', '.join(dm.problems)}")
        problems = dm.eval_problems(split) if split == "val" else dm.problems[split]
        problems = problems[: cfg.limit] if cfg.limit else problems
        results = score_split(loaded, problems, cfg)
        report["splits"][split] = print_table(split, results)
        lines = "".join(
            json.dumps(
                {
                    **a.problem.to_dict(),
                    "completion": a.completion,
                    "predicted": a.predicted,
                    "correct": a.correct,
                }
            )
            + "\n"
            for a in results["greedy"]
        )
        atomic_write_text(run_dir / f"attempts_{split}.jsonl", lines)
    atomic_write_json(run_dir / "eval_results.json", report)
    log_to_wandb(cfg, report, run_dir)
    print(f"Results and every attempt: {run_dir}")
    return report


def log_to_wandb(cfg: DictConfig, report: dict[str, Any], run_dir: Path) -> None:
    """One W&B eval run: a summary table (split x group x decoding) and summary metrics."""
    if cfg.wandb.mode == "disabled":
        return
    import wandb

    logger = make_wandb_logger(
        project=cfg.wandb.project,
        mode=cfg.wandb.mode,
        save_dir=str(run_dir),
        job_type="eval",
        name=Path(cfg.ckpt).stem,
        config={"ckpt": str(cfg.ckpt), "step": report["step"]},
    )
    try:
        rows = []
        for split, by_decoding in report["splits"].items():
            for decoding, summary in by_decoding.items():
                for key, value in summary.items():
                    if key.startswith("acc"):
                        group = "all" if key == "acc_all" else key.removeprefix("acc/")
                        rows.append([split, decoding, group, value])
                        logger.experiment.summary[f"{split}/{decoding}/{group}"] = value
        table = wandb.Table(columns=["split", "decoding", "group", "accuracy"], data=rows)
        logger.experiment.log({"eval/accuracy": table})
    finally:
        finish_wandb()


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="eval")
def main(cfg: DictConfig) -> None:
    try:
        evaluate(cfg)
    except (CheckpointError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
