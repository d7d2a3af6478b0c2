"""The Hugging Face folder, loaded by ``transformers`` itself (offline)."""

from __future__ import annotations

import json

import pytest
import torch

from tests.export.helpers import (
    assert_shipped_model_matches_on_50,
    built_checkpoint,
    export_to,
    shipped,
)
from tinythink.checkpoints import load_checkpoint
from tinythink.data.problem import prompt_text
from tinythink.data.tokenizer import EOS, PAD
from tinythink.export import check

transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hf")
    ckpt = built_checkpoint(tmp)
    out, parity = export_to(tmp, ckpt, "hf", "name=gqa", "commit=abc1234")
    return out, ckpt, parity


def test_export_passes_its_own_check_in_transformers(exported):
    _, _, parity = exported
    assert parity.ok and parity.prompts == parity.same_generations == 8
    assert parity.runtime == f"transformers {transformers.__version__}"


def test_config_sets_what_the_library_defaults_get_wrong(exported):
    folder, ckpt, _ = exported
    loaded = load_checkpoint(ckpt)
    config = json.loads((folder / "config.json").read_text())
    assert config["architectures"] == ["LlamaForCausalLM"]
    assert config["tie_word_embeddings"] is True
    assert config["rms_norm_eps"] == 1e-5
    assert config["num_key_value_heads"] == 2 and config["num_attention_heads"] == 4
    assert config["eos_token_id"] == loaded.tokenizer.token_to_id(EOS) == 1
    assert config["pad_token_id"] == loaded.tokenizer.token_to_id(PAD) == 0
    assert config["bos_token_id"] is None
    assert config["rope_parameters"]["rope_theta"] == 10000.0
    generation = json.loads((folder / "generation_config.json").read_text())
    assert generation["eos_token_id"] == 1 and generation["max_new_tokens"] == 48


def test_tokenizer_and_chat_template_give_the_training_prompt(exported):
    folder, ckpt, _ = exported
    tok = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
    question = "If you have 3 apples and give away 1, how many are left?"
    text = tok.apply_chat_template(
        [{"role": "user", "content": f"  {question} "}], tokenize=False, add_generation_prompt=True
    )
    assert text == prompt_text(question) == f"Q: {question}\nA:"
    assert (tok.eos_token, tok.pad_token) == ("<eos>", "<pad>")
    ours = load_checkpoint(ckpt).tokenizer
    sample = "Q: Mia has 47 apples.\nA: <think> 47+38=85 </think> Answer: 85"
    assert tok(sample, add_special_tokens=False)["input_ids"] == ours.encode(sample).ids
    assert tok.decode(ours.encode(sample).ids) == sample  # spaces and tags survive


def test_folder_reads_back_into_the_same_model_without_transformers(exported):
    folder, ckpt, _ = exported
    original, back = load_checkpoint(ckpt), load_checkpoint(folder)
    ids = torch.tensor([original.tokenizer.encode(prompt_text("How many?")).ids])
    with torch.no_grad():
        assert torch.equal(original.model(ids), back.model(ids))
    assert back.step == 7 and back.hparams["eval"]["max_new_tokens"] == 48
    # transformers adds an empty post-processor to tokenizer.json; it must add no tokens.
    sample = "Q: Ana's 12 pens (red) + 7?\nA: <think> 12+7=19 </think> Answer: 19<eos>"
    assert back.tokenizer.encode(sample).ids == original.tokenizer.encode(sample).ids
    assert (
        back.tokenizer.decode(back.tokenizer.encode(sample).ids, skip_special_tokens=False)
        == sample
    )


def test_card_of_an_unmeasured_checkpoint_says_so(exported):
    folder, _, _ = exported
    card = (folder / "README.md").read_text()
    assert card.startswith("---\nlibrary_name: transformers\n")
    assert "# gqa\n" in card
    assert "tinythink commit abc1234" in card
    assert "Not measured for this checkpoint" in card and "| test" not in card


@pytest.mark.slow
def test_shipped_model_in_transformers_matches_on_50_handwritten_questions():
    assert_shipped_model_matches_on_50(check.hf_runtime, shipped())
