"""Where each weight of :class:`~tinythink.model.TinyThinkLM` goes in Hugging Face and GGUF.

The model was built as a Llama, so the mapping is one to one: same shapes, same
rotate-half rotary pairing as ``LlamaForCausalLM`` (no reordering for Hugging Face).
llama.cpp rotates interleaved pairs instead, so its q and k rows are permuted per
head (:func:`to_llama_cpp_rotary`). The output head is tied to the embedding and is
stored in neither format.
"""

from __future__ import annotations

import re

from torch import Tensor

# Per-layer weights: ours (under blocks.N.) -> (Hugging Face under model.layers.N., GGUF under blk.N.)
LAYER_WEIGHTS = {
    "attn_norm.weight": ("input_layernorm.weight", "attn_norm.weight"),
    "attn.wq.weight": ("self_attn.q_proj.weight", "attn_q.weight"),
    "attn.wk.weight": ("self_attn.k_proj.weight", "attn_k.weight"),
    "attn.wv.weight": ("self_attn.v_proj.weight", "attn_v.weight"),
    "attn.wo.weight": ("self_attn.o_proj.weight", "attn_output.weight"),
    "mlp_norm.weight": ("post_attention_layernorm.weight", "ffn_norm.weight"),
    "mlp.gate.weight": ("mlp.gate_proj.weight", "ffn_gate.weight"),
    "mlp.up.weight": ("mlp.up_proj.weight", "ffn_up.weight"),
    "mlp.down.weight": ("mlp.down_proj.weight", "ffn_down.weight"),
}
# Weights outside the layers.
TOP_WEIGHTS = {
    "tok_emb.weight": ("model.embed_tokens.weight", "token_embd.weight"),
    "norm.weight": ("model.norm.weight", "output_norm.weight"),
}
TIED = "lm_head.weight"  # the embedding again: never stored
_LAYER = re.compile(r"blocks\.(\d+)\.(.+)")


def _rename(name: str, fmt: int) -> str:
    if name in TOP_WEIGHTS:
        return TOP_WEIGHTS[name][fmt]
    found = _LAYER.fullmatch(name)
    if found is None or found.group(2) not in LAYER_WEIGHTS:
        raise KeyError(f"no export name for weight {name!r}")
    layer, rest = found.groups()
    prefix = ("model.layers.", "blk.")[fmt]
    return f"{prefix}{layer}.{LAYER_WEIGHTS[rest][fmt]}"


def to_hf(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """Our state dict with Hugging Face ``LlamaForCausalLM`` names (tied head left out)."""
    return {_rename(k, 0): v for k, v in state.items() if k != TIED}


def from_hf(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """The inverse of :func:`to_hf`; the tied head is restored from the embedding."""
    back = {_rename(k, 0): k for k in _our_names(state)}
    ours = {back[k]: v for k, v in state.items() if k in back}
    unknown = sorted(set(state) - set(back))
    if unknown:
        raise KeyError(f"weights this model does not have: {', '.join(unknown[:5])}")
    ours[TIED] = ours["tok_emb.weight"]
    return ours


def to_gguf(state: dict[str, Tensor], n_head: int, n_kv_head: int) -> dict[str, Tensor]:
    """Our state dict with llama.cpp's tensor names, q and k rows in its rotary order."""
    out = {}
    for name, tensor in state.items():
        if name == TIED:
            continue
        if name.endswith("attn.wq.weight"):
            tensor = to_llama_cpp_rotary(tensor, n_head)
        elif name.endswith("attn.wk.weight"):
            tensor = to_llama_cpp_rotary(tensor, n_kv_head)
        out[_rename(name, 1)] = tensor
    return out


def to_llama_cpp_rotary(weight: Tensor, n_head: int) -> Tensor:
    """Reorder each head's output rows from rotate-half pairs to interleaved pairs.

    Here (and in Hugging Face) channel j of a head is rotated with channel
    j + head_dim/2; llama.cpp's LLaMA rotary pairs channels 2j and 2j+1. Row j goes
    to 2j and row j + head_dim/2 to 2j + 1, which leaves q.k unchanged.
    """
    rows, cols = weight.shape
    half = rows // n_head // 2
    return weight.reshape(n_head, 2, half, cols).transpose(1, 2).reshape(rows, cols)


def from_llama_cpp_rotary(weight: Tensor, n_head: int) -> Tensor:
    """The inverse of :func:`to_llama_cpp_rotary`."""
    rows, cols = weight.shape
    half = rows // n_head // 2
    return weight.reshape(n_head, half, 2, cols).transpose(1, 2).reshape(rows, cols)


def from_gguf(state: dict[str, Tensor], n_head: int, n_kv_head: int) -> dict[str, Tensor]:
    """The inverse of :func:`to_gguf`; the tied head is restored from the embedding."""
    layers = {int(m.group(1)) for k in state if (m := re.match(r"blk\.(\d+)\.", k))}
    names = list(TOP_WEIGHTS) + [f"blocks.{i}.{w}" for i in sorted(layers) for w in LAYER_WEIGHTS]
    ours = {name: state[_rename(name, 1)] for name in names}
    for name in ours:
        if name.endswith("attn.wq.weight"):
            ours[name] = from_llama_cpp_rotary(ours[name], n_head)
        elif name.endswith("attn.wk.weight"):
            ours[name] = from_llama_cpp_rotary(ours[name], n_kv_head)
    ours[TIED] = ours["tok_emb.weight"]
    return ours


def _our_names(hf_state: dict[str, Tensor]) -> list[str]:
    """Our names for every layer present in a Hugging Face state dict (to invert the mapping)."""
    layers = {int(m.group(1)) for k in hf_state if (m := re.match(r"model\.layers\.(\d+)\.", k))}
    names = list(TOP_WEIGHTS)
    names += [f"blocks.{i}.{w}" for i in sorted(layers) for w in LAYER_WEIGHTS]
    return names
