"""The GGUF file: its metadata and tensors read back, and llama.cpp running it (if installed)."""

from __future__ import annotations

import pytest

from tests.export.helpers import (
    VOCAB_ROWS,
    assert_shipped_model_matches_on_50,
    built_checkpoint,
    export_to,
    shipped,
)
from tinythink.checkpoints import load_checkpoint
from tinythink.export import check, layout

gguf = pytest.importorskip("gguf")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gguf")
    ckpt = built_checkpoint(tmp)
    out, parity = export_to(tmp, ckpt, "gguf")
    return out / "model.gguf", ckpt, parity


def test_metadata_is_what_llama_cpp_reads(exported):
    path, ckpt, parity = exported
    assert parity.ok and parity.same_generations == 8
    reader = gguf.GGUFReader(str(path))

    def field(key):
        return reader.fields[key].contents()

    assert field("general.architecture") == "llama"
    assert field("tokenizer.ggml.model") == "gpt2"
    assert field("tokenizer.ggml.pre") == "smollm"  # one token per digit, then GPT-2's split
    assert field("tokenizer.ggml.add_bos_token") is False
    assert (
        field("tokenizer.ggml.eos_token_id") == 1 and field("tokenizer.ggml.padding_token_id") == 0
    )
    assert field("llama.attention.head_count_kv") == 2
    assert field("llama.attention.layer_norm_rms_epsilon") == pytest.approx(1e-5)
    tokens, types = field("tokenizer.ggml.tokens"), field("tokenizer.ggml.token_type")
    n_real = load_checkpoint(ckpt).tokenizer.get_vocab_size()
    assert len(tokens) == VOCAB_ROWS  # padded to the embedding's rows
    assert tokens[n_real] == f"[PAD{n_real}]" and types[n_real] == gguf.TokenType.UNUSED
    assert tokens[:4] == ["<pad>", "<eos>", "<think>", "</think>"]
    assert types[:4] == [gguf.TokenType.CONTROL] * 2 + [gguf.TokenType.USER_DEFINED] * 2
    assert "output.weight" not in {t.name for t in reader.tensors}


def test_a_wrong_rotary_layout_fails_the_check_and_leaves_nothing(tmp_path, monkeypatch):
    ckpt = built_checkpoint(tmp_path)
    monkeypatch.setattr(layout, "to_llama_cpp_rotary", lambda weight, n_head: weight)
    with pytest.raises(RuntimeError, match="does not compute what the model does"):
        export_to(tmp_path, ckpt, "gguf")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial


@pytest.mark.slow
def test_llama_cpp_runs_the_shipped_model_like_the_model_on_50_handwritten_questions(tmp_path):
    pytest.importorskip("llama_cpp", reason='llama-cpp-python: pip install -e ".[llamacpp]"')
    out, parity = export_to(tmp_path, shipped(), "gguf")
    assert parity.ok
    runtime = assert_shipped_model_matches_on_50(check.llama_cpp_runtime, out / "model.gguf")
    assert runtime.name.startswith("llama.cpp")
