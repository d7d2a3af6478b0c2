"""One ``.gguf`` file that llama.cpp (and ollama, llama-cpp-python...) loads and runs.

Written directly with the ``gguf`` package rather than llama.cpp's
``convert_hf_to_gguf.py``, which refuses BPE pre-tokenizers it does not know by
hash. The architecture is ``llama``; the tokenizer is stored as llama.cpp's
``gpt2`` (byte-level BPE) with the ``smollm`` pre-tokenizer: one token per digit,
then GPT-2's split, which is exactly this project's tokenizer. Weights stay
float32 (the model is a few MB; parity is exact up to summation order).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tinythink.checkpoints import Loaded
from tinythink.data.tokenizer import EOS, PAD
from tinythink.export import layout
from tinythink.export.hf import CHAT_TEMPLATE

FILE = "model.gguf"
# Shown as text in llama.cpp's output, like any word; <pad> and <eos> are control tokens.
VISIBLE_SPECIALS = ("<think>", "</think>")


def write_gguf(loaded: Loaded, path: Path, name: str) -> None:
    import gguf

    config = loaded.model.config
    tok = loaded.tokenizer
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(name)
    writer.add_context_length(config.max_seq_len)
    writer.add_embedding_length(config.d_model)
    writer.add_block_count(config.n_layer)
    writer.add_feed_forward_length(config.mlp_hidden)
    writer.add_head_count(config.n_head)
    writer.add_head_count_kv(config.n_kv_head)
    writer.add_rope_dimension_count(config.head_dim)
    writer.add_rope_freq_base(float(config.rope_theta))
    writer.add_layer_norm_rms_eps(float(config.norm_eps))
    writer.add_vocab_size(config.vocab_size)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)

    tokens, types = token_table(tok, config.vocab_size)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("smollm")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges(tok))
    eos_id, pad_id = tok.token_to_id(EOS), tok.token_to_id(PAD)
    writer.add_eos_token_id(eos_id)
    writer.add_pad_token_id(pad_id)
    writer.add_bos_token_id(eos_id)  # never added (add_bos is off); set so no stray id is used
    writer.add_add_bos_token(False)
    writer.add_add_eos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)

    state = {k: v.detach().float().cpu() for k, v in loaded.model.state_dict().items()}
    for tensor_name, tensor in layout.to_gguf(state, config.n_head, config.n_kv_head).items():
        writer.add_tensor(tensor_name, tensor.contiguous().numpy())
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def token_table(tok: Any, rows: int) -> tuple[list[str], list[int]]:
    """Every token's byte-level text and llama.cpp type, padded to the embedding's rows."""
    from gguf import TokenType

    by_id = {i: t for t, i in tok.get_vocab(with_added_tokens=True).items()}
    if sorted(by_id) != list(range(len(by_id))):
        raise ValueError("tokenizer ids are not contiguous from 0")
    specials = {a.content for a in tok.get_added_tokens_decoder().values() if a.special}
    tokens, types = [], []
    for i in range(len(by_id)):
        text = by_id[i]
        tokens.append(text)
        if text in VISIBLE_SPECIALS:
            types.append(TokenType.USER_DEFINED)
        elif text in specials:
            types.append(TokenType.CONTROL)
        else:
            types.append(TokenType.NORMAL)
    for i in range(len(tokens), rows):  # rows the tokenizer never produces
        tokens.append(f"[PAD{i}]")
        types.append(TokenType.UNUSED)
    return tokens, types


def merges(tok: Any) -> list[str]:
    """The BPE merges as ``"left right"`` lines, whichever way tokenizers stored them."""
    stored = json.loads(tok.to_str())["model"]["merges"]
    return [m if isinstance(m, str) else " ".join(m) for m in stored]
