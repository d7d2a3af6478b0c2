"""Tests for tinythink.model: parameter accounting, config validation, the
forward pass and KV-cache generation. Models here are tiny so the file runs fast."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from torch import nn

from tinythink.model import (
    KVCache,
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
    return ModelConfig(**kwargs)


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
    config = ModelConfig(vocab_size=512, d_model=160, n_layer=6, n_head=5)
    assert config.mlp_hidden == 432
    assert config.head_dim == 32
    assert config.num_params == 1_942_560
    assert n_params(TinyThinkLM(config)) == 1_942_560


def test_default_mlp_hidden_rounds_up():
    # 8/3*192 = 512 exactly; 8/3*100 = 266.7 -> 272 (multiple of 16) or 270 (multiple of 10).
    assert ModelConfig(max_params=10**9).mlp_hidden == 512
    assert ModelConfig(d_model=100, n_head=5, max_params=10**9).mlp_hidden == 272
    assert ModelConfig(d_model=100, n_head=5, mlp_multiple_of=10).mlp_hidden == 270


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
    config = ModelConfig(
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
        return ModelConfig(vocab_size=512, max_params=10**9, **kw).num_params

    assert count() == 1_869_504  # the dataclass defaults: d=192, L=4, h=6 (the former tiny)
    assert count(d_model=128, n_head=4) == 869_504  # model=tiny
    assert count(n_layer=6) == 2_755_008
    assert count(d_model=160, n_layer=6, n_head=5) == 1_942_560
    assert count(d_model=256, n_layer=3, n_head=8) == 2_504_448
    assert count(d_model=128, n_layer=8, n_head=4) == 1_673_344


# --- config validation -------------------------------------------------------


def test_cap_refusal_message():
    with pytest.raises(ParameterCapError) as info:
        ModelConfig(n_layer=40)
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
        ModelConfig(n_layer=40)


def test_cap_is_inclusive():
    assert (
        ModelConfig(d_model=160, n_layer=6, n_head=5, max_params=1_942_560).num_params == 1_942_560
    )
    with pytest.raises(ParameterCapError, match="1,942,560"):
        ModelConfig(d_model=160, n_layer=6, n_head=5, max_params=1_942_559)


def test_head_not_dividing_width():
    with pytest.raises(ModelConfigError) as info:
        ModelConfig(d_model=192, n_head=5)
    msg = str(info.value)
    assert "n_head=5" in msg and "d_model=192" in msg
    assert "[1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 96]" in msg


def test_odd_head_dim_rejected():
    # 96 / 32 = 3: divides, but RoPE needs an even head_dim.
    with pytest.raises(ModelConfigError, match="n_head=32") as info:
        ModelConfig(d_model=96, n_head=32)
    assert "32" not in str(info.value).split("Valid n_head")[1]


def test_kv_heads_must_divide_heads():
    with pytest.raises(ModelConfigError) as info:
        ModelConfig(d_model=192, n_head=6, n_kv_head=4, max_params=10**9)
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


def test_kv_cache_incremental_forward_matches_full():
    model = tiny_model(sharp=True)
    idx = torch.randint(2, 64, (2, 9))
    full = model(idx)
    cfg = model.config
    cache = [
        KVCache(2, cfg.n_kv_head, 9, cfg.head_dim, idx.device, torch.float32)
        for _ in range(cfg.n_layer)
    ]
    pieces = [model(idx[:, :5], cache=cache)]  # prefill, then chunks of 1 and 3
    pieces.append(model(idx[:, 5:6], cache=cache))
    pieces.append(model(idx[:, 6:9], cache=cache))
    torch.testing.assert_close(torch.cat(pieces, dim=1), full, rtol=1e-4, atol=1e-4)
    with pytest.raises(RuntimeError, match="KV cache overflow"):
        model(idx[:, :1], cache=cache)


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
    config = ModelConfig(d_model=160, n_layer=6, n_head=5)
    # N = 1,942,560 params minus 13 norm vectors of 160 = 1,940,480 in matmuls.
    expected = 6 * 1_940_480 + 12 * 6 * 160 * 256
    assert TinyThinkLM(config).flops_per_token(256) == expected == 14_592_000


# --- generation --------------------------------------------------------------

PROMPTS = [[5, 9, 12, 3, 7, 22, 8], [17, 4], [30, 31, 32, 33]]


def test_greedy_cache_matches_no_cache():
    model = tiny_model(sharp=True)
    with_cache = model.generate(PROMPTS, 12, eos_id=EOS, pad_id=PAD)
    without = model.generate(PROMPTS, 12, eos_id=EOS, pad_id=PAD, use_cache=False)
    assert with_cache == without
    assert [len(r) for r in with_cache] == [12, 12, 12]  # this seed emits no eos


def test_greedy_matches_argmax_of_full_forward():
    model = tiny_model(sharp=True)
    prompt = PROMPTS[0]
    seq = list(prompt)
    for _ in range(6):
        seq.append(int(model(torch.tensor([seq]))[0, -1].argmax()))
    assert model.generate([prompt], 6, eos_id=EOS, pad_id=PAD) == [seq[len(prompt) :]]


@pytest.mark.parametrize("use_cache", [True, False])
def test_left_padded_batch_equals_each_alone(use_cache):
    model = tiny_model(seed=1, sharp=True)
    batched = model.generate(PROMPTS, 10, eos_id=EOS, pad_id=PAD, use_cache=use_cache)
    alone = [
        model.generate([p], 10, eos_id=EOS, pad_id=PAD, use_cache=use_cache)[0] for p in PROMPTS
    ]
    assert batched == alone


def test_padded_prefill_logits_equal_alone():
    # A stronger check than token equality: the prefill logits of a padded row
    # equal those of the row run alone, position by position.
    model = tiny_model(seed=2, sharp=True)
    prompt, padded = [17, 4, 9], [PAD, PAD, PAD, 17, 4, 9]
    pos = torch.tensor([[0, 0, 0, 0, 1, 2]])
    slots = torch.arange(6)
    key_ok = slots >= 3
    mask = (slots[None, :] <= slots[:, None]) & (key_ok[None, :] | torch.eye(6, dtype=torch.bool))
    padded_logits = model(torch.tensor([padded]), pos, mask[None, None])
    alone_logits = model(torch.tensor([prompt]))
    torch.testing.assert_close(padded_logits[:, 3:], alone_logits, rtol=1e-5, atol=1e-5)


def test_eos_cut_and_early_stop():
    model = tiny_model(sharp=True)
    free = model.generate(PROMPTS, 12, eos_id=EOS, pad_id=PAD)
    # Declare a token that row 0 produces (not as its first token) to be eos: every row
    # is cut before its first occurrence of it, and the tokens before it are unchanged.
    row0 = free[0]
    first_new = next(i for i in range(1, len(row0)) if row0[i] not in row0[:i])
    eos = row0[first_new]
    cut = model.generate(PROMPTS, 12, eos_id=eos, pad_id=PAD)
    for full, row in zip(free, cut, strict=True):
        assert row == (full[: full.index(eos)] if eos in full else full)
    assert cut[0] == row0[:first_new] != []

    # Early stop: a single row stops stepping once eos appears.
    calls = []
    model.register_forward_hook(lambda *_: calls.append(1))
    out = model.generate([PROMPTS[0]], 40, eos_id=eos, pad_id=PAD)
    assert out == [row0[:first_new]]
    assert len(calls) == 1 + first_new  # prefill + one step per token before eos


def test_max_seq_len_clips_and_refuses():
    model = tiny_model(sharp=True)  # max_seq_len 48
    out = model.generate([[5] * 40, [6, 7]], 100, eos_id=-1, pad_id=PAD)
    assert [len(r) for r in out] == [8, 8]  # longest prompt (40) + 8 = 48
    assert model.generate([[5] * 48], 5, eos_id=-1, pad_id=PAD) == [[]]
    with pytest.raises(ValueError, match=r"49 tokens.*max_seq_len=48"):
        model.generate([[5] * 49], 5, eos_id=EOS, pad_id=PAD)


def test_sampling_is_reproducible_with_seeded_generator():
    model = tiny_model(sharp=True)

    def sample(seed, **kw):
        g = torch.Generator().manual_seed(seed)
        return model.generate(PROMPTS, 10, eos_id=EOS, pad_id=PAD, generator=g, **kw)

    assert sample(0, temperature=1.0) == sample(0, temperature=1.0)
    assert sample(0, temperature=1.0, top_k=5) == sample(0, temperature=1.0, top_k=5)
    assert sample(0, temperature=1.0) != sample(1, temperature=1.0)
    # The KV cache doesn't change what is sampled.
    assert sample(3, temperature=0.8, top_k=10) == sample(
        3, temperature=0.8, top_k=10, use_cache=False
    )


def test_top_k_one_is_greedy():
    model = tiny_model(sharp=True)
    g = torch.Generator().manual_seed(0)
    greedy = model.generate(PROMPTS, 6, eos_id=EOS, pad_id=PAD)
    assert model.generate(PROMPTS, 6, EOS, PAD, temperature=1.0, top_k=1, generator=g) == greedy


def test_tiny_preset_file_is_the_869k_shape():
    from omegaconf import OmegaConf

    root = Path(__file__).resolve().parents[1]
    tiny = OmegaConf.load(root / "conf" / "model" / "tiny.yaml")
    shape = {k: tiny[k] for k in ("d_model", "n_layer", "n_head", "n_kv_head", "mlp_hidden")}
    assert ModelConfig(vocab_size=512, **shape).num_params == 869_504
