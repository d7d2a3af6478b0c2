"""The LightningDataModule: problems -> tokenizer -> one cached token array -> batches.

Work is done once and cached under ``cache_dir/<hash of the data config>/``:
the problems of every split (JSONL), the tokenizer (``tokenizer.json``) and the
tokenized rows (``.npz``). A second run on the same data loads them in well
under a second. Batches are cut from the padded array with tensor indexing:
no Python work per token.

The hand-written evaluation set (split ``handwritten``) is none of that: not
cached, not tokenized, never seen by the tokenizer or the loss. It is read from
the package only when :meth:`ThinkingDataModule.eval_problems` is asked for it,
which training never does (only testing does).
"""

from __future__ import annotations

import json
import logging
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
from lightning.pytorch import LightningDataModule
from tokenizers import Tokenizer
from torch.utils.data import DataLoader, Dataset, Sampler

from tinythink.data import generator as gen
from tinythink.data.jsonl import read_handwritten, read_jsonl, split_problems
from tinythink.data.problem import Problem, check_format, completion_text, prompt_text
from tinythink.data.tokenizer import (
    EOS,
    PAD,
    load_tokenizer,
    save_tokenizer,
    train_tokenizer,
)
from tinythink.utils import atomic_write, atomic_write_text, stable_hash

log = logging.getLogger(__name__)

IGNORE_INDEX = -100  # targets the loss skips (prompt under loss_on=answer, padding)
# Batch widths are rounded up to a multiple of this. On CPU, oneDNN compiles kernels
# per shape (bf16 above all) and keeps a bounded cache: ~200 distinct widths thrash it
# and a step gets 10x slower; a handful of widths compile once.
WIDTH_MULTIPLE = 32
LOSS_ON = ("answer", "all")
SOURCES = ("generated", "jsonl")
TOKENIZER_TRAIN_ROWS = 20_000  # BPE merges settle long before this on templated text
HANDWRITTEN = "handwritten"  # the split scored by generation only, never trained on


def generator_config(cfg: dict[str, Any] | None) -> gen.GeneratorConfig:
    """Build the generator config from the plain dict Hydra passes."""
    cfg = dict(cfg or {})
    for key in ("train", "ood_steps", "ood_digits"):
        if key in cfg:
            sub = dict(cfg[key])
            if "families" in sub:
                sub["families"] = tuple(sub["families"])
            cfg[key] = gen.Difficulty(**sub)
    return gen.GeneratorConfig(**cfg)


