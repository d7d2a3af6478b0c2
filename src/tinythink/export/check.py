"""Does an export compute what the model computes? Asked of each format's own runtime.

For a list of questions, each runtime gives (1) the next-token logits over the
whole prompt and (2) its greedy continuation, which are compared with this
project's model (:func:`~tinythink.engine.generate_batch`): logits within
:data:`LOGIT_TOLERANCE`, generations token for token. ``export.py`` runs this on
a few questions before it calls an export done; the tests run it on 50.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from tinythink.checkpoints import Loaded
from tinythink.data.problem import prompt_text
from tinythink.data.tokenizer import EOS, PAD, encode
from tinythink.engine import generate_batch

# Float32 everywhere; runtimes sum in other orders (llama.cpp, fused ONNX kernels).
# Measured: below 1e-5 on logits of size ~10; a wrong layout is off by whole units.
LOGIT_TOLERANCE = 1e-3


@dataclass
class Parity:
    runtime: str  # e.g. "transformers 5.24.0"
    prompts: int
    max_logit_diff: float
    same_generations: int  # prompts whose greedy continuation matched token for token
    different: list[str]  # the questions whose continuation did not

    @property
    def ok(self) -> bool:
        return self.max_logit_diff <= LOGIT_TOLERANCE and self.same_generations == self.prompts

    def __str__(self) -> str:
        return (
            f"{self.runtime}: {self.same_generations}/{self.prompts} greedy answers identical, "
            f"max |logit difference| {self.max_logit_diff:.1e} (tolerance {LOGIT_TOLERANCE:g})"
        )


@dataclass
class Runtime:
    """An export loaded in its runtime, as the check (and the speed table) uses it."""

    name: str  # e.g. "transformers 5.24.0"
    logits: Callable[[list[int]], np.ndarray]  # prompt ids -> (T, V) next-token logits
    generate: Callable[[list[int], int], list[int]]  # prompt, budget -> greedy ids before eos


def compare(loaded: Loaded, questions: list[str], runtime: Runtime, max_new_tokens: int) -> Parity:
    tok = loaded.tokenizer
    prompts = [encode(tok, prompt_text(q)) for q in questions]
    ours = generate_batch(
        loaded.model,
        prompts,
        max_new_tokens=max_new_tokens,
        eos_id=tok.token_to_id(EOS),
        pad_id=tok.token_to_id(PAD),
    )
    worst, same, different = 0.0, 0, []
    device = loaded.model.lm_head.weight.device
    for question, prompt, expected in zip(questions, prompts, ours, strict=True):
        logits, generated = runtime.logits(prompt), runtime.generate(prompt, max_new_tokens)
        with torch.no_grad():
            reference = loaded.model(torch.tensor([prompt], device=device))[0].float().cpu()
        if logits.shape != tuple(reference.shape):
            raise AssertionError(
                f"{runtime.name} gives logits of shape {logits.shape}, not {tuple(reference.shape)}"
            )
        worst = max(worst, float(np.abs(logits - reference.numpy()).max()))
        if generated == expected:
            same += 1
        else:
            different.append(question)
    return Parity(runtime.name, len(questions), worst, same, different)


def hf_runtime(folder: Path, loaded: Loaded) -> Runtime:
    """Load the folder as a user would: ``Auto*.from_pretrained``, offline."""
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True).eval()
    tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    eos_id = loaded.tokenizer.token_to_id(EOS)

    @torch.no_grad()
    def logits(prompt: list[int]) -> np.ndarray:
        return model(torch.tensor([prompt])).logits[0].numpy()

    @torch.no_grad()
    def generate(prompt: list[int], max_new_tokens: int) -> list[int]:
        ids = torch.tensor([prompt])
        out = model.generate(
            ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens, do_sample=False
        )
        new = out[0, len(prompt) :].tolist()
        return new[: new.index(eos_id)] if eos_id in new else new

    check_hf_tokenizer(tok, loaded)
    return Runtime(f"transformers {transformers.__version__}", logits, generate)


def check_hf_tokenizer(tok: Any, loaded: Loaded) -> None:
    """The HF tokenizer and chat template must give the ids this project's tokenizer gives."""
    question = "Tom has 12 apples and eats 3. How many are left?"
    text = tok.apply_chat_template(
        [{"role": "user", "content": question}], tokenize=False, add_generation_prompt=True
    )
    if text != prompt_text(question):
        raise AssertionError(f"chat template gives {text!r}, expected {prompt_text(question)!r}")
    ids = tok(text, add_special_tokens=False)["input_ids"]
    if ids != encode(loaded.tokenizer, text):
        raise AssertionError("the Hugging Face tokenizer splits the prompt differently")
    if tok.eos_token_id != loaded.tokenizer.token_to_id(EOS):
        raise AssertionError(f"eos id {tok.eos_token_id} is not the model's")


