"""The whole tinythink language model in one file.

A small Llama-style decoder: token embedding -> n_layer pre-norm blocks
(RMSNorm, rotary causal self-attention with optional grouped-query heads,
RMSNorm, SwiGLU MLP) -> final RMSNorm -> output head tied to the embedding.
No biases anywhere. Read top to bottom: config, norm, rotary, attention, MLP,
block, model, and a plain one-prompt generate. Batched generation with a KV
cache, the fast path that evaluation and the CLI use, is tinythink.engine.

Depends only on torch, so it can be imported by training, evaluation and
export code alike.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import Tensor, nn

if TYPE_CHECKING:
    from tinythink.engine import KVCache

# -----------------------------------------------------------------------------
# Config


class ModelConfigError(ValueError):
    """A model config that cannot be built (bad sizes, heads that don't divide...)."""


class ParameterCapError(ModelConfigError):
    """The config is valid but the model would have more parameters than allowed."""


@dataclass
class ModelConfig:
    """Every size of the model; TinyThinkLM reads nothing else.

    No field has a default: the presets in conf/model/ hold the values (tiny.yaml
    sets them all; micro and small change the shape), so each value has one home
    and every field can be overridden on the command line.
    """

    vocab_size: int
    d_model: int
    n_layer: int
    n_head: int
    n_kv_head: int | None  # grouped-query attention; None means n_head (plain MHA)
    mlp_hidden: int | None  # None: 8/3 * d_model rounded up to mlp_multiple_of
    mlp_multiple_of: int
    max_seq_len: int  # positions supported (RoPE tables; no parameters)
    rope_theta: float
    norm_eps: float
    max_params: int  # refuse configs with more parameters than this
    # Derived in __post_init__, not constructor arguments.
    head_dim: int = field(init=False)
    num_params: int = field(init=False)

    def __post_init__(self) -> None:
        # Validate everything before any weight exists, so a bad Hydra override
        # fails in milliseconds with a message instead of deep inside nn.Linear.
        for name in (
            "vocab_size",
            "d_model",
            "n_layer",
            "n_head",
            "mlp_multiple_of",
            "max_seq_len",
            "max_params",
        ):
            _check_positive_int(name, getattr(self, name))
        for name in ("n_kv_head", "mlp_hidden"):
            if getattr(self, name) is not None:
                _check_positive_int(name, getattr(self, name))
        for name in ("rope_theta", "norm_eps"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and value > 0):
                raise ModelConfigError(f"model.{name} must be a positive number, got {value!r}")

        if self.d_model % self.n_head != 0 or (self.d_model // self.n_head) % 2 != 0:
            valid = [
                h
                for h in range(1, self.d_model + 1)
                if self.d_model % h == 0 and (self.d_model // h) % 2 == 0
            ]
            raise ModelConfigError(
                f"model.n_head={self.n_head} does not fit model.d_model={self.d_model}: n_head "
                f"must divide d_model and leave an even head_dim (rotary embeddings rotate "
                f"pairs). Valid n_head for d_model={self.d_model}: {valid}."
            )
        self.head_dim = self.d_model // self.n_head

        if self.n_kv_head is None:
            self.n_kv_head = self.n_head
        if self.n_head % self.n_kv_head != 0:
            valid = [k for k in range(1, self.n_head + 1) if self.n_head % k == 0]
            raise ModelConfigError(
                f"model.n_kv_head={self.n_kv_head} must divide model.n_head={self.n_head} "
                f"(each key/value head serves a whole group of query heads). "
                f"Valid n_kv_head: {valid}."
            )

        if self.mlp_hidden is None:
            # SwiGLU has 3 matrices instead of 2, so Llama shrinks 4*d to 8/3*d to keep
            # the MLP's parameter count the same; round up for tidy matmul shapes.
            m = self.mlp_multiple_of
            self.mlp_hidden = m * math.ceil(8 * self.d_model / (3 * m))

        self.num_params = self.count_params()
        if self.num_params > self.max_params:
            raise ParameterCapError(
                f"model has {self.num_params:,} parameters, over the cap of "
                f"{self.max_params:,} (d_model={self.d_model}, n_layer={self.n_layer}, "
                f"n_head={self.n_head}, n_kv_head={self.n_kv_head}, "
                f"mlp_hidden={self.mlp_hidden}, vocab_size={self.vocab_size}). "
                f"Lower model.n_layer, model.d_model or model.mlp_hidden, "
                f"or raise model.max_params."
            )

    def count_params(self) -> int:
        """Exact parameter count of TinyThinkLM(self), computed without building it."""
        d, kv_dim = self.d_model, self.n_kv_head * self.head_dim
        attn = d * d + 2 * d * kv_dim + d * d  # wq, wk, wv, wo
        mlp = 3 * d * self.mlp_hidden  # gate, up, down
        norms = 2 * d  # attn_norm, mlp_norm
        embedding = self.vocab_size * d  # shared with the output head: counted once
        return embedding + self.n_layer * (attn + mlp + norms) + d  # + final norm

    def to_dict(self) -> dict:
        """Constructor arguments as plain Python values (safe to store in checkpoints)."""
        d = asdict(self)
        del d["head_dim"], d["num_params"]  # derived, not arguments
        return d


def _check_positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ModelConfigError(f"model.{name} must be a positive integer, got {value!r}")


# -----------------------------------------------------------------------------
# Building blocks


class RMSNorm(nn.Module):
    """LayerNorm without mean-centering or bias: cheaper and works as well for LMs."""

    def __init__(self, dim: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: Tensor) -> Tensor:
        # Normalise in float32 so low-precision training doesn't lose the small variance.
        xf = x.float()
        xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return xf.type_as(x) * self.weight


class RotaryEmbedding(nn.Module):
    """Precomputed cos/sin tables for rotary position embeddings (RoPE).

    Each pair of channels (i, i + head_dim/2) in q and k is rotated by an angle
    proportional to the token's position, so q.k depends only on relative position.
    """

    def __init__(self, head_dim: int, max_seq_len: int, theta: float) -> None:
        super().__init__()
        inv_freq = 1.0 / theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
        angles = torch.outer(torch.arange(max_seq_len, dtype=torch.float32), inv_freq)
        # (max_seq_len, head_dim/2). Not persistent: cheap to rebuild, keeps checkpoints small.
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)

    def forward(self, seq_len: int, position_ids: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """cos, sin broadcastable against (B, nh, T, head_dim/2).

        Integer ``position_ids`` (left padding, KV-cache decoding) index the tables;
        float ones (training with scaled positions) are turned into angles directly.
        """
        if position_ids is None:
            return self.cos[None, None, :seq_len], self.sin[None, None, :seq_len]  # (1, 1, T, hs/2)
        if position_ids.is_floating_point():
            angles = position_ids.float()[..., None] * self.inv_freq  # (B, T, hs/2)
            return angles.cos()[:, None], angles.sin()[:, None]
        return self.cos[position_ids][:, None], self.sin[position_ids][:, None]  # (B, 1, T, hs/2)


def apply_rotary(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    """Rotate channel pairs (x1, x2) of x (B, nh, T, hs) by the position angles."""
    x1, x2 = x.float().chunk(2, dim=-1)  # (B, nh, T, hs/2) each
    out = torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
    return out.type_as(x)


class CausalSelfAttention(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.n_kv_head = config.n_kv_head
        self.head_dim = config.head_dim
        kv_dim = config.n_kv_head * config.head_dim
        self.wq = nn.Linear(config.d_model, config.d_model, bias=False)
        self.wk = nn.Linear(config.d_model, kv_dim, bias=False)
        self.wv = nn.Linear(config.d_model, kv_dim, bias=False)
        self.wo = nn.Linear(config.d_model, config.d_model, bias=False)

    def forward(
        self,
        x: Tensor,
        cos: Tensor,
        sin: Tensor,
        attn_mask: Tensor | None = None,
        cache: KVCache | None = None,
    ) -> Tensor:
        B, T, C = x.shape
        q = self.wq(x).view(B, T, self.n_head, self.head_dim).transpose(1, 2)  # (B, nh, T, hs)
        k = self.wk(x).view(B, T, self.n_kv_head, self.head_dim).transpose(1, 2)  # (B, nkv, T, hs)
        v = self.wv(x).view(B, T, self.n_kv_head, self.head_dim).transpose(1, 2)  # (B, nkv, T, hs)
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        if cache is not None:
            k, v = cache.update(k, v)  # (B, nkv, S, hs), S = tokens seen so far
        if self.n_kv_head != self.n_head:
            # GQA: each k/v head serves n_head/n_kv_head query heads. repeat_interleave
            # rather than SDPA's enable_gqa keeps torch 2.4 supported.
            k = k.repeat_interleave(self.n_head // self.n_kv_head, dim=1)  # (B, nh, S, hs)
            v = v.repeat_interleave(self.n_head // self.n_kv_head, dim=1)  # (B, nh, S, hs)
        y = attend(q, k, v, attn_mask)  # (B, nh, T, hs)
        y = y.transpose(1, 2).reshape(B, T, C)  # (B, T, d_model)
        return self.wo(y)


# On CPUs, PyTorch's bf16 attention kernels are slower than its fp32 ones (bench
# section 6: 47 vs 39 ms per layer at the training shape), so under bf16 autocast on
# a CPU attention runs in fp32. GPUs keep bf16, where it is the fast path.
ATTEND_IN_FP32_ON_CPU = True


def attend(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None) -> Tensor:
    """Scaled dot-product attention: causal when ``attn_mask`` is None (training), else masked."""
    dtype = q.dtype
    upcast = ATTEND_IN_FP32_ON_CPU and q.device.type == "cpu" and dtype == torch.bfloat16
    if upcast:
        q, k, v = q.float(), k.float(), v.float()
    with torch.autocast(q.device.type, enabled=False) if upcast else contextlib.nullcontext():
        if attn_mask is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # fast training path
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
    return y.to(dtype)


class SwiGLU(nn.Module):
    """MLP with a SiLU-gated linear unit: down(silu(gate(x)) * up(x))."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.gate = nn.Linear(config.d_model, config.mlp_hidden, bias=False)
        self.up = nn.Linear(config.d_model, config.mlp_hidden, bias=False)
        self.down = nn.Linear(config.mlp_hidden, config.d_model, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.down(F.silu(self.gate(x)) * self.up(x))  # (B, T, hidden) -> (B, T, d)


class Block(nn.Module):
    """Pre-norm residual block: normalise the input of each sublayer, not the stream."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.attn_norm = RMSNorm(config.d_model, config.norm_eps)
        self.attn = CausalSelfAttention(config)
        self.mlp_norm = RMSNorm(config.d_model, config.norm_eps)
        self.mlp = SwiGLU(config)

    def forward(
        self,
        x: Tensor,
        cos: Tensor,
        sin: Tensor,
        attn_mask: Tensor | None = None,
        cache: KVCache | None = None,
    ) -> Tensor:
        x = x + self.attn(self.attn_norm(x), cos, sin, attn_mask, cache)
        return x + self.mlp(self.mlp_norm(x))


# -----------------------------------------------------------------------------
# The model


class TinyThinkLM(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.d_model)
        self.rotary = RotaryEmbedding(config.head_dim, config.max_seq_len, config.rope_theta)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.norm = RMSNorm(config.d_model, config.norm_eps)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        # Weight tying: at this size the embedding is a large share of the parameter
        # budget, and sharing it with the output head saves all of that a second time.
        self.lm_head.weight = self.tok_emb.weight

        self.apply(self._init_weights)
        # Scale the projections that write into the residual stream so its variance
        # doesn't grow with depth (GPT-2): two writes per block.
        for block in self.blocks:
            for proj in (block.attn.wo, block.mlp.down):
                nn.init.normal_(proj.weight, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(
        self,
        idx: Tensor,
        position_ids: Tensor | None = None,
        attn_mask: Tensor | None = None,
        cache: list[KVCache] | None = None,
    ) -> Tensor:
        """Logits (B, T, vocab_size) for token ids idx (B, T).

        Training passes only idx: positions 0..T-1 and a plain causal mask (fast path).
        Training with scaled positions passes float position_ids (B, T) instead.
        Batched generation (tinythink.engine) also passes per-row position_ids (B, T),
        a boolean attn_mask (B, 1, T, S) that is True where a query may attend, and one
        KVCache per layer.
        """
        B, T = idx.shape
        past = cache[0].length if cache is not None else 0
        if position_ids is None and past + T > self.config.max_seq_len:
            raise ValueError(
                f"sequence of {past + T} tokens exceeds max_seq_len={self.config.max_seq_len}"
            )
        if position_ids is None and past > 0:
            position_ids = torch.arange(past, past + T, device=idx.device).expand(B, T)
        if attn_mask is None and past > 0:
            # is_causal aligns the mask top-left, which is wrong once keys outnumber
            # queries, so spell out "key slot <= query slot".
            q_slot = torch.arange(past, past + T, device=idx.device)
            attn_mask = (torch.arange(past + T, device=idx.device) <= q_slot[:, None])[None, None]
        cos, sin = self.rotary(T, position_ids)
        x = self.tok_emb(idx)  # (B, T, d_model)
        for i, block in enumerate(self.blocks):
            x = block(x, cos, sin, attn_mask, cache[i] if cache is not None else None)
        return self.lm_head(self.norm(x))  # (B, T, vocab_size)

    # -------------------------------------------------------------------------
    # Training helpers

    def param_groups(self, weight_decay: float) -> list[dict]:
        """Optimizer groups: decay the matrices (embedding, linears), not the norm gains."""
        params = [p for p in self.parameters() if p.requires_grad]  # tied weight appears once
        decay = [p for p in params if p.dim() >= 2]
        no_decay = [p for p in params if p.dim() < 2]
        return [
            {"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ]

    def flops_per_token(self, seq_len: int) -> int:
        """Training (forward + backward) FLOPs per token.

        PaLM (Chowdhery et al. 2022, arXiv:2204.02311), Appendix B: 6N + 12*L*H*Q*T,
        with N the parameters used in matmuls, L layers, H heads, Q head_dim
        (H*Q = d_model) and T the sequence length. The second term is the attention
        scores and weighted sum. N excludes the norm gains and counts the tied
        embedding once, because it is multiplied as the output head (the input
        lookup itself is free).
        """
        c = self.config
        n_matmul = c.num_params - (2 * c.n_layer + 1) * c.d_model  # minus norm weights
        return 6 * n_matmul + 12 * c.n_layer * c.d_model * seq_len

    # -------------------------------------------------------------------------
    # Generation

    @torch.no_grad()
    def generate(
        self,
        prompt: list[int],
        max_new_tokens: int,
        eos_id: int,
        temperature: float = 0.0,
        top_k: int | None = None,
        generator: torch.Generator | None = None,
    ) -> list[int]:
        """Continue one prompt; return only the new tokens, cut before the first eos.

        The readable reference: every step runs the whole sequence again, with no
        KV cache and no batch; tinythink.engine.generate_batch picks the same tokens
        faster, for many prompts at once. Stops at eos, after max_new_tokens, or when
        the sequence fills max_seq_len (a longer prompt fails in forward).
        """
        check_sampling(temperature, top_k)
        seq = torch.tensor([prompt], dtype=torch.long, device=self.lm_head.weight.device)  # (1, T)
        new: list[int] = []
        while len(new) < max_new_tokens and seq.size(1) != self.config.max_seq_len:
            logits = self(seq)[:, -1]  # (1, vocab_size): the prediction after the last token
            nxt = next_token(logits, temperature, top_k, generator)  # (1,)
            if int(nxt) == eos_id:
                break
            new.append(int(nxt))
            seq = torch.cat([seq, nxt[:, None]], dim=1)  # (1, T + 1)
        return new


def next_token(
    logits: Tensor,
    temperature: float = 0.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Next token per row from logits (B, V): argmax, or a tempered top-k sample.

    temperature == 0 is greedy; otherwise sample from softmax(logits / temperature),
    optionally restricted to the top_k tokens.
    """
    if temperature == 0:
        return logits.argmax(dim=-1)
    logits = logits.float() / temperature
    if top_k is not None and top_k < logits.size(-1):
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]  # (B, 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = F.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)  # (B,)


def check_sampling(temperature: float, top_k: int | None) -> None:
    """Refuse settings next_token cannot use, before any forward pass."""
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if top_k is not None and top_k <= 0:
        raise ValueError(f"top_k must be positive or None, got {top_k}")
