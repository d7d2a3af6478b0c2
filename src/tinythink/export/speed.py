"""Generation speed and file size of one model in every runtime: ``python -m tinythink.export.speed``.

Exports the model (default: the shipped one) to GGUF and ONNX in a temporary
folder, then answers the same hand-written questions greedily, one at a time, in
tinythink's engine (KV cache), ``transformers``, onnxruntime and llama.cpp (the
last only if ``llama-cpp-python`` is installed). Rounds are interleaved so a busy
machine slows every runtime alike; the table shows each runtime's median round in
new tokens per second, and its ratio to tinythink's engine measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
import time
from pathlib import Path

import torch

from tinythink.checkpoints import Loaded, load_checkpoint
from tinythink.cli import SHIPPED_MODEL
from tinythink.data.jsonl import read_handwritten
from tinythink.data.problem import prompt_text
from tinythink.data.tokenizer import EOS, PAD, encode
from tinythink.engine import generate_batch
from tinythink.export import check
from tinythink.export.card import Provenance
from tinythink.export.main import write

MAX_NEW_TOKENS = 384
ENGINE = "tinythink engine"


def runtimes(loaded: Loaded, folder: Path, tmp: Path) -> list[tuple[check.Runtime, Path]]:
    """Each runtime with the file it runs, loaded once."""
    tok = loaded.tokenizer

    def engine(prompt: list[int], budget: int) -> list[int]:
        eos_id, pad_id = tok.token_to_id(EOS), tok.token_to_id(PAD)
        return generate_batch(loaded.model, [prompt], budget, eos_id, pad_id)[0]

    weights = folder / "model.safetensors"
    found = [
        (check.Runtime(ENGINE, lambda prompt: None, engine), weights),
        (check.hf_runtime(folder, loaded), weights),
    ]
    origin = Provenance(folder, None, "unknown", None)
    onnx_file = write("onnx", loaded, _fresh(tmp / "onnx"), "speed", origin)
    found.append((check.onnx_runtime(onnx_file, loaded), onnx_file))
    if importlib.util.find_spec("llama_cpp") is not None:
        gguf_file = write("gguf", loaded, _fresh(tmp / "gguf"), "speed", origin)
        found.append((check.llama_cpp_runtime(gguf_file, loaded), gguf_file))
    return found


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def measure(loaded: Loaded, folder: Path, n_questions: int, rounds: int) -> list[dict]:
    questions = read_handwritten()[:n_questions]
    prompts = [encode(loaded.tokenizer, prompt_text(p.question)) for p in questions]
    with tempfile.TemporaryDirectory() as tmp:
        found = runtimes(loaded, folder, Path(tmp))
        speeds: dict[str, list[float]] = {runtime.name: [] for runtime, _ in found}
        produced: dict[str, int] = {}
        for _ in range(rounds):
            for runtime, _ in found:
                start = time.perf_counter()
                n = sum(len(runtime.generate(p, MAX_NEW_TOKENS)) for p in prompts)
                speeds[runtime.name].append(n / (time.perf_counter() - start))
                produced[runtime.name] = n
        base = statistics.median(speeds[ENGINE])
        return [
            {
                "runtime": runtime.name,
                "file": path.name,
                "mb": path.stat().st_size / 1e6,
                "new_tokens": produced[runtime.name],
                "tokens_per_s": statistics.median(speeds[runtime.name]),
                "ratio": statistics.median(speeds[runtime.name]) / base,
            }
            for runtime, path in found
        ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tinythink.export.speed", description=__doc__)
    parser.add_argument("model", nargs="?", default=str(SHIPPED_MODEL), help="a model folder")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    loaded = load_checkpoint(args.model)
    print(
        f"{args.questions} hand-written questions, greedy, one at a time, {args.rounds} "
        f"interleaved rounds, torch threads {torch.get_num_threads()}"
    )
    print(
        "| runtime | file | MB | new tokens | tokens/s | vs engine |\n|---|---|---:|---:|---:|---:|"
    )
    for row in measure(loaded, Path(args.model), args.questions, args.rounds):
        print(
            f"| {row['runtime']} | {row['file']} | {row['mb']:.1f} | {row['new_tokens']} | "
            f"{row['tokens_per_s']:.0f} | {row['ratio']:.2f}x |"
        )


if __name__ == "__main__":
    main()
