"""A small byte-level BPE trained on the training text with the ``tokenizers`` library.

- Byte level: any text, any language, round trips exactly.
- Every digit is its own token, so "47" and "74" share their pieces and
  arithmetic works digit by digit, as the reasoning is written.
- Special tokens: padding, end of text and the ``<think>`` tags, each one id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from tinythink.data.problem import THINK_CLOSE, THINK_OPEN
from tinythink.utils import atomic_write_text

PAD = "<pad>"
EOS = "<eos>"
SPECIAL_TOKENS = (PAD, EOS, THINK_OPEN, THINK_CLOSE)
MIN_VOCAB = 256 + len(SPECIAL_TOKENS)  # every byte plus the special tokens


def check_vocab_size(vocab_size: int) -> None:
    """Refuse a vocabulary that cannot hold every byte and the special tokens."""
    if vocab_size < MIN_VOCAB:
        raise ValueError(
            f"tokenizer vocab_size={vocab_size} is too small: it needs {MIN_VOCAB} "
            f"(256 bytes + {len(SPECIAL_TOKENS)} special tokens {', '.join(SPECIAL_TOKENS)}); "
            f"set data.vocab_size >= {MIN_VOCAB}"
        )


def train_tokenizer(texts: Iterable[str], vocab_size: int) -> Tokenizer:
    """Train a byte-level BPE of at most ``vocab_size`` tokens on ``texts``."""
    check_vocab_size(vocab_size)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    return tok


def save_tokenizer(tok: Tokenizer, path: str | Path) -> None:
    """Write ``tokenizer.json`` atomically (a kill mid-write leaves the old file)."""
    atomic_write_text(path, tok.to_str(pretty=False))


def load_tokenizer(path: str | Path) -> Tokenizer:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"tokenizer file not found: {path}")
    tok = Tokenizer.from_file(str(path))
    missing = [t for t in SPECIAL_TOKENS if tok.token_to_id(t) is None]
    if missing:
        raise ValueError(f"{path} lacks the special tokens {missing}; was it made by tinythink?")
    return tok


def special_ids(tok: Tokenizer) -> dict[str, int]:
    return {t: tok.token_to_id(t) for t in SPECIAL_TOKENS}


def encode(tok: Tokenizer, text: str) -> list[int]:
    return tok.encode(text, add_special_tokens=False).ids


def decode(tok: Tokenizer, ids: list[int]) -> str:
    """Decode keeping the ``<think>`` tags (they are part of what the model says)."""
    return tok.decode(ids, skip_special_tokens=False)