def onnx_runtime(path: Path, loaded: Loaded) -> Runtime:
    import onnxruntime

    from tinythink.export.onnx import OnnxDecoder

    decoder = OnnxDecoder(path, loaded.model.config)
    eos_id = loaded.tokenizer.token_to_id(EOS)

    def logits(prompt: list[int]) -> np.ndarray:
        return decoder.step(np.array([prompt]), decoder.empty_past(1))[0][0]

    def generate(prompt: list[int], max_new_tokens: int) -> list[int]:
        return decoder.generate(prompt, max_new_tokens, eos_id)

    return Runtime(f"onnxruntime {onnxruntime.__version__}", logits, generate)


def llama_cpp_runtime(path: Path, loaded: Loaded) -> Runtime:
    """llama.cpp through ``llama-cpp-python``: its own tokenizer, its own kernels."""
    import llama_cpp

    config = loaded.model.config
    llm = llama_cpp.Llama(
        model_path=str(path),
        n_ctx=config.max_seq_len,
        logits_all=True,
        verbose=False,
        # llama.cpp caches keys/values in float16 by default (7e-3 off in the logits
        # here); float32 compares the weights and the arithmetic, not the cache type.
        type_k=llama_cpp.GGML_TYPE_F32,
        type_v=llama_cpp.GGML_TYPE_F32,
    )
    tok = loaded.tokenizer
    eos_id = tok.token_to_id(EOS)

    def logits(prompt: list[int]) -> np.ndarray:
        text = tok.decode(prompt, skip_special_tokens=False)
        theirs = llm.tokenize(text.encode(), add_bos=False, special=True)
        if theirs != prompt:
            raise AssertionError(f"llama.cpp tokenizes {text!r} as {theirs}, expected {prompt}")
        llm.reset()
        llm.eval(prompt)
        return np.array(llm.scores[: llm.n_tokens])

    def generate(prompt: list[int], max_new_tokens: int) -> list[int]:
        llm.reset()
        llm.eval(prompt)
        new: list[int] = []
        budget = min(max_new_tokens, config.max_seq_len - len(prompt))
        while len(new) < budget:
            token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
            if token == eos_id:
                break
            new.append(token)
            llm.eval([token])
        return new

    return Runtime(f"llama.cpp (llama-cpp-python {llama_cpp.__version__})", logits, generate)


def gguf_reader_runtime(path: Path, loaded: Loaded) -> Runtime:
    """Without llama.cpp: rebuild the model from what the file holds and run that.

    This checks the file's shape metadata, its tokens and every tensor (including
    the rotary reordering, undone here), but not llama.cpp's reading of them.
    """
    import gguf

    from tinythink.export.gguf import token_table
    from tinythink.export.layout import from_gguf
    from tinythink.model import ModelConfig, TinyThinkLM

    reader = gguf.GGUFReader(str(path))

    def field(key: str) -> Any:
        return reader.fields[key].contents()

    base = loaded.model.config
    config = ModelConfig(
        **{
            **base.to_dict(),
            "d_model": field("llama.embedding_length"),
            "n_layer": field("llama.block_count"),
            "n_head": field("llama.attention.head_count"),
            "n_kv_head": field("llama.attention.head_count_kv"),
            "mlp_hidden": field("llama.feed_forward_length"),
            "max_seq_len": field("llama.context_length"),
            "rope_theta": field("llama.rope.freq_base"),
            "norm_eps": field("llama.attention.layer_norm_rms_epsilon"),
        }
    )
    tokens, types = token_table(loaded.tokenizer, base.vocab_size)
    if field("tokenizer.ggml.tokens") != tokens or field("tokenizer.ggml.token_type") != types:
        raise AssertionError(f"{path}: the token table differs from the tokenizer's")
    state = {t.name: torch.from_numpy(np.array(t.data)) for t in reader.tensors}
    rebuilt = TinyThinkLM(config).eval()
    rebuilt.load_state_dict(from_gguf(state, config.n_head, config.n_kv_head))
    tok = loaded.tokenizer

    @torch.no_grad()
    def logits(prompt: list[int]) -> np.ndarray:
        return rebuilt(torch.tensor([prompt]))[0].numpy()

    def generate(prompt: list[int], max_new_tokens: int) -> list[int]:
        eos_id, pad_id = tok.token_to_id(EOS), tok.token_to_id(PAD)
        return generate_batch(rebuilt, [prompt], max_new_tokens, eos_id, pad_id)[0]

    name = f"the GGUF file read back with gguf {_version('gguf')} (llama.cpp not run)"
    return Runtime(name, logits, generate)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)
