"""The byte-level BPE: exact round trips, one token per digit, single-id special tokens."""

import pytest

from tinythink.data import generator as gen
from tinythink.data.datamodule import generator_config
from tinythink.data.problem import completion_text, prompt_text
from tinythink.data.tokenizer import (
    MIN_VOCAB,
    SPECIAL_TOKENS,
    decode,
    encode,
    load_tokenizer,
    save_tokenizer,
    train_tokenizer,
)


@pytest.fixture(scope="module")
def tok():
    problems = gen.generate_split(generator_config({"n_train": 3000}), "train")
    texts = [prompt_text(p.question) + completion_text(p, "cot") for p in problems]
    return train_tokenizer(texts, vocab_size=400)


@pytest.mark.parametrize(
    "text",
    [
        "Q: Mia has 47 apples.\nA: <think> 47+38: 7+8=15, so 85. </think> Answer: 85",
        "héllo wörld 😀 — ünïcode",
        "  two  spaces\n\n\ttab and trailing space ",
        "<pad><eos> nested <think><think>",
        "",
    ],
)
def test_round_trip_is_exact(tok, text):
    assert decode(tok, encode(tok, text)) == text


def test_every_digit_is_its_own_token(tok):
    pieces = [tok.id_to_token(i) for i in encode(tok, "Answer: 12345")]
    assert pieces[-5:] == ["1", "2", "3", "4", "5"]
    for ids in (encode(tok, str(n)) for n in range(0, 1000, 37)):
        assert all(len(tok.id_to_token(i)) == 1 for i in ids)


def test_special_tokens_are_single_ids(tok):
    for special in SPECIAL_TOKENS:
        ids = encode(tok, f"a {special} b")
        assert tok.token_to_id(special) in ids
    assert tok.get_vocab_size() <= 400


def test_vocab_too_small_for_special_tokens():
    with pytest.raises(ValueError, match=rf"vocab_size=100 is too small.*>= {MIN_VOCAB}"):
        train_tokenizer(["abc"], vocab_size=100)


def test_save_and_load(tok, tmp_path):
    path = tmp_path / "tokenizer.json"
    save_tokenizer(tok, path)
    again = load_tokenizer(path)
    assert encode(again, "Mia has 12") == encode(tok, "Mia has 12")
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind
    with pytest.raises(FileNotFoundError, match=r"nope\.json"):
        load_tokenizer(tmp_path / "nope.json")
