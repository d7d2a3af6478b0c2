"""An ONNX decoder step with past keys/values, and a greedy loop that runs it in onnxruntime.

The graph is one call of the model: ``input_ids`` (B, T), ``attention_mask`` (B, P+T)
(1 for real tokens, 0 for left padding), ``position_ids`` (B, T) and, per layer,
``past_key_values.N.key`` / ``.value`` (B, n_kv_head, P, head_dim) in; ``logits``
(B, T, vocab) and ``present.N.key`` / ``.value`` (B, n_kv_head, P+T, head_dim) out.
The same graph does the prompt (P = 0) and each next token (T = 1). The names
follow Hugging Face Optimum's decoders, so their tools recognise the layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from tinythink.checkpoints import Loaded
from tinythink.model import ModelConfig, TinyThinkLM

FILE = "model.onnx"
OPSET = 18


class PastCache:
    """The engine's cache interface over plain tensors: ``update`` concatenates.

    The engine's preallocated cache writes in place, which ONNX cannot express;
    this one returns new tensors, the presents the graph outputs.
    """

    def __init__(self, k: Tensor, v: Tensor) -> None:
        self.k, self.v = k, v

    @property
    def length(self) -> int:
        return self.k.size(2)

    def update(self, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        self.k, self.v = torch.cat([self.k, k], dim=2), torch.cat([self.v, v], dim=2)
        return self.k, self.v


class DecoderStep(nn.Module):
    """The model as a function of its inputs and past keys/values: what gets exported."""

    def __init__(self, model: TinyThinkLM) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, input_ids: Tensor, attention_mask: Tensor, position_ids: Tensor, *past: Tensor
    ) -> tuple[Tensor, ...]:
        T = input_ids.size(1)
        S = attention_mask.size(1)  # past + T
        slots = torch.arange(S, device=input_ids.device)
        q_slot = (torch.arange(T, device=input_ids.device) + (S - T))[:, None]  # (T, 1)
        # Causal over the whole row; padding is never a key, except to itself (a pad
        # query with nothing to see would give NaN, as in tinythink.engine).
        allowed = (slots[None] <= q_slot) & (
            attention_mask.bool()[:, None] | (slots[None] == q_slot)
        )
        caches = [PastCache(past[2 * i], past[2 * i + 1]) for i in range(len(past) // 2)]
        logits = self.model(input_ids, position_ids, allowed[:, None], caches)
        return (logits, *[t for c in caches for t in (c.k, c.v)])


def io_names(n_layer: int) -> tuple[list[str], list[str]]:
    past = [f"past_key_values.{i}.{kind}" for i in range(n_layer) for kind in ("key", "value")]
    present = [f"present.{i}.{kind}" for i in range(n_layer) for kind in ("key", "value")]
    return ["input_ids", "attention_mask", "position_ids", *past], ["logits", *present]


def write_onnx(loaded: Loaded, path: Path) -> None:
    config = loaded.model.config
    model = TinyThinkLM(config)  # a float32 CPU copy, whatever the loaded one is on
    model.load_state_dict(loaded.model.state_dict())
    step = DecoderStep(model.eval())
    B, T, P = 2, 3, 4  # a past longer than 1 so no dimension is specialised to 0 or 1
    past = [torch.zeros(B, config.n_kv_head, P, config.head_dim) for _ in range(2 * config.n_layer)]
    inputs = (
        torch.ones(B, T, dtype=torch.long),
        torch.ones(B, P + T, dtype=torch.long),
        torch.arange(P, P + T).expand(B, T).contiguous(),
        *past,
    )
    dynamic = torch.export.Dim.DYNAMIC  # batch, new tokens, past length, and their sum
    shapes = (
        {0: dynamic, 1: dynamic},
        {0: dynamic, 1: dynamic},
        {0: dynamic, 1: dynamic},
        tuple({0: dynamic, 2: dynamic} for _ in past),  # *past is one argument to torch.export
    )
    inputs_names, output_names = io_names(config.n_layer)
    with torch.no_grad():
        program = torch.onnx.export(
            step,
            inputs,
            dynamo=True,
            dynamic_shapes=shapes,
            input_names=inputs_names,
            output_names=output_names,
            opset_version=OPSET,
            optimize=True,
            verbose=False,
        )
    program.save(str(path), external_data=False)


class OnnxDecoder:
    """Greedy generation in onnxruntime with the exported graph: feed the prompt, then one token at a time."""

    def __init__(self, path: str | Path, config: ModelConfig) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs, self.outputs = io_names(config.n_layer)
        self.config = config
        self.tokenizer: Any = None

    @classmethod
    def from_folder(cls, folder: str | Path) -> OnnxDecoder:
        """The ``model.onnx`` of a folder written by ``export.py format=onnx``, with its tokenizer."""
        from tokenizers import Tokenizer

        from tinythink.export.hf import read_meta

        folder = Path(folder)
        _, config = read_meta(folder)
        decoder = cls(folder / FILE, config)
        decoder.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        return decoder

    def ask(self, question: str, max_new_tokens: int = 384) -> str:
        """The thinking and answer to one question, as text (needs :meth:`from_folder`)."""
        from tinythink.data.problem import prompt_text
        from tinythink.data.tokenizer import EOS, decode, encode

        prompt = encode(self.tokenizer, prompt_text(question))
        new = self.generate(prompt, max_new_tokens, self.tokenizer.token_to_id(EOS))
        return decode(self.tokenizer, new)

    def step(self, ids: Any, past: list[Any]) -> tuple[Any, list[Any]]:
        """Logits (B, T, V) for ids (B, T) after ``past``; the presents to pass next."""
        import numpy as np

        B, T = ids.shape
        P = past[0].shape[2]
        feed = {
            "input_ids": ids.astype(np.int64),
            "attention_mask": np.ones((B, P + T), dtype=np.int64),
            "position_ids": np.broadcast_to(np.arange(P, P + T, dtype=np.int64), (B, T)).copy(),
        }
        feed.update(zip(self.inputs[3:], past, strict=True))
        logits, *present = self.session.run(self.outputs, feed)
        return logits, present

    def empty_past(self, batch: int) -> list[Any]:
        import numpy as np

        shape = (batch, self.config.n_kv_head, 0, self.config.head_dim)
        return [np.zeros(shape, dtype=np.float32) for _ in range(2 * self.config.n_layer)]

    def generate(self, prompt: list[int], max_new_tokens: int, eos_id: int) -> list[int]:
        """Greedy continuation of one prompt, cut before eos (as tinythink.engine does)."""
        import numpy as np

        max_new_tokens = min(max_new_tokens, self.config.max_seq_len - len(prompt))
        logits, past = self.step(np.array([prompt]), self.empty_past(1))
        new: list[int] = []
        while len(new) < max_new_tokens:
            token = int(logits[0, -1].argmax())
            if token == eos_id:
                break
            new.append(token)
            logits, past = self.step(np.array([[token]]), past)
        return new
