"""The model card (``README.md``) of an exported folder: what the model is and how well it does.

Figures come from the training run itself: ``results.json`` beside the checkpoint
(:class:`~tinythink.results.RunResult`), whose test metrics ``train.py`` measured
on ``best.ckpt``. Any other checkpoint gets a card that says it was not measured
and how to measure it, never figures that belong to another checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tinythink.checkpoints import Loaded
from tinythink.results import (
    ACC_CATEGORY,
    ACC_HARDER,
    ACC_STEPS,
    ANSWER_ACC,
    FILENAME,
    N_SCORED,
    RunResult,
    metric,
)

# Shown in this order; handwritten is people's own wording, never trained on.
CARD_SPLITS = {
    "test": "test (held-out generated problems, 1-4 steps)",
    "handwritten": "handwritten (people's own wording, never trained on)",
    "ood": "ood (5-6 steps or bigger numbers than any in training)",
}

OOD_HALVES = {"more_steps": "more steps", "bigger_numbers": "bigger numbers"}


@dataclass
class Provenance:
    """Where the exported checkpoint came from, as far as its run directory tells."""

    checkpoint: Path
    result: RunResult | None  # the run's results.json, if it belongs to this checkpoint
    command: str  # how it was trained, or "unknown"
    commit: str | None


def provenance(checkpoint: Path, commit: str | None) -> Provenance:
    """Read the run directory of ``<run>/checkpoints/<name>.ckpt`` (absent parts are fine)."""
    run_dir = checkpoint.parent.parent
    result = None
    if checkpoint.name == "best.ckpt" and (run_dir / FILENAME).is_file():
        try:
            result = RunResult.read(run_dir / FILENAME)
        except (OSError, ValueError):
            result = None
        if result is not None and result.status != "finished":
            result = None
    overrides = result.overrides if result is not None else _hydra_overrides(run_dir)
    command = "python train.py " + " ".join(overrides) if overrides is not None else "unknown"
    return Provenance(checkpoint, result, command.strip(), commit)


def _hydra_overrides(run_dir: Path) -> list[str] | None:
    path = run_dir / ".hydra" / "overrides.yaml"
    if not path.is_file():
        return None
    from omegaconf import OmegaConf

    return [str(o) for o in OmegaConf.load(path)]


def model_card(loaded: Loaded, name: str, source: Provenance, fmt: str = "hf") -> str:
    c = loaded.model.config
    data = loaded.data
    gen = data.get("generator") or {}
    train = gen.get("train") or {}
    result = source.result
    lines = [
        "---",
        "library_name: transformers",
        "license: mit",
        "pipeline_tag: text-generation",
        "tags: [tinythink, llama, chain-of-thought, arithmetic, tiny]",
        "---",
        "",
        f"# {name}",
        "",
        f"A {c.num_params:,}-parameter Llama-style decoder trained from scratch by "
        "tinythink to solve grade-school word problems: it writes "
        "its working between `<think>` and `</think>`, then `Answer: N`.",
        "",
        "| | |",
        "|---|---|",
        f"| parameters | {c.num_params:,} (embedding tied to the output head) |",
        f"| shape | {c.n_layer} layers, d_model {c.d_model}, {c.n_head} heads "
        f"({c.n_kv_head} key/value), SwiGLU {c.mlp_hidden}, RoPE theta {c.rope_theta:g} |",
        f"| context | {c.max_seq_len} tokens; vocabulary {c.vocab_size} (byte-level BPE, "
        "one token per digit) |",
        f"| trained | {loaded.step:,} steps with `{source.command}`"
        + (f", seed {result.seed}" if result is not None and result.seed is not None else "")
        + (f", {result.wall_time_s / 60:.1f} min" if result and result.wall_time_s else "")
        + " |",
        f"| code | tinythink commit {source.commit or 'unknown'} |",
        f"| data | {data.get('source', 'generated')}, format `{data.get('format', '?')}`"
        + (
            f": {gen.get('n_train', 0):,} generated problems, {train.get('min_steps')}-"
            f"{train.get('max_steps')} steps, families {', '.join(train.get('families', []))}"
            if gen
            else ""
        )
        + " |",
        "",
        "## Accuracy",
        "",
    ]
    lines += _accuracy(result)
    lines += [
        "",
        "## Use",
        "",
        "The prompt is `Q: <question>\\nA:`; greedy decoding; generation stops at `<eos>`.",
        "",
        *USAGE[fmt],
        "",
        "## Intended use and limits",
        "",
        "- A teaching and research model: how far a tiny model gets at reading and "
        "reasoning, and how to train, measure and ship one. Not for real arithmetic.",
        "- It knows only what its generator writes: whole numbers, the problem families "
        "above, at most the trained number of steps. Longer problems or bigger numbers "
        "than in training (the ood row) mostly fail; so do many questions in people's "
        "own wording (the handwritten row).",
        "- English only. It will answer anything with a number, including questions that "
        "have none: check the thinking, not just the answer.",
        "",
    ]
    return "\n".join(lines)


_QUESTION = "Tom has 3 apples and eats 1. How many are left?"
USAGE = {
    "hf": [
        "```python",
        "from transformers import AutoModelForCausalLM, AutoTokenizer",
        "tok, model = AutoTokenizer.from_pretrained(DIR), AutoModelForCausalLM.from_pretrained(DIR)",
        f'ids = tok.apply_chat_template([{{"role": "user", "content": "{_QUESTION}"}}], '
        'add_generation_prompt=True, return_tensors="pt", return_dict=True)["input_ids"]',
        "print(tok.decode(model.generate(ids, max_new_tokens=384)[0, ids.shape[1]:]))",
        "```",
        "",
        'In tinythink: `python generate.py --ckpt DIR "..."` and `python eval.py ckpt=DIR`.',
    ],
    "gguf": [
        "```python",
        "from llama_cpp import Llama",
        'llm = Llama("DIR/model.gguf", n_ctx=512, verbose=False)',
        f'print(llm("Q: {_QUESTION}\\nA:", max_tokens=384, temperature=0)["choices"][0]["text"])',
        "```",
        "",
        f'Or llama.cpp itself: `llama-completion -m DIR/model.gguf -p "Q: {_QUESTION}\\nA:" '
        "-n 384 --temp 0`.",
    ],
    "onnx": [
        "```python",
        "from tinythink.export.onnx import OnnxDecoder  # a 20-line greedy loop over onnxruntime",
        'dec = OnnxDecoder.from_folder("DIR"); print(dec.ask("' + _QUESTION + '"))',
        "```",
        "",
        "The graph takes `input_ids`, `attention_mask`, `position_ids` and "
        "`past_key_values.N.key/value`, and returns `logits` and `present.N.key/value`; "
        "`tokenizer.json` beside it is the `tokenizers` library's.",
    ],
}


def _accuracy(result: RunResult | None) -> list[str]:
    if result is None or not result.metrics:
        return [
            "Not measured for this checkpoint: `python eval.py ckpt=<this folder>` scores it "
            "on test, ood and handwritten."
        ]
    metrics = result.metrics
    rows = ["| split | problems | answer accuracy |", "|---|---:|---:|"]
    for split, label in CARD_SPLITS.items():
        acc = metrics.get(metric(split, ANSWER_ACC))
        if acc is not None:
            n = int(metrics.get(metric(split, N_SCORED), 0))
            rows.append(f"| {label} | {n:,} | {100 * acc:.1f}% |")
    steps = sorted(
        (k.removeprefix(metric("test", ACC_STEPS)), v)
        for k, v in metrics.items()
        if k.startswith(metric("test", ACC_STEPS)) and "plus" not in k
    )
    if steps:
        shown = ", ".join(f"{s} step{'s' if s != '1' else ''} {100 * v:.0f}%" for s, v in steps)
        rows += ["", f"Test accuracy by reasoning steps: {shown}."]
    halves = {h: metrics.get(metric("ood", ACC_HARDER + h)) for h in OOD_HALVES}
    if all(v is not None for v in halves.values()):
        shown = ", ".join(f"{label} {100 * halves[h]:.1f}%" for h, label in OOD_HALVES.items())
        rows += ["", f"Ood by half: {shown}."]
    prefix = metric("handwritten", ACC_CATEGORY)
    categories = sorted(
        (k.removeprefix(prefix), v) for k, v in metrics.items() if k.startswith(prefix)
    )
    if categories:
        shown = ", ".join(f"{c.replace('_', ' ')} {100 * v:.0f}%" for c, v in categories)
        rows += ["", f"Handwritten by what a problem tests: {shown}."]
    rows += [
        "",
        "Greedy decoding, measured by `train.py` on `best.ckpt` at the end of the run "
        "(`python eval.py ckpt=<this folder>` reproduces it).",
    ]
    return rows
