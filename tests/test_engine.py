"""Tests for tinythink.engine: the KV cache and batched, left-padded generation.

The plain one-prompt TinyThinkLM.generate is tested in test_model.py; here the
engine is checked against full forward passes and against itself without a cache.
"""

from __future__ import annotations

import pytest
import torch

from tests.test_model import EOS, PAD, tiny_model
from tests.test_model_config_defaults import preset
from tinythink.engine import KVCache, generate_batch
from tinythink.model import TinyThinkLM

# --- KV cache ----------------------------------------------------------------


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


# --- generation --------------------------------------------------------------

PROMPTS = [[5, 9, 12, 3, 7, 22, 8], [17, 4], [30, 31, 32, 33]]


def test_greedy_cache_matches_no_cache():
    model = tiny_model(sharp=True)
    with_cache = generate_batch(model, PROMPTS, 12, eos_id=EOS, pad_id=PAD)
    without = generate_batch(model, PROMPTS, 12, eos_id=EOS, pad_id=PAD, use_cache=False)
    assert with_cache == without
    assert [len(r) for r in with_cache] == [12, 12, 12]  # this seed emits no eos


def test_greedy_matches_argmax_of_full_forward():
    model = tiny_model(sharp=True)
    prompt = PROMPTS[0]
    seq = list(prompt)
    for _ in range(6):
        seq.append(int(model(torch.tensor([seq]))[0, -1].argmax()))
    assert generate_batch(model, [prompt], 6, eos_id=EOS, pad_id=PAD) == [seq[len(prompt) :]]


@pytest.mark.parametrize("use_cache", [True, False])
def test_left_padded_batch_equals_each_alone(use_cache):
    model = tiny_model(seed=1, sharp=True)
    batched = generate_batch(model, PROMPTS, 10, eos_id=EOS, pad_id=PAD, use_cache=use_cache)
    alone = [
        generate_batch(model, [p], 10, eos_id=EOS, pad_id=PAD, use_cache=use_cache)[0]
        for p in PROMPTS
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
    free = generate_batch(model, PROMPTS, 12, eos_id=EOS, pad_id=PAD)
    # Declare a token that row 0 produces (not as its first token) to be eos: every row
    # is cut before its first occurrence of it, and the tokens before it are unchanged.
    row0 = free[0]
    first_new = next(i for i in range(1, len(row0)) if row0[i] not in row0[:i])
    eos = row0[first_new]
    cut = generate_batch(model, PROMPTS, 12, eos_id=eos, pad_id=PAD)
    for full, row in zip(free, cut, strict=True):
        assert row == (full[: full.index(eos)] if eos in full else full)
    assert cut[0] == row0[:first_new] != []

    # Early stop: a single row stops stepping once eos appears.
    calls = []
    model.register_forward_hook(lambda *_: calls.append(1))
    out = generate_batch(model, [PROMPTS[0]], 40, eos_id=eos, pad_id=PAD)
    assert out == [row0[:first_new]]
    assert len(calls) == 1 + first_new  # prefill + one step per token before eos


def test_max_seq_len_clips_and_refuses():
    model = tiny_model(sharp=True)  # max_seq_len 48
    out = generate_batch(model, [[5] * 40, [6, 7]], 100, eos_id=-1, pad_id=PAD)
    assert [len(r) for r in out] == [8, 8]  # longest prompt (40) + 8 = 48
    assert generate_batch(model, [[5] * 48], 5, eos_id=-1, pad_id=PAD) == [[]]
    with pytest.raises(ValueError, match=r"49 tokens.*max_seq_len=48"):
        generate_batch(model, [[5] * 49], 5, eos_id=EOS, pad_id=PAD)


def test_sampling_is_reproducible_with_seeded_generator():
    model = tiny_model(sharp=True)

    def sample(seed, **kw):
        g = torch.Generator().manual_seed(seed)
        return generate_batch(model, PROMPTS, 10, eos_id=EOS, pad_id=PAD, generator=g, **kw)

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
    greedy = generate_batch(model, PROMPTS, 6, eos_id=EOS, pad_id=PAD)
    sampled = generate_batch(model, PROMPTS, 6, EOS, PAD, temperature=1.0, top_k=1, generator=g)
    assert sampled == greedy


def test_on_token_sees_each_token_as_it_is_picked():
    torch.manual_seed(0)
    model = TinyThinkLM(preset("micro", vocab_size=64, n_head=4, max_seq_len=48))
    prompts = [[5, 6, 7], [8, 9]]
    seen: list[list[int]] = []
    out = generate_batch(
        model, prompts, 10, eos_id=-1, pad_id=0, on_token=lambda t: seen.append(t.tolist())
    )
    assert [list(row) for row in zip(*seen, strict=True)] == out
    # The callback changes nothing.
    assert generate_batch(model, prompts, 10, eos_id=-1, pad_id=0) == out


# --- the engine against the plain reference in model.py ----------------------


def test_engine_picks_what_the_plain_generate_picks():
    model = tiny_model(sharp=True)
    reference = [model.generate(p, 12, eos_id=EOS) for p in PROMPTS]
    assert generate_batch(model, PROMPTS, 12, eos_id=EOS, pad_id=PAD) == reference
    # One prompt, sampled: the same generator draws give the same tokens.
    g1, g2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    sampled = model.generate(PROMPTS[0], 10, EOS, temperature=0.8, top_k=10, generator=g1)
    assert generate_batch(
        model, [PROMPTS[0]], 10, EOS, PAD, temperature=0.8, top_k=10, generator=g2
    ) == [sampled]
