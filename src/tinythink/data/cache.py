"""The cache of one data config: problems of every split, the tokenizer, the token rows.

Work is done once and kept under ``cache_dir/<hash of the data config>/``: the
problems of every split (JSONL), the tokenizer (``tokenizer.json``) and the
tokenized rows (``.npz``). A second run on the same data loads them in well
under a second. Every file is written atomically, so a run killed mid-write
leaves no half file behind; a token file that is unreadable anyway is rebuilt.

Where the problems come from (the generator or a JSONL file) is the caller's
business: :meth:`SplitCache.prepare` takes a function that makes them.
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from tinythink.data.problem import Problem, completion_text, prompt_text
from tinythink.data.tokenizer import EOS, PAD, load_tokenizer, save_tokenizer, train_tokenizer
from tinythink.utils import atomic_write, atomic_write_text

log = logging.getLogger(__name__)

TOKENIZER_TRAIN_ROWS = 20_000  # BPE merges settle long before this on templated text
ENCODE_CHUNK = 10_000  # rows encoded at a time


def tokenize(
    problems: list[Problem], tok: Tokenizer, *, format: str, max_seq_len: int, split: str
) -> dict[str, np.ndarray]:
    """Rows ``prompt + completion + eos``, padded into one array, with their lengths.

    Raises ValueError, naming ``split`` and the fix, if a row is longer than ``max_seq_len``.
    """
    eos = tok.token_to_id(EOS)
    # Encode in chunks, keeping ids only: full Encoding objects (offsets, masks, strings)
    # for 200k rows would take gigabytes.
    prompts: list[list[int]] = []
    completions: list[list[int]] = []
    for start in range(0, len(problems), ENCODE_CHUNK):
        chunk = problems[start : start + ENCODE_CHUNK]
        prompts += [
            e.ids
            for e in tok.encode_batch_fast(
                [prompt_text(p.question) for p in chunk], add_special_tokens=False
            )
        ]
        completions += [
            e.ids
            for e in tok.encode_batch_fast(
                [completion_text(p, format) for p in chunk], add_special_tokens=False
            )
        ]
    lengths = np.array([len(p) + len(c) + 1 for p, c in zip(prompts, completions, strict=True)])
    longest = int(lengths.max())
    if longest > max_seq_len:
        worst = problems[int(lengths.argmax())]
        raise ValueError(
            f"data.max_seq_len={max_seq_len} is shorter than the longest {split} "
            f"example ({longest} tokens: {worst.question[:60]!r}...); "
            f"set data.max_seq_len >= {longest}"
        )
    tokens = np.full((len(problems), longest), tok.token_to_id(PAD), dtype=np.int32)
    for i, (p, c) in enumerate(zip(prompts, completions, strict=True)):
        row = [*p, *c, eos]
        tokens[i, : len(row)] = row
    prompt_lens = np.array([len(p) for p in prompts], dtype=np.int32)
    return {"tokens": tokens, "lengths": lengths.astype(np.int32), "prompt_lens": prompt_lens}


class SplitCache:
    """The files of one data config in ``directory``, built on first use, then read."""

    def __init__(self, directory: Path, *, format: str, max_seq_len: int, vocab_size: int) -> None:
        self.directory = directory
        self.format = format
        self.max_seq_len = max_seq_len
        self.vocab_size = vocab_size

    def problems_file(self, split: str) -> Path:
        return self.directory / f"problems_{split}.jsonl"

    def tokens_file(self, split: str) -> Path:
        return self.directory / f"tokens_{split}_{self.format}_{self.max_seq_len}.npz"

    @property
    def tokenizer_file(self) -> Path:
        return self.directory / "tokenizer.json"

    def prepare(
        self,
        splits: Iterable[str],
        loss_splits: Iterable[str],
        make_problems: Callable[[], dict[str, list[Problem]]],
    ) -> None:
        """Build whatever is missing: the problems of ``splits``, the tokenizer, the tokens."""
        if not all(self.problems_file(s).exists() for s in splits):
            self.write_problems(make_problems())
        if not self.tokenizer_file.exists():
            train = self.read_problems("train")[:TOKENIZER_TRAIN_ROWS]
            # Trained on the cot text even for direct runs: one tokenizer for both formats
            # keeps the cot-vs-direct comparison about the data, not the vocabulary.
            texts = [prompt_text(p.question) + completion_text(p, "cot") for p in train]
            save_tokenizer(train_tokenizer(texts, self.vocab_size), self.tokenizer_file)
        tok = load_tokenizer(self.tokenizer_file)
        for split in loss_splits:
            if self.read_tokens(split) is None:
                self.write_tokens(split, tok)

    def write_problems(self, splits: dict[str, list[Problem]]) -> None:
        for split, items in splits.items():
            text = "".join(json.dumps(p.to_dict()) + "\n" for p in items)
            atomic_write_text(self.problems_file(split), text)

    def read_problems(self, split: str) -> list[Problem]:
        with open(self.problems_file(split), encoding="utf-8") as f:
            return [Problem(**json.loads(line)) for line in f]

    def read_tokenizer(self) -> Tokenizer:
        return load_tokenizer(self.tokenizer_file)

    def write_tokens(self, split: str, tok: Tokenizer) -> None:
        arrays = tokenize(
            self.read_problems(split),
            tok,
            format=self.format,
            max_seq_len=self.max_seq_len,
            split=split,
        )

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as f:
                np.savez(f, **arrays)

        atomic_write(self.tokens_file(split), write)

    def read_tokens(self, split: str) -> dict[str, np.ndarray] | None:
        """The cached arrays, or None if missing or unreadable (then they are rebuilt)."""
        path = self.tokens_file(split)
        if not path.exists():
            return None
        try:
            with np.load(path) as npz:
                arrays = {k: npz[k] for k in ("tokens", "lengths", "prompt_lens")}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as err:
            log.warning("Token cache %s is unreadable (%s); rebuilding it", path, err)
            return None
        return arrays

    def tokens(self, split: str, tok: Tokenizer) -> dict[str, np.ndarray]:
        """The cached arrays of ``split``, rebuilt first if missing or unreadable."""
        arrays = self.read_tokens(split)
        if arrays is None:  # another rank's write raced us, or the file went bad
            self.write_tokens(split, tok)
            arrays = self.read_tokens(split)
        return arrays
