"""Batched generation with a KV cache: the fast path for evaluation, the CLI and benchmarks.

TinyThinkLM.generate (model.py) is the readable reference: one prompt, the whole
sequence run again each step. generate_batch here picks the same tokens, faster:
prompts of different lengths run as one left-padded batch, and each layer's keys
and values are cached, so every step after the prompt feeds only the newest token.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from tinythink.model import TinyThinkLM, check_sampling, next_token


class KVCache:
    """Preallocated keys/values for one attention layer during generation.

    Slots are written left to right; `length` is the number of filled slots.
    """

    def __init__(
        self,
        batch: int,
        n_kv_head: int,
        max_len: int,
        head_dim: int,
        device: torch.device,
        dtype: torch.dtype,
    ) -> None:
        self.k = torch.zeros(batch, n_kv_head, max_len, head_dim, device=device, dtype=dtype)
        self.v = torch.zeros_like(self.k)
        self.length = 0

    def update(self, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        """Append k, v (B, nkv, T, hs); return all keys/values so far (B, nkv, S, hs)."""
        start, end = self.length, self.length + k.size(2)
        if end > self.k.size(2):
            raise RuntimeError(f"KV cache overflow: {end} > {self.k.size(2)} slots")
        self.k[:, :, start:end] = k
        self.v[:, :, start:end] = v
        self.length = end
        return self.k[:, :, :end], self.v[:, :, :end]


@torch.no_grad()
def generate_batch(
    model: TinyThinkLM,
    prompts: list[list[int]],
    max_new_tokens: int,
    eos_id: int,
    pad_id: int,
    temperature: float = 0.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
    use_cache: bool = True,
    on_token: Callable[[Tensor], None] | None = None,
) -> list[list[int]]:
    """Continue each prompt; return only the new tokens, cut before the first eos.

    Prompts of different lengths run as one batch: they are left-padded, pads are
    masked out as keys, and each row gets its own positions (0 at its first real
    token), so every row matches what generating it alone would give.
    temperature == 0 is greedy; otherwise sample from softmax(logits / temperature),
    optionally restricted to the top_k tokens. use_cache=False recomputes the whole
    sequence each step (a slow baseline with the same outputs).
    max_new_tokens is clipped so prompt + output fits in max_seq_len.
    on_token, if given, is called with each step's new tokens (B,) as soon as they
    are picked (eos included; rows already done keep getting tokens), for streaming.
    """
    if not prompts or any(len(p) == 0 for p in prompts):
        raise ValueError("generate needs at least one prompt and every prompt non-empty")
    check_sampling(temperature, top_k)
    max_len = model.config.max_seq_len
    lengths = [len(p) for p in prompts]
    prompt_len = max(lengths)
    if prompt_len > max_len:
        raise ValueError(f"prompt of {prompt_len} tokens is longer than max_seq_len={max_len}")
    max_new = max(0, min(max_new_tokens, max_len - prompt_len))
    B, total = len(prompts), prompt_len + max_new
    device = model.lm_head.weight.device
    if max_new == 0:
        return [[] for _ in prompts]

    # Left-pad into one (B, prompt_len) tensor; row b's real tokens start at slot pad[b].
    pad = torch.tensor([prompt_len - n for n in lengths], device=device)  # (B,)
    seq = torch.full((B, total), pad_id, dtype=torch.long, device=device)  # (B, total)
    for b, p in enumerate(prompts):
        seq[b, pad[b] : prompt_len] = torch.tensor(p, dtype=torch.long, device=device)
    slots = torch.arange(total, device=device)  # (total,)
    positions = (slots[None, :] - pad[:, None]).clamp(min=0)  # (B, total)
    key_ok = slots[None, :] >= pad[:, None]  # (B, total): False on pads

    def mask(start: int, end: int) -> Tensor:
        """(B, 1, end-start, end): query slots start..end-1 over key slots 0..end-1."""
        q, k = slots[start:end, None], slots[None, :end]  # (T, 1), (1, S)
        # Pad queries may also see themselves: on some torch versions a query with
        # nothing to attend to gives NaN, and NaN * 0 attention weight would then
        # leak into the real rows through the pads' keys and values.
        allowed = (k <= q) & (key_ok[:, None, :end] | (k == q))  # (B, T, S)
        return allowed[:, None]  # (B, 1, T, S)

    cache = None
    if use_cache:
        dtype = model.lm_head.weight.dtype
        cache = [
            KVCache(B, model.config.n_kv_head, total, model.config.head_dim, device, dtype)
            for _ in model.blocks
        ]
    # Prefill: the whole prompt in one pass.
    n = prompt_len
    logits = model(seq[:, :n], positions[:, :n], mask(0, n), cache)[:, -1]  # (B, V)
    done = torch.zeros(B, dtype=torch.bool, device=device)
    cur = prompt_len
    while True:
        nxt = next_token(logits, temperature, top_k, generator)  # (B,)
        seq[:, cur] = nxt
        if on_token is not None:
            on_token(nxt)
        cur += 1
        done |= nxt == eos_id
        if cur == total or bool(done.all()):
            break
        if use_cache:  # feed only the new token; keys/values of the rest are cached
            logits = model(
                seq[:, cur - 1 : cur], positions[:, cur - 1 : cur], mask(cur - 1, cur), cache
            )[:, -1]
        else:
            logits = model(seq[:, :cur], positions[:, :cur], mask(0, cur))[:, -1]

    out = []
    for row in seq[:, prompt_len:cur].tolist():
        out.append(row[: row.index(eos_id)] if eos_id in row else row)
    return out
