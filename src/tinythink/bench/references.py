"""Section 7: the project's model against the models a user would otherwise train.

At equal width, depth, heads, vocabulary, batch and sequence length, in the same
run, alternating (ABBA), each trained by the same plain loop (the precision
``train.py`` picks here, gradient clipping; the references with AdamW):

- **tinythink**: ``TinyThinkLM`` with the module's own optimizer (``make_optimizer``, as
  ``train.py`` steps it: Muon + AdamW by default), attention in fp32 on CPU;
- **hf_llama**: Hugging Face ``LlamaForCausalLM`` built with the identical
  architecture (``export.hf.hf_config``), the library a user would pick instead
  (needs the ``export`` extra; skipped without ``transformers``);
- **gpt2**: the classic baseline, written here: learned positions, LayerNorm,
  GELU MLP of 4x width, tied head, no biases (nanoGPT's ``bias=False`` model).

The ratios are tinythink's tokens/s over each reference's, per repeat, medians.
Lightning's own cost on top of the plain loop is section 1 (``lightning`` vs ``plain``).
"""

from __future__ import annotations

import importlib.util
import math
import statistics
import time
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from tinythink.bench.config import PRECISIONS
from tinythink.bench.machine import synchronizer
from tinythink.bench.stats import abba, cycles, step_time
from tinythink.model import ModelConfig, TinyThinkLM
from tinythink.training.optimizers import make_optimizer

REFERENCES = ("hf_llama", "gpt2")


class GPT2Block(nn.Module):
    def __init__(self, d: int, n_head: int) -> None:
        super().__init__()
        self.n_head = n_head
        self.ln_1 = nn.LayerNorm(d, bias=False)
        self.c_attn = nn.Linear(d, 3 * d, bias=False)
        self.c_proj = nn.Linear(d, d, bias=False)
        self.ln_2 = nn.LayerNorm(d, bias=False)
        self.c_fc = nn.Linear(d, 4 * d, bias=False)
        self.mlp_proj = nn.Linear(4 * d, d, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.c_proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class GPT2Reference(nn.Module):
    """A GPT-2-style decoder of the given shape (the classic baseline, not this project's)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        d = config.d_model
        self.wte = nn.Embedding(config.vocab_size, d)
        self.wpe = nn.Embedding(config.max_seq_len, d)
        self.blocks = nn.ModuleList(GPT2Block(d, config.n_head) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(d, bias=False)
        self.lm_head = nn.Linear(d, config.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx: Tensor) -> Tensor:
        pos = torch.arange(idx.size(1), device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))


def build(name: str, config: ModelConfig, optim: dict[str, Any], total: int):
    """(forward: inputs -> logits, optimizer, parameters) of one contender."""
    if name == "tinythink":
        net = TinyThinkLM(config)
        optimizer, _ = make_optimizer(net, optim, total)
        return net, net, optimizer
    if name == "gpt2":
        net = GPT2Reference(config)
    else:
        from transformers import LlamaForCausalLM

        from tinythink.export.hf import hf_config

        llama = LlamaForCausalLM(hf_config(config, eos_id=1, pad_id=0))
        llama.config.use_cache = False

        class Logits(nn.Module):  # the same call shape as the others: ids -> logits
            def __init__(self) -> None:
                super().__init__()
                self.llama = llama

            def forward(self, idx: Tensor) -> Tensor:
                return self.llama(input_ids=idx).logits

        net = Logits()
    decay = [p for p in net.parameters() if p.dim() >= 2]
    gains = [p for p in net.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": optim["weight_decay"]},
         {"params": gains, "weight_decay": 0.0}],
        lr=optim["lr"], betas=tuple(optim["betas"]), foreach=True,
    )  # fmt: skip
    return net, net, optimizer


def time_steps(
    name: str, config: ModelConfig, optim: dict[str, Any], batches: list[dict[str, Tensor]],
    precision: str, warmup: int, steps: int, clip: float, seed: int, device: torch.device,
) -> dict[str, Any]:  # fmt: skip
    torch.manual_seed(seed)
    net, forward, optimizer = build(name, config, optim, warmup + steps + 1)
    net.to(device).train()
    dtype = PRECISIONS[precision]
    sync: Callable[[], None] = synchronizer(device)
    times, losses = [], []
    for batch in batches[: warmup + steps]:
        sync()
        times.append((time.perf_counter(), time.process_time()))
        inputs, targets = batch["inputs"].to(device), batch["targets"].to(device)
        with torch.autocast(device.type, dtype=dtype or torch.float32, enabled=dtype is not None):
            logits = forward(inputs)
            loss = F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
    sync()
    times.append((time.perf_counter(), time.process_time()))
    run = cycles(times, warmup, steps)
    run["first_loss"] = losses[0]
    run["num_params"] = sum(p.numel() for p in net.parameters())
    return run


def references_section(
    batches: list[dict[str, Tensor]], model: dict[str, Any], optim: dict[str, Any],
    b: Any, precision: str, seed: int, device: torch.device,
) -> dict[str, Any]:  # fmt: skip
    """tokens/s of tinythink and each reference, interleaved; per-repeat ratios."""
    config = ModelConfig(**model)
    names = ["tinythink", *REFERENCES]
    skipped = {}
    if importlib.util.find_spec("transformers") is None:
        names.remove("hf_llama")
        skipped["hf_llama"] = 'transformers is not installed (pip install -e ".[export]")'
    r = b.references
    tokens = batches[0]["inputs"].numel()
    runs: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    for repeat in range(r.repeats):
        for name in abba(names, repeat):
            runs[name].append(
                time_steps(
                    name,
                    config,
                    optim,
                    batches,
                    precision,
                    r.warmup,
                    r.steps,
                    b.train.gradient_clip_val,
                    seed,
                    device,
                )
            )
    out: dict[str, Any] = {"precision": precision, "skipped": skipped, "models": {}, "ratios": {}}
    for name in names:
        speeds = [tokens / step_time(run) for run in runs[name]]
        out["models"][name] = {
            "tokens_per_s": statistics.median(speeds),
            "runs": speeds,
            "num_params": runs[name][0]["num_params"],
            "first_loss": runs[name][0]["first_loss"],
        }
    for ref in names[1:]:
        per_repeat = [
            step_time(theirs) / step_time(ours)
            for ours, theirs in zip(runs["tinythink"], runs[ref], strict=True)
        ]
        out["ratios"][f"tinythink_vs_{ref}"] = {
            "median": statistics.median(per_repeat),
            "runs": per_repeat,
        }
    # Every contender starts from near-uniform predictions over the vocabulary.
    out["uniform_loss"] = math.log(config.vocab_size)
    return out
