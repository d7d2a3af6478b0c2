"""Section 7: tinythink against HF Llama and a GPT-2-style model at the same shape."""

from __future__ import annotations

import math
import statistics

import pytest
import torch

from tests.bench.conftest import positive
from tests.presets import preset
from tinythink.bench.references import GPT2Reference, build


def test_every_contender_runs_and_each_ratio_is_the_median_of_its_repeats(quick):
    report, _ = quick
    ref = report["references"]
    names = ["tinythink", "gpt2"] + ([] if "hf_llama" in ref["skipped"] else ["hf_llama"])
    assert set(ref["models"]) == set(names)
    for m in ref["models"].values():
        assert positive(m["tokens_per_s"]) and m["tokens_per_s"] == statistics.median(m["runs"])
        # Every one starts near uniform predictions: the same task, honestly initialised.
        assert abs(m["first_loss"] - ref["uniform_loss"]) < 0.5
    for name in names[1:]:
        ratio = ref["ratios"][f"tinythink_vs_{name}"]
        assert ratio["median"] == statistics.median(ratio["runs"]) and positive(ratio["median"])


def test_hf_llama_is_built_with_tinythinks_exact_architecture():
    pytest.importorskip("transformers")
    config = preset("micro")
    net, _, _ = build(
        "hf_llama", config, {"weight_decay": 0.1, "lr": 1e-3, "betas": [0.9, 0.95]}, 10
    )
    assert sum(p.numel() for p in net.parameters()) == config.num_params


def test_gpt2_reference_has_the_classic_parts_at_the_same_shape():
    config = preset("micro")
    net = GPT2Reference(config)
    assert net.wpe.weight.shape == (config.max_seq_len, config.d_model)  # learned positions
    assert net.lm_head.weight is net.wte.weight
    assert net.blocks[0].c_fc.out_features == 4 * config.d_model
    logits = net(torch.randint(0, config.vocab_size, (2, 5)))
    assert logits.shape == (2, 5, config.vocab_size)
    uniform = math.log(config.vocab_size)
    loss = torch.nn.functional.cross_entropy(
        logits.flatten(0, 1), torch.zeros(10, dtype=torch.long)
    )
    assert abs(float(loss) - uniform) < 0.5