class TokenRows(Dataset):
    """Padded token rows of one split; ``__getitems__`` builds a whole batch at once."""

    def __init__(
        self,
        tokens: np.ndarray,
        lengths: np.ndarray,
        prompt_lens: np.ndarray,
        *,
        pad_id: int,
        answer_only: bool,
    ) -> None:
        # Room for the widest rounded-up batch: inputs and targets of WIDTH_MULTIPLE * k.
        need = -(-(tokens.shape[1] - 1) // WIDTH_MULTIPLE) * WIDTH_MULTIPLE + 1
        self.tokens = torch.nn.functional.pad(
            torch.from_numpy(tokens), (0, need - tokens.shape[1]), value=pad_id
        )
        self.lengths = torch.from_numpy(lengths).long()
        self.prompt_lens = torch.from_numpy(prompt_lens).long()
        self.pad_id = pad_id
        self.answer_only = answer_only

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitems__(self, indices: list[int]) -> dict[str, torch.Tensor]:
        idx = torch.as_tensor(indices)
        lengths = self.lengths[idx]
        # Trim the batch to its longest row, rounded up to a few fixed widths.
        width = -(-(int(lengths.max()) - 1) // WIDTH_MULTIPLE) * WIDTH_MULTIPLE + 1
        rows = self.tokens[idx, :width].long()
        inputs, targets = rows[:, :-1], rows[:, 1:].clone()
        pos = torch.arange(width - 1)
        scored = pos[None, :] < (lengths - 1)[:, None]
        if self.answer_only:  # score only what follows the prompt: thinking, answer, eos
            scored &= pos[None, :] >= (self.prompt_lens[idx] - 1)[:, None]
        targets[~scored] = IGNORE_INDEX
        return {"inputs": inputs, "targets": targets}

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return self.__getitems__([index])


class LengthGroupedSampler(Sampler[int]):
    """A shuffled order in which each run of ``batch_size`` indices has similar lengths.

    Rows differ a lot in length (1-step vs 4-step problems); batching similar
    lengths together cuts the padding each batch carries, so more of every step
    is real tokens. Shuffle, cut into chunks of ``batch_size * group``, sort each
    chunk by length, split into batches, shuffle the batches.

    The order is a pure function of ``(seed, epoch)``, so the stream can be resumed:
    :meth:`resume_at` makes the next pass over epoch ``step // batches_per_epoch``
    skip the batches already trained on (Lightning 2.x restores the step, not the
    position inside an epoch).
    """

    def __init__(self, lengths: torch.Tensor, batch_size: int, seed: int, group: int = 50) -> None:
        self.lengths = lengths
        self.batch_size = batch_size
        self.seed = seed
        self.group = group
        self.epoch = 0
        self._resume: tuple[int, int] | None = None  # (epoch, batches to skip), used once

    def set_epoch(self, epoch: int) -> None:  # called by Lightning at each epoch
        self.epoch = epoch

    @property
    def batches_per_epoch(self) -> int:
        return len(self.lengths) // self.batch_size

    def resume_at(self, step: int) -> None:
        """Continue the stream after ``step`` batches (counted from the start of epoch 0)."""
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}")
        self._resume = divmod(step, max(1, self.batches_per_epoch))

    def __len__(self) -> int:
        return self.batches_per_epoch * self.batch_size

    def batch_order(self, epoch: int) -> list[list[int]]:
        """The batches of ``epoch``, in the order they are served."""
        g = torch.Generator().manual_seed(self.seed + epoch)
        perm = torch.randperm(len(self.lengths), generator=g)
        batches = []
        for chunk in perm.split(self.batch_size * self.group):
            chunk = chunk[torch.argsort(self.lengths[chunk], stable=True)]
            batches += [b for b in chunk.split(self.batch_size) if len(b) == self.batch_size]
        order = torch.randperm(len(batches), generator=g).tolist()
        return [batches[i].tolist() for i in order]

    def __iter__(self):
        skip = 0
        if self._resume is not None:
            epoch, skip = self._resume
            self._resume = None
            # Lightning's epoch counter can disagree with the step (a run resumed after it
            # ended at an epoch boundary): the step decides, and that is no user's concern.
            if epoch != self.epoch:
                log.info(
                    "Resuming the data stream in epoch %d (from the step), not %d",
                    epoch,
                    self.epoch,
                )
                self.epoch = epoch
        for batch in self.batch_order(self.epoch)[skip:]:
            yield from batch


def _already_batched(batch: Any) -> Any:
    return batch


class ThinkingDataModule(LightningDataModule):
    """Word problems (built in or from JSONL) as ``cot`` or ``direct`` training rows."""

    def __init__(
        self,
        source: str = "generated",
        format: str = "cot",
        loss_on: str = "answer",
        vocab_size: int = 512,
        max_seq_len: int = 448,
        batch_size: int = 64,
        num_workers: int = 0,
        cache_dir: str = "logs/cache",
        n_eval: int = 256,
        generator: dict[str, Any] | None = None,
        path: str | None = None,
        val_fraction: float = 0.05,
        test_fraction: float = 0.05,
        seed: int = 1234,
    ) -> None:
        super().__init__()
        # Stored in checkpoints, so eval.py can rebuild the same splits.
        self.save_hyperparameters()
        if source not in SOURCES:
            raise ValueError(f"unknown data.source {source!r}; expected one of {SOURCES}")
        if loss_on not in LOSS_ON:
            raise ValueError(f"unknown data.loss_on {loss_on!r}; expected one of {LOSS_ON}")
        if source == "jsonl" and not path:
            raise ValueError("data.source=jsonl needs data.path=/path/to/problems.jsonl")
        for name, value in (
            ("batch_size", batch_size),
            ("max_seq_len", max_seq_len),
            ("n_eval", n_eval),
        ):
            if value <= 0:
                raise ValueError(f"data.{name} must be positive, got {value}")
        self.source = source
        self.format = check_format(format)
        self.loss_on = loss_on
        self.vocab_size = vocab_size
        self.max_seq_len = max_seq_len
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.n_eval = n_eval
        self.seed = seed
        self.path = path
        if source == "generated":
            self.gen_cfg = generator_config(generator)
            spec: dict[str, Any] = {
                "source": source,
                "version": gen.FORMAT_VERSION,
                "generator": asdict(self.gen_cfg),
            }
        else:
            self.split_cfg = {
                "val_fraction": val_fraction,
                "test_fraction": test_fraction,
                "seed": seed,
            }
            resolved = Path(path).resolve()
            stamp = resolved.stat().st_mtime_ns if resolved.exists() else 0
            spec = {"source": source, "path": str(resolved), "mtime": stamp, **self.split_cfg}
        spec["vocab_size"] = vocab_size
        self.cache = Path(cache_dir) / stable_hash(spec)
        self.tokenizer: Tokenizer | None = None
        self.problems: dict[str, list[Problem]] = {}
        self.rows: dict[str, TokenRows] = {}
        self._handwritten: list[Problem] | None = None  # read on first request, not before

    # --- building the cache (rank 0 only, via prepare_data) ---------------------------------

    @property
    def splits(self) -> tuple[str, ...]:
        return (
            ("train", "val", "test", "ood")
            if self.source == "generated"
            else ("train", "val", "test")
        )

    # Splits served as token rows for the loss; ood is only answered by generation.
    loss_splits = ("train", "val", "test")

    @property
    def eval_splits(self) -> tuple[str, ...]:
        """Every split :meth:`eval_problems` serves: the cached ones and ``handwritten``."""
        return (*self.splits, HANDWRITTEN)

    def _problems_file(self, split: str) -> Path:
        return self.cache / f"problems_{split}.jsonl"

    def _tokens_file(self, split: str) -> Path:
        return self.cache / f"tokens_{split}_{self.format}_{self.max_seq_len}.npz"

    def prepare_data(self) -> None:
        if not all(self._problems_file(s).exists() for s in self.splits):
            self._build_problems()
        tok_path = self.cache / "tokenizer.json"
        if not tok_path.exists():
            train = self._load_problems("train")[:TOKENIZER_TRAIN_ROWS]
            # Trained on the cot text even for direct runs: one tokenizer for both formats
            # keeps the cot-vs-direct comparison about the data, not the vocabulary.
            texts = [prompt_text(p.question) + completion_text(p, "cot") for p in train]
            save_tokenizer(train_tokenizer(texts, self.vocab_size), tok_path)
        tok = load_tokenizer(tok_path)
        for split in self.loss_splits:
            if self._load_tokens(split) is None:
                self._build_tokens(split, tok)

    def _build_problems(self) -> None:
        if self.source == "generated":
            log.info("Generating word problems into %s", self.cache)
            splits = {s: gen.generate_split(self.gen_cfg, s) for s in self.splits}
        else:
            splits = split_problems(read_jsonl(self.path), **self.split_cfg)
            for split, items in splits.items():
                if not items:
                    raise ValueError(
                        f"{self.path}: the {split} split is empty ({len(items)} rows); "
                        "add rows or change data.val_fraction / data.test_fraction"
                    )
        for split, items in splits.items():
            text = "".join(json.dumps(p.to_dict()) + "\n" for p in items)
            atomic_write_text(self._problems_file(split), text)

    def _load_problems(self, split: str) -> list[Problem]:
        with open(self._problems_file(split), encoding="utf-8") as f:
            return [Problem(**json.loads(line)) for line in f]

    def _build_tokens(self, split: str, tok: Tokenizer) -> None:
        problems = self._load_problems(split)
        eos = tok.token_to_id(EOS)
        # Encode in chunks, keeping ids only: full Encoding objects (offsets, masks, strings)
        # for 200k rows would take gigabytes.
        prompts: list[list[int]] = []
        completions: list[list[int]] = []
        for start in range(0, len(problems), 10_000):
            chunk = problems[start : start + 10_000]
            prompts += [
                e.ids
                for e in tok.encode_batch_fast(
                    [prompt_text(p.question) for p in chunk], add_special_tokens=False
                )
            ]
            completions += [
                e.ids
                for e in tok.encode_batch_fast(
                    [completion_text(p, self.format) for p in chunk], add_special_tokens=False
                )
            ]
        lengths = np.array([len(p) + len(c) + 1 for p, c in zip(prompts, completions, strict=True)])
        longest = int(lengths.max())
        if longest > self.max_seq_len:
            worst = problems[int(lengths.argmax())]
            raise ValueError(
                f"data.max_seq_len={self.max_seq_len} is shorter than the longest {split} "
                f"example ({longest} tokens: {worst.question[:60]!r}...); "
                f"set data.max_seq_len >= {longest}"
            )
        tokens = np.full((len(problems), longest), tok.token_to_id(PAD), dtype=np.int32)
        for i, (p, c) in enumerate(zip(prompts, completions, strict=True)):
            row = [*p, *c, eos]
            tokens[i, : len(row)] = row
        prompt_lens = np.array([len(p) for p in prompts], dtype=np.int32)

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as f:
                np.savez(
                    f, tokens=tokens, lengths=lengths.astype(np.int32), prompt_lens=prompt_lens
                )

        atomic_write(self._tokens_file(split), write)

    def _load_tokens(self, split: str) -> dict[str, np.ndarray] | None:
        """The cached arrays, or None if missing or unreadable (then they are rebuilt)."""
        path = self._tokens_file(split)
        if not path.exists():
            return None
        try:
            with np.load(path) as npz:
                arrays = {k: npz[k] for k in ("tokens", "lengths", "prompt_lens")}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as err:
            log.warning("Token cache %s is unreadable (%s); rebuilding it", path, err)
            return None
        return arrays

    # --- serving ----------------------------------------------------------------------------

    def setup(self, stage: str | None = None) -> None:
        if self.tokenizer is not None:
            return
        self.prepare_data()  # no-op when rank 0 already built the cache
        self.tokenizer = load_tokenizer(self.cache / "tokenizer.json")
        pad = self.tokenizer.token_to_id(PAD)
        for split in self.splits:
            self.problems[split] = self._load_problems(split)
        for split in self.loss_splits:
            arrays = self._load_tokens(split)
            if arrays is None:  # another rank's write raced us, or the file went bad
                self._build_tokens(split, self.tokenizer)
                arrays = self._load_tokens(split)
            self.rows[split] = TokenRows(**arrays, pad_id=pad, answer_only=self.loss_on == "answer")

    def eval_problems(self, split: str) -> list[Problem]:
        """Held-out problems scored by generation (val: a fixed subset, test/ood: all).

        ``handwritten`` is read from the package here, on first request, so that
        nothing before testing (the cache, the tokenizer, fitting) ever opens it.
        """
        if split == HANDWRITTEN:
            if self._handwritten is None:
                self._handwritten = read_handwritten()
            return self._handwritten
        problems = self.problems[split]
        return problems[: self.n_eval] if split == "val" else problems

    def _loader(self, split: str, shuffle: bool) -> DataLoader:
        rows = self.rows[split]
        sampler = None
        if shuffle:
            sampler = LengthGroupedSampler(rows.lengths, self.batch_size, self.seed)
        return DataLoader(
            rows,
            batch_size=self.batch_size,
            sampler=sampler,
            drop_last=shuffle,
            num_workers=self.num_workers,
            collate_fn=_already_batched,
            persistent_workers=self.num_workers > 0,
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("val", shuffle=False)

    def test_dataloader(self) -> DataLoader:
        return self._loader("test", shuffle=False)
