"""Checkpoints for export tests: the shipped model, and a built one with the awkward cases.

The built one is random (its answers are nonsense, parity does not care) and has
what the shipped model lacks: grouped-query attention (k has fewer heads than q,
so the llama.cpp reordering of k differs from q's) and a tokenizer smaller than
the embedding (rows no token uses, which GGUF must pad).
"""

from __future__ import annotations

from pathlib import Path

import torch

from tests.conftest import compose_in
from tests.presets import preset
from tinythink.checkpoints import load_checkpoint
from tinythink.cli import SHIPPED_MODEL
from tinythink.data.jsonl import read_handwritten
from tinythink.data.problem import prompt_text
from tinythink.data.tokenizer import train_tokenizer
from tinythink.export import check
from tinythink.export.main import export
from tinythink.model import TinyThinkLM

VOCAB_ROWS = 300  # embedding rows; the tokenizer below has fewer tokens
TEXTS = [
    prompt_text(p.question) + " <think> 3-1=2, so 2. </think> Answer: 2"
    for p in read_handwritten()[:40]
]


def built_checkpoint(folder: Path, **model: object) -> Path:
    """A checkpoint laid out as training writes it, with a GQA model by default."""
    tok = train_tokenizer(TEXTS, vocab_size=VOCAB_ROWS - 20)  # rows no token uses: GGUF pads
    settings = {"d_model": 64, "n_layer": 2, "n_head": 4, "n_kv_head": 2}
    config = preset("micro", vocab_size=VOCAB_ROWS, max_seq_len=256, **{**settings, **model})
    torch.manual_seed(0)
    net = TinyThinkLM(config)
    path = folder / "built.ckpt"
    torch.save(
        {
            "state_dict": {f"net.{k}": v for k, v in net.state_dict().items()},
            "hyper_parameters": {"model": config.to_dict(), "eval": {"max_new_tokens": 48}},
            "tokenizer": tok.to_str(),
            "global_step": 7,
        },
        path,
    )
    return path


def shipped() -> Path:
    assert SHIPPED_MODEL.is_dir(), f"the shipped model is missing: {SHIPPED_MODEL}"
    return SHIPPED_MODEL


def questions(n: int) -> list[str]:
    """The first ``n`` hand-written questions: people's wording, never trained on."""
    return [p.question for p in read_handwritten()[:n]]


def export_to(folder: Path, ckpt: Path, fmt: str, *overrides: str) -> tuple[Path, check.Parity]:
    """``python export.py`` in-process into ``folder/out``: the folder and the export's own check."""
    out = folder / "out"
    cfg = compose_in(
        "export", folder / "run", f"ckpt={ckpt}", f"out={out}", f"format={fmt}", *overrides
    )
    return out, export(cfg)


def assert_shipped_model_matches_on_50(make_runtime, artefact: Path) -> check.Runtime:
    """The shipped model in a runtime: 50 hand-written questions, identical greedy answers,
    logits within the check's tolerance."""
    loaded = load_checkpoint(shipped())
    runtime = make_runtime(artefact, loaded)
    parity = check.compare(loaded, questions(50), runtime, max_new_tokens=384)
    assert parity.same_generations == 50, parity.different
    assert parity.max_logit_diff <= check.LOGIT_TOLERANCE
    return runtime
