"""The Hugging Face folder: what ``transformers`` loads, and the project's portable model.

A folder written here holds

- ``config.json``, ``generation_config.json``, ``model.safetensors``: a
  ``LlamaForCausalLM`` with the tied embedding, written by ``transformers`` itself;
- ``tokenizer.json``, ``tokenizer_config.json``: the project's byte-level BPE as a
  ``PreTrainedTokenizerFast`` with its own eos and pad ids and a chat template that
  gives the training layout ``Q: ...\\nA:``;
- ``tinythink.json``: the model and data settings, so ``eval.py`` and
  ``generate.py`` take the folder wherever they take a ``.ckpt``;
- ``README.md``: the model card (:mod:`tinythink.export.card`).

Reading one back (:func:`read_model_folder`) needs only ``safetensors`` and
``tokenizers``, not ``transformers``: the shipped model works on a plain install.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from tokenizers import Tokenizer

from tinythink.checkpoints import CheckpointError, Loaded
from tinythink.data.problem import prompt_text
from tinythink.data.tokenizer import EOS, PAD, SPECIAL_TOKENS
from tinythink.export import layout
from tinythink.model import ModelConfig, ModelConfigError, TinyThinkLM

META_FILE = "tinythink.json"
WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
META_VERSION = 1
# A user turn becomes the training prompt, an assistant turn its completion and eos.
# The prompt already ends in "A:", so add_generation_prompt adds nothing.
# Jinja keeps a newline written as a literal, whatever trim_blocks does to the template.
_QUESTION = prompt_text("{{ message['content'] | trim }}").replace("\n", "{{ '\\n' }}")
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'user' %}" + _QUESTION + "{% elif message['role'] == 'assistant' %}"
    "{{ message['content'] }}{{ eos_token }}"
    "{% endif %}{% endfor %}"
)


def is_model_folder(path: str | Path) -> bool:
    return (Path(path) / META_FILE).is_file()


def hf_config(config: ModelConfig, eos_id: int, pad_id: int) -> Any:
    """The ``LlamaConfig`` of this model, with every default that would be wrong here set."""
    from transformers import LlamaConfig

    return LlamaConfig(
        vocab_size=config.vocab_size,
        hidden_size=config.d_model,
        intermediate_size=config.mlp_hidden,
        num_hidden_layers=config.n_layer,
        num_attention_heads=config.n_head,
        num_key_value_heads=config.n_kv_head,
        head_dim=config.head_dim,
        hidden_act="silu",
        max_position_embeddings=config.max_seq_len,
        rms_norm_eps=config.norm_eps,  # the library's default is 1e-6
        rope_parameters={"rope_type": "default", "rope_theta": float(config.rope_theta)},
        tie_word_embeddings=True,  # the library's default is untied
        attention_bias=False,
        mlp_bias=False,
        # The defaults (bos 1, eos 2) would stop generation at <think> here.
        bos_token_id=None,
        eos_token_id=eos_id,
        pad_token_id=pad_id,
        dtype="float32",
    )


def write_hf(loaded: Loaded, out: Path) -> None:
    """Write ``loaded`` into the existing folder ``out`` (the card is written by the caller)."""
    from transformers import GenerationConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = loaded.tokenizer
    eos_id, pad_id = tok.token_to_id(EOS), tok.token_to_id(PAD)
    config = loaded.model.config
    hf_model = LlamaForCausalLM(hf_config(config, eos_id, pad_id))
    state = {k: v.detach().float().cpu() for k, v in loaded.model.state_dict().items()}
    result = hf_model.load_state_dict(layout.to_hf(state), strict=False)
    if result.unexpected_keys or set(result.missing_keys) != {"lm_head.weight"}:
        raise RuntimeError(f"weights do not map onto LlamaForCausalLM: {result}")
    check_tied(hf_model)  # the missing lm_head is the embedding
    hf_model.generation_config = GenerationConfig(
        eos_token_id=eos_id,
        pad_token_id=pad_id,
        do_sample=False,
        max_new_tokens=int(loaded.hparams["eval"]["max_new_tokens"]),
    )
    hf_model.save_pretrained(out)

    hf_tok = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=EOS,
        pad_token=PAD,
        additional_special_tokens=[t for t in SPECIAL_TOKENS if t not in (EOS, PAD)],
        clean_up_tokenization_spaces=False,
        model_max_length=config.max_seq_len,
        chat_template=CHAT_TEMPLATE,
    )
    hf_tok.save_pretrained(out)
    write_meta(loaded, out)


def write_meta(loaded: Loaded, out: Path) -> None:
    """``tinythink.json``: the settings that rebuild the model and its data (every format)."""
    meta = {
        "tinythink_format": META_VERSION,
        "global_step": loaded.step,
        "hyper_parameters": loaded.hparams,
        # The cache path is the training machine's; eval.py sets its own.
        "datamodule_hyper_parameters": {k: v for k, v in loaded.data.items() if k != "cache_dir"},
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")


def read_meta(folder: Path) -> tuple[dict[str, Any], ModelConfig]:
    """``tinythink.json`` and the model config in it; CheckpointError if unusable."""
    try:
        meta = json.loads((folder / META_FILE).read_text())
        version = meta["tinythink_format"]
        config = ModelConfig(**meta["hyper_parameters"]["model"])
    except (OSError, ValueError, KeyError, TypeError, ModelConfigError) as err:
        raise CheckpointError(f"{folder / META_FILE} is unreadable or incomplete: {err!r}") from err
    if version > META_VERSION:
        raise CheckpointError(
            f"{folder} was written by a newer tinythink (format {version}); update tinythink"
        )
    return meta, config


def check_tied(hf_model: Any) -> None:
    head, embedding = hf_model.lm_head.weight, hf_model.model.embed_tokens.weight
    if head.data_ptr() != embedding.data_ptr():
        raise RuntimeError("transformers did not tie lm_head to embed_tokens")


def read_model_folder(path: str | Path, device: str | torch.device = "cpu") -> Loaded:
    """The model and tokenizer of a folder written by :func:`write_hf` (no ``transformers``)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(path)
    missing = [f for f in (META_FILE, WEIGHTS_FILE, TOKENIZER_FILE) if not (path / f).is_file()]
    if missing:
        raise CheckpointError(
            f"{path} is not a tinythink model folder (missing {', '.join(missing)}); "
            "pass a .ckpt file or a folder written by python export.py format=hf"
        )
    meta, config = read_meta(path)
    try:
        state = layout.from_hf(load_file(path / WEIGHTS_FILE))
    except (SafetensorError, KeyError, OSError) as err:
        raise CheckpointError(
            f"{path / WEIGHTS_FILE} is corrupt or not this model's: {err}"
        ) from err
    model = TinyThinkLM(config)
    try:
        model.load_state_dict(state)
    except RuntimeError as err:
        raise CheckpointError(f"{path} does not fit the model config it carries: {err}") from err
    tokenizer = Tokenizer.from_file(str(path / TOKENIZER_FILE))
    model.to(device).eval()
    return Loaded(
        model,
        tokenizer,
        meta["hyper_parameters"],
        dict(meta.get("datamodule_hyper_parameters", {})),
        int(meta.get("global_step", 0)),
    )
