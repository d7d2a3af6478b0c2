"""Tests for tinythink.model: parameter accounting, config validation, the
forward pass and the plain generate. Models here are tiny so the file runs fast.
Batched KV-cache generation (tinythink.engine) is tested in test_engine.py."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from tests.test_model_config_defaults import preset
from tinythink.model import (
    ModelConfig,
    ModelConfigError,
    ParameterCapError,
    TinyThinkLM,
    apply_rotary,
)

EOS, PAD = 1, 0


def tiny_config(**overrides) -> ModelConfig:
    kwargs = dict(vocab_size=64, d_model=32, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=48)
    kwargs.update(overrides)
    return preset("tiny", **kwargs)


def tiny_model(seed: int = 0, sharp: bool = False, **overrides) -> TinyThinkLM:
    torch.manual_seed(seed)
    model = TinyThinkLM(tiny_config(**overrides)).eval()
    if sharp:
        # At init (std 0.02) a tiny model's greedy output hardly depends on context, so
        # generation tests would pass even with a broken mask. Larger weights make every
        # earlier token matter.
        with torch.no_grad():
            for p in model.parameters():
                if p.dim() >= 2:
                    p.mul_(8)
    return model


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# --- parameter count ---------------------------------------------------------


def test_exact_param_count_hand_computed():
    # d=160, L=6, h=5 (head_dim 32), V=512; mlp_hidden = 8/3*160 = 426.7 -> 432.
    # embedding 512*160 = 81,920 (tied: counted once)
    # per layer: attn 4*160^2 = 102,400; mlp 3*160*432 = 207,360; norms 2*160 = 320
    #   -> 310,080; * 6 = 1,860,480; final norm 160. Total 1,942,560.
    config = preset(vocab_size=512, d_model=160, n_layer=6, n_head=5)
    assert config.mlp_hidden == 432
    assert config.head_dim == 32
    assert config.num_params == 1_942_560
    assert n_params(TinyThinkLM(config)) == 1_942_560


def test_default_mlp_hidden_rounds_up():
    # 8/3*192 = 512 exactly; 8/3*100 = 266.7 -> 272 (multiple of 16) or 270 (multiple of 10).
    assert preset(d_model=192, n_head=6, max_params=10**9).mlp_hidden == 512
    assert preset(d_model=100, n_head=5, max_params=10**9).mlp_hidden == 272
    assert preset(d_model=100, n_head=5, mlp_multiple_of=10).mlp_hidden == 270


SHAPES = [
    # (vocab, d_model, n_layer, n_head, n_kv_head, mlp_hidden)
    (512, 192, 6, 6, None, None),
    (512, 160, 6, 5, None, None),
    (512, 256, 3, 8, None, None),
    (512, 128, 8, 4, None, None),
    (512, 128, 8, 4, 2, None),
    (512, 128, 8, 4, 1, None),
    (512, 192, 4, 6, 3, None),
    (512, 192, 4, 6, 2, 384),
    (300, 96, 3, 3, None, None),
    (300, 96, 3, 3, 1, 100),
    (1000, 64, 2, 2, None, None),
    (1000, 64, 2, 1, None, 64),
    (256, 48, 5, 12, 4, None),
    (256, 48, 5, 12, 6, 200),
    (50, 8, 1, 1, None, None),
    (50, 8, 1, 2, 1, 1),
    (777, 120, 2, 6, 3, None),
    (777, 120, 2, 10, 5, 333),
    (4096, 64, 2, 4, 2, None),
    (128, 320, 1, 10, 2, None),
]


@pytest.mark.parametrize(("vocab", "d", "layers", "heads", "kv_heads", "hidden"), SHAPES)
def test_num_params_matches_built_model(vocab, d, layers, heads, kv_heads, hidden):
    config = preset(
        vocab_size=vocab,
        d_model=d,
        n_layer=layers,
        n_head=heads,
        n_kv_head=kv_heads,
        mlp_hidden=hidden,
        max_params=10**9,
    )
    assert config.num_params == config.count_params() == n_params(TinyThinkLM(config))


def test_reference_sizes():
    def count(**kw):
        return preset(vocab_size=512, max_params=10**9, **kw).num_params

    assert count(d_model=192, n_head=6) == 1_869_504  # d=192, L=4, h=6 (the former tiny)
    assert count() == 869_504  # model=tiny
    assert count(d_model=192, n_head=6, n_layer=6) == 2_755_008
    assert count(d_model=160, n_layer=6, n_head=5) == 1_942_560
    assert count(d_model=256, n_layer=3, n_head=8) == 2_504_448
    assert count(d_model=128, n_layer=8, n_head=4) == 1_673_344


# --- config validation -------------------------------------------------------


def test_cap_refusal_message():
    with pytest.raises(ParameterCapError) as info:
        preset(vocab_size=512, d_model=192, n_head=6, n_layer=40)
    msg = str(info.value)
    # 98,304 embedding + 40 * 442,752 per layer + 192 final norm
    assert "17,808,576" in msg
    assert "2,000,000" in msg
    for knob in ("n_layer=40", "d_model=192", "n_head=6", "mlp_hidden=512", "vocab_size=512"):
        assert knob in msg
    assert "model.max_params" in msg
    assert isinstance(info.value, ModelConfigError)
    assert isinstance(info.value, ValueError)


def test_cap_refused_before_any_weight_is_allocated(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a weight was allocated before the cap check")

    monkeypatch.setattr(nn.Embedding, "__init__", refuse)
    monkeypatch.setattr(nn.Linear, "__init__", refuse)
    monkeypatch.setattr(TinyThinkLM, "__init__", refuse)
    with pytest.raises(ParameterCapError):
        preset(vocab_size=512, d_model=192, n_head=6, n_layer=40)


def test_cap_is_inclusive():
    assert (
        preset(vocab_size=512, d_model=160, n_layer=6, n_head=5, max_params=1_942_560).num_params
        == 1_942_560
    )
    with pytest.raises(ParameterCapError, match="1,942,560"):
        preset(vocab_size=512, d_model=160, n_layer=6, n_head=5, max_params=1_942_559)


def test_head_not_dividing_width():
    with pytest.raises(ModelConfigError) as info:
        preset(d_model=192, n_head=5)
    msg = str(info.value)
    assert "n_head=5" in msg and "d_model=192" in msg
    assert "[1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 96]" in msg


def test_odd_head_dim_rejected():
    # 96 / 32 = 3: divides, but RoPE needs an even head_dim.
    with pytest.raises(ModelConfigError, match="n_head=32") as info:
        preset(d_model=96, n_head=32)
    assert "32" not in str(info.value).split("Valid n_head")[1]


def test_kv_heads_must_divide_heads():
    with pytest.raises(ModelConfigError) as info:
        preset(d_model=192, n_head=6, n_kv_head=4, max_params=10**9)
    msg = str(info.value)
    assert "n_kv_head=4" in msg and "n_head=6" in msg and "[1, 2, 3, 6]" in msg


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vocab_size", 0),
        ("d_model", -8),
        ("n_layer", 0),
        ("n_head", 0),
        ("n_kv_head", 0),
        ("mlp_hidden", -1),
        ("max_seq_len", 0),
        ("max_params", 0),
        ("mlp_multiple_of", 0),
        ("rope_theta", 0.0),
        ("norm_eps", -1e-5),
        ("d_model", 32.0),
    ],
)
def test_bad_sizes_name_the_field(field, value):
    with pytest.raises(ModelConfigError, match=rf"model\.{field} .*{value!r}"):
        tiny_config(**{field: value})


def test_to_dict_round_trips_with_plain_values():
    config = tiny_config(mlp_hidden=48)
    d = config.to_dict()
    assert set(d) == {
        "vocab_size",
        "d_model",
        "n_layer",
        "n_head",
        "n_kv_head",
        "mlp_hidden",
        "mlp_multiple_of",
        "max_seq_len",
        "rope_theta",
        "norm_eps",
        "max_params",
    }
    assert all(isinstance(v, (int, float)) for v in d.values())
    assert ModelConfig(**d) == config


# --- model -------------------------------------------------------------------


def test_forward_shape_and_tied_embedding():
    model = tiny_model()
    assert model.lm_head.weight is model.tok_emb.weight
    logits = model(torch.randint(0, 64, (3, 10)))
    assert logits.shape == (3, 10, 64)
    assert torch.isfinite(logits).all()


def test_init_scales():
    model = tiny_model(n_layer=8, d_model=64, mlp_hidden=256)
    assert model.tok_emb.weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert model.blocks[0].mlp.gate.weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert model.blocks[0].mlp.down.weight.std().item() == pytest.approx(
        0.02 / math.sqrt(16), rel=0.05
    )
    assert all(torch.equal(b.attn_norm.weight, torch.ones(64)) for b in model.blocks)
    assert not any(isinstance(m, nn.Linear) and m.bias is not None for m in model.modules())


def test_rotary_buffers_not_in_state_dict():
    model = tiny_model()
    assert not any("rotary" in k for k in model.state_dict())
    assert model.rotary.cos.shape == (48, 4)  # (max_seq_len, head_dim / 2)


def test_rotary_is_a_relative_rotation():
    model = tiny_model()
    q, k = torch.randn(2, 1, 1, 8)  # two (B=1, nh=1, T=1, hs=8) vectors

    def at(x, pos):
        cos, sin = model.rotary(1, torch.tensor([[pos]]))
        return apply_rotary(x, cos, sin)

    torch.testing.assert_close(at(q, 7).norm(), q.norm())  # rotations keep length
    score = (at(q, 9) * at(k, 4)).sum()
    torch.testing.assert_close((at(q, 25) * at(k, 20)).sum(), score)  # same offset 5
    assert not torch.allclose((at(q, 9) * at(k, 5)).sum(), score)


def test_causality():
    model = tiny_model()
    idx = torch.randint(2, 64, (2, 12))
    changed = idx.clone()
    changed[:, 7:] = (changed[:, 7:] + 5) % 64
    a, b = model(idx), model(changed)
    torch.testing.assert_close(a[:, :7], b[:, :7])
    assert not torch.allclose(a[:, 7:], b[:, 7:])


def test_forward_rejects_too_long_sequence():
    with pytest.raises(ValueError, match="max_seq_len=48"):
        tiny_model()(torch.zeros(1, 49, dtype=torch.long))


def test_param_groups_cover_every_parameter_once():
    model = tiny_model()
    groups = model.param_groups(weight_decay=0.1)
    assert [g["weight_decay"] for g in groups] == [0.1, 0.0]
    seen = [id(p) for g in groups for p in g["params"]]
    assert len(seen) == len(set(seen))
    assert set(seen) == {id(p) for p in model.parameters()}
    assert all(p.dim() >= 2 for p in groups[0]["params"])
    assert all(p.dim() == 1 for p in groups[1]["params"])
    # 2 layers * (4 attn + 3 mlp) + tied embedding = 15 matrices; 2 * 2 + 1 = 5 norms.
    assert (len(groups[0]["params"]), len(groups[1]["params"])) == (15, 5)


def test_flops_per_token():
    config = preset(vocab_size=512, d_model=160, n_layer=6, n_head=5)
    # N = 1,942,560 params minus 13 norm vectors of 160 = 1,940,480 in matmuls.
    expected = 6 * 1_940_480 + 12 * 6 * 160 * 256
    assert TinyThinkLM(config).flops_per_token(256) == expected == 14_592_000


# --- plain generate ----------------------------------------------------------


def test_plain_generate_is_argmax_of_full_forward_cut_at_eos():
    model = tiny_model(sharp=True)
    prompt = [5, 9, 12, 3, 7, 22, 8]
    seq = list(prompt)
    for _ in range(6):
        seq.append(int(model(torch.tensor([seq]))[0, -1].argmax()))
    new = seq[len(prompt) :]
    assert model.generate(prompt, 6, eos_id=EOS) == new
    eos = new[3]
    assert model.generate(prompt, 6, eos_id=eos) == new[: new.index(eos)]


def test_plain_generate_stops_at_max_seq_len_and_refuses_longer_prompts():
    model = tiny_model(sharp=True)  # max_seq_len 48
    assert len(model.generate([5] * 40, 100, eos_id=-1)) == 8
    assert model.generate([5] * 48, 5, eos_id=-1) == []
    with pytest.raises(ValueError, match=r"49 tokens.*max_seq_len=48"):
        model.generate([5] * 49, 5, eos_id=EOS)
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        model.generate([5], 5, eos_id=EOS, temperature=-1.0)


def test_tiny_preset_file_is_the_869k_shape():
    assert preset("tiny", vocab_size=512).num_params == 869_504
