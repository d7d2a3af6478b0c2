"""The weight mapping to Hugging Face and GGUF names, and llama.cpp's rotary order."""

from __future__ import annotations

import torch

from tests.presets import preset
from tinythink.export import layout
from tinythink.model import RotaryEmbedding, TinyThinkLM, apply_rotary


def _model(**overrides: object) -> TinyThinkLM:
    torch.manual_seed(0)
    return TinyThinkLM(preset("micro", d_model=64, n_layer=2, n_head=4, **overrides))


def test_hf_names_are_llamas_and_round_trip_exactly():
    state = _model().state_dict()
    hf = layout.to_hf(state)
    assert "lm_head.weight" not in hf  # tied: the embedding is stored once
    assert len(hf) == len(state) - 1 == 2 + 2 * 9
    assert {"model.embed_tokens.weight", "model.norm.weight"} <= set(hf)
    assert "model.layers.1.self_attn.k_proj.weight" in hf
    assert "model.layers.0.post_attention_layernorm.weight" in hf
    back = layout.from_hf(hf)
    assert back.keys() == state.keys()
    assert all(torch.equal(back[k], state[k]) for k in state)


def test_gguf_names_are_llama_cpps_and_round_trip_exactly():
    state = _model(n_kv_head=2).state_dict()
    gguf = layout.to_gguf(state, n_head=4, n_kv_head=2)
    assert {"token_embd.weight", "output_norm.weight", "blk.1.ffn_down.weight"} <= set(gguf)
    assert "output.weight" not in gguf  # llama.cpp falls back to token_embd when tied
    assert gguf["blk.0.attn_k.weight"].shape == (32, 64)  # 2 kv heads of 16
    assert not torch.equal(gguf["blk.0.attn_q.weight"], state["blocks.0.attn.wq.weight"])
    back = layout.from_gguf(gguf, n_head=4, n_kv_head=2)
    assert back.keys() == state.keys()
    assert all(torch.equal(back[k], state[k]) for k in state)


def _interleaved_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """llama.cpp's (non-NeoX) LLaMA rotary: channels 2j and 2j+1 are a pair."""
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def test_reordered_q_and_k_give_the_same_attention_scores_under_interleaved_rotary():
    """What llama.cpp computes from the GGUF rows equals what the model computes."""
    n_head, n_kv_head, head_dim, T = 4, 2, 16, 9
    model = _model(n_kv_head=n_kv_head)
    attn = model.blocks[0].attn
    x = torch.randn(1, T, 64)
    cos, sin = RotaryEmbedding(head_dim, T, 10000.0)(T)

    def heads(weight: torch.Tensor, n: int) -> torch.Tensor:
        return (x @ weight.T).view(1, T, n, head_dim).transpose(1, 2)  # (1, n, T, hs)

    q = apply_rotary(heads(attn.wq.weight, n_head), cos, sin)
    k = apply_rotary(heads(attn.wk.weight, n_kv_head), cos, sin)
    wq = layout.to_llama_cpp_rotary(attn.wq.weight, n_head)
    wk = layout.to_llama_cpp_rotary(attn.wk.weight, n_kv_head)
    q2 = _interleaved_rotary(heads(wq, n_head), cos, sin)
    k2 = _interleaved_rotary(heads(wk, n_kv_head), cos, sin)
    group = n_head // n_kv_head
    scores = q @ k.repeat_interleave(group, dim=1).transpose(-1, -2)
    scores2 = q2 @ k2.repeat_interleave(group, dim=1).transpose(-1, -2)
    torch.testing.assert_close(scores2, scores, atol=1e-5, rtol=1e-5)
    # Without the reordering the scores are wrong: the test can fail.
    q3 = _interleaved_rotary(heads(attn.wq.weight, n_head), cos, sin)
    k3 = _interleaved_rotary(heads(attn.wk.weight, n_kv_head), cos, sin)
    wrong = q3 @ k3.repeat_interleave(group, dim=1).transpose(-1, -2)
    assert (wrong - scores).abs().max() > 1e-3
