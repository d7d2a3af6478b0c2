"""What the data tests build on: a small built-in data set, prepared and set up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tinythink.data.datamodule import ThinkingDataModule

GEN = {"n_train": 600, "n_val": 40, "n_test": 40, "n_ood": 20}


def small_datamodule(tmp_path: Path, **values: Any) -> ThinkingDataModule:
    """A prepared and set-up datamodule on :data:`GEN`, cached under ``tmp_path/cache``."""
    args = {
        "cache_dir": str(tmp_path / "cache"),
        "generator": GEN,
        "batch_size": 8,
        "n_eval": 10,
        "vocab_size": 320,
        "max_seq_len": 384,
    }
    dm = ThinkingDataModule(**{**args, **values})
    dm.prepare_data()
    dm.setup("fit")
    return dm
