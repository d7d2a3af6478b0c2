"""``python generate.py ckpt=PATH prompt="..."``: the model's thinking and answer."""

from __future__ import annotations

import sys

import hydra
import torch
from omegaconf import DictConfig

from tinythink.data.problem import Problem, split_thinking
from tinythink.evaluation.checkpoint import CheckpointError, load_checkpoint
from tinythink.evaluation.evaluate import solve
from tinythink.train import CONFIG_DIR


def answer(cfg: DictConfig) -> str:
    loaded = load_checkpoint(cfg.ckpt, device=cfg.device)
    question = str(cfg.prompt).strip()
    if question.startswith("Q:"):  # accept the full training layout too
        question = question[2:].split("\nA:")[0].strip()
    gen = torch.Generator().manual_seed(int(cfg.seed))
    (attempt,) = solve(
        loaded.model,
        loaded.tokenizer,
        [Problem(question, answer=0)],
        max_new_tokens=cfg.max_new_tokens,
        temperature=cfg.temperature,
        top_k=cfg.top_k,
        generator=gen,
    )
    thinking, rest = split_thinking(attempt.completion)
    lines = [f"Q: {question}"]
    if thinking:
        lines.append(f"Thinking: {thinking}")
    lines.append(rest if rest else "(no answer)")
    return "\n".join(lines)


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="generate")
def main(cfg: DictConfig) -> None:
    try:
        print(answer(cfg))
    except CheckpointError as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
