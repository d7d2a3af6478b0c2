"""The LightningDataModule: problems -> tokenizer -> one cached token array -> batches.

The settings come from ``conf/data/``, their one home: the constructor has no
defaults (but ``path``). The work is done once by :class:`~tinythink.data.cache.SplitCache`;
batches are cut from its padded array by :class:`~tinythink.data.dataset.TokenRows`
in the order of :class:`~tinythink.data.sampler.LengthGroupedSampler`.

The hand-written evaluation set (split ``handwritten``) is none of that: not
cached, not tokenized, never seen by the tokenizer or the loss. It is read from
the package only when :meth:`ThinkingDataModule.eval_problems` is asked for it,
which training never does (only testing does).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from lightning.pytorch import LightningDataModule
from omegaconf import OmegaConf
from tokenizers import Tokenizer
from torch.utils.data import DataLoader

from tinythink.cli import CONFIG_DIR
from tinythink.data import generator as gen
from tinythink.data.cache import SplitCache
from tinythink.data.dataset import TokenRows, already_batched
from tinythink.data.jsonl import read_handwritten, read_jsonl, split_problems
from tinythink.data.problem import Problem, check_format
from tinythink.data.sampler import LengthGroupedSampler
from tinythink.data.tokenizer import PAD
from tinythink.utils import stable_hash

log = logging.getLogger(__name__)

LOSS_ON = ("answer", "all")
SOURCES = ("generated", "jsonl")
HANDWRITTEN = "handwritten"  # the split scored by generation only, never trained on


@functools.cache
def _yaml_generator() -> dict[str, Any]:
    path = Path(CONFIG_DIR) / "data" / "arithmetic.yaml"
    return OmegaConf.to_container(OmegaConf.load(path).generator, resolve=True)


def generator_config(cfg: dict[str, Any] | None) -> gen.GeneratorConfig:
    """Build the generator config from the plain dict Hydra passes.

    A setting the dict lacks takes ``conf/data/arithmetic.yaml``'s value: the dict
    Hydra composes has them all; one saved in a checkpoint by an older version
    may not (``plan``, the ood splits' ``families``).
    """
    yaml, cfg = _yaml_generator(), dict(cfg or {})
    for key in ("train", "ood_steps", "ood_digits"):
        sub = {**yaml[key], **cfg.get(key, {})}
        families = sub["families"]  # one name (families=change) is a list of one
        families = (families,) if isinstance(families, str) else tuple(families)
        cfg[key] = gen.Difficulty(**{**sub, "families": families})
    return gen.GeneratorConfig(**{**yaml, **cfg})


class ThinkingDataModule(LightningDataModule):
    """Word problems (built in or from JSONL) as ``cot`` or ``direct`` training rows.

    The arguments have no defaults: ``conf/data/arithmetic.yaml`` (and ``jsonl.yaml``,
    which starts from it) holds the values and says what each one does. Only ``path``
    has one (None): no value in yaml could stand for it, since a yaml ``???`` does
    not override a value it is merged over.
    """

    def __init__(
        self,
        *,
        source: str,
        format: str,
        loss_on: str,
        vocab_size: int,
        max_seq_len: int,
        batch_size: int,
        num_workers: int,
        cache_dir: str,
        n_eval: int,
        generator: dict[str, Any] | None,
        val_fraction: float | None,
        test_fraction: float | None,
        seed: int,
        path: str | None = None,  # data=jsonl only: conf/data/jsonl.yaml asks for it (???)
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
        self.split_cache = SplitCache(
            self.cache, format=self.format, max_seq_len=max_seq_len, vocab_size=vocab_size
        )
        self.tokenizer: Tokenizer | None = None
        self.problems: dict[str, list[Problem]] = {}
        self.rows: dict[str, TokenRows] = {}
        self._handwritten: list[Problem] | None = None  # read on first request, not before

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

    # --- building the cache (rank 0 only, via prepare_data) ---------------------------------

    def prepare_data(self) -> None:
        self.split_cache.prepare(self.splits, self.loss_splits, self._make_problems)

    def _make_problems(self) -> dict[str, list[Problem]]:
        """The problems of every split, from the generator or the JSONL file."""
        if self.source == "generated":
            log.info("Generating word problems into %s", self.cache)
            return {s: gen.generate_split(self.gen_cfg, s) for s in self.splits}
        splits = split_problems(read_jsonl(self.path), **self.split_cfg)
        for split, items in splits.items():
            if not items:
                raise ValueError(
                    f"{self.path}: the {split} split is empty ({len(items)} rows); "
                    "add rows or change data.val_fraction / data.test_fraction"
                )
        return splits

    # --- serving ----------------------------------------------------------------------------

    def setup(self, stage: str | None = None) -> None:
        if self.tokenizer is not None:
            return
        self.prepare_data()  # no-op when rank 0 already built the cache
        self.tokenizer = self.split_cache.read_tokenizer()
        pad = self.tokenizer.token_to_id(PAD)
        for split in self.splits:
            self.problems[split] = self.split_cache.read_problems(split)
        for split in self.loss_splits:
            arrays = self.split_cache.tokens(split, self.tokenizer)
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
            collate_fn=already_batched,
            persistent_workers=self.num_workers > 0,
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("val", shuffle=False)

    def test_dataloader(self) -> DataLoader:
        return self._loader("test", shuffle=False)
