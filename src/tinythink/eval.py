"""``python eval.py ckpt=PATH``: answer accuracy of a checkpoint on held-out splits.

``file=problems.jsonl`` scores that file instead, as a split named after its stem.
A user error (no ``ckpt``, a bad ``limit``, a bad file or checkpoint) is one
``error:`` line on stderr and exit code 2; nothing is left in the run directory
and, if it holds only what Hydra wrote before ``main`` ran, it is removed.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import hydra
import torch
from omegaconf import DictConfig, OmegaConf
from rich.console import Console
from rich.table import Table

from tinythink.checkpoints import CheckpointError, Loaded, load_checkpoint
from tinythink.cli import CONFIG_DIR
from tinythink.data.datamodule import ThinkingDataModule
from tinythink.data.jsonl import read_jsonl
from tinythink.data.problem import Problem
from tinythink.devices import device_problem
from tinythink.evaluation.scoring import Attempt, any_correct, majority_vote, solve, summarize
from tinythink.training.wandb_setup import finish_wandb, make_wandb_logger
from tinythink.utils import atomic_write_json, atomic_write_text, discard_run_dir

log = logging.getLogger("tinythink")


def score_split(
    loaded: Loaded, problems: list[Problem], cfg: DictConfig
) -> dict[str, list[Attempt]]:
    """Greedy (or sampled) accuracy; with ``decoding.samples > 1`` also majority vote
    and pass@k (a right answer among the samples)."""
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
            results[f"pass@{dec.samples}"] = any_correct(samples)
    return results


def print_table(split: str, results: dict[str, list[Attempt]]) -> dict[str, dict[str, float]]:
    """Print accuracy overall, by steps and by family; return the summaries (all groups)."""
    summaries = {name: summarize(attempts) for name, attempts in results.items()}
    greedy = summaries["greedy"]
    total = greedy["n"]
    # A group holding every problem (steps_0 and family_custom of a file without
    # steps or family) only repeats "all": it is left out of the table, not the summary.
    keys = [
        k
        for k in greedy
        if k == "acc_all"
        or (k.startswith("acc/") and greedy[f"n/{k.removeprefix('acc/')}"] < total)
    ]
    console = Console()
    console.print(f"\n{split}: answer accuracy ({total} problems)")
    table = Table()
    table.add_column("group")
    table.add_column("n", justify="right")
    for name in summaries:
        table.add_column(name, justify="right")
    for key in keys:
        group = "all" if key == "acc_all" else key.removeprefix("acc/")
        n = total if key == "acc_all" else greedy[f"n/{group}"]
        table.add_row(group, str(int(n)), *(f"{s[key]:.1%}" for s in summaries.values()))
    console.print(table)
    return summaries


def check_settings(cfg: DictConfig) -> None:
    """Refuse a missing ``ckpt``, a device this machine lacks or a ``limit`` that is not
    a positive integer, before any work."""
    if OmegaConf.is_missing(cfg, "ckpt") or cfg.ckpt in (None, ""):
        raise ValueError(
            "ckpt is required: python eval.py ckpt=logs/train/runs/<run>/checkpoints/best.ckpt "
            "(or ckpt=models/tinythink-tiny, the shipped model)"
        )
    problem = device_problem(str(cfg.device))
    if problem:
        sep, fix = (" ", "") if problem.startswith("is not") else (": ", "; use device=cpu")
        raise ValueError(f"device={cfg.device}{sep}{problem}{fix}")
    limit = cfg.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0):
        raise ValueError(
            f"limit must be a positive integer (score the first N problems of each split) "
            f"or null for all of them, got {limit!r}; e.g. limit=100"
        )


def builtin_splits(cfg: DictConfig, loaded: Loaded) -> dict[str, list[Problem]]:
    """The problems of ``cfg.splits``, rebuilt from the data config the checkpoint carries."""
    names = [cfg.splits] if isinstance(cfg.splits, str) else list(cfg.splits)
    dm = ThinkingDataModule(**{**loaded.data, "cache_dir": cfg.paths.cache_dir})
    for split in names:
        if split not in dm.eval_splits:
            raise ValueError(
                f"unknown split {split!r}; this data has {', '.join(dm.eval_splits)} "
                "(or score your own file with file=problems.jsonl)"
            )
    if any(split in dm.splits for split in names):  # handwritten alone needs no cache
        dm.setup("test")
    return {split: dm.eval_problems(split) for split in names}


def attempts_jsonl(attempts: list[Attempt]) -> str:
    """One line per attempt: the problem (``answer`` is the expected one) and what the model said."""
    return "".join(
        json.dumps(
            {
                **a.problem.to_dict(),
                "completion": a.completion,
                "predicted": a.predicted,
                "correct": a.correct,
            }
        )
        + "\n"
        for a in attempts
    )


def evaluate(cfg: DictConfig) -> dict[str, Any]:
    check_settings(cfg)
    if cfg.get("num_threads"):
        torch.set_num_threads(int(cfg.num_threads))
    user_file = cfg.get("file")
    splits: dict[str, list[Problem]] = {}
    if user_file:  # read (and refuse) the file before the checkpoint is even loaded
        path = Path(str(user_file))
        splits[path.stem] = read_jsonl(path, option="file")
    loaded = load_checkpoint(cfg.ckpt, device=cfg.device)
    if not user_file:
        splits = builtin_splits(cfg, loaded)
    run_dir = Path(cfg.paths.run_dir)
    report: dict[str, Any] = {"ckpt": str(cfg.ckpt), "step": loaded.step, "splits": {}}
    if user_file:
        report["file"] = str(user_file)
    greedy: dict[str, list[Attempt]] = {}
    for split, problems in splits.items():
        results = score_split(loaded, problems[: cfg.limit] if cfg.limit else problems, cfg)
        report["splits"][split] = print_table(split, results)
        greedy[split] = results["greedy"]
    # Written once every split is scored: a failure midway leaves no partial results.
    for split, attempts in greedy.items():
        atomic_write_text(run_dir / f"attempts_{split}.jsonl", attempts_jsonl(attempts))
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
    except (CheckpointError, ValueError) as err:  # DataFileError is a ValueError
        discard_run_dir(Path(cfg.paths.run_dir))
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
