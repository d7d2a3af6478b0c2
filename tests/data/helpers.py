"""What the data tests build on: the settings of ``conf/data``, and a small data set.

``ThinkingDataModule`` has no defaults (the yaml is their one home), so a test that
builds one takes the yaml's values, composed by Hydra as a run gets them, and
changes only what it is about.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from tinythink.cli import CONFIG_DIR
from tinythink.data.datamodule import ThinkingDataModule


@lru_cache
def _composed(config: str, overrides: tuple[str, ...]) -> dict[str, Any]:
    with initialize_config_dir(CONFIG_DIR, version_base="1.3"):
        cfg = compose("train", overrides=[f"data={config}", *overrides])
    return OmegaConf.to_container(cfg.data, resolve=True)


def data_settings(
    *overrides: str, config: str = "arithmetic", keep_target: bool = False, **values: Any
) -> dict[str, Any]:
    """The keyword arguments ``conf/data/<config>.yaml`` gives ``ThinkingDataModule``.

    ``overrides`` are Hydra's, for nested keys (``"data.generator.n_train=600"``);
    ``values`` replace top-level keys as they are (``cache_dir=str(tmp_path)``).
    ``_target_`` (the class) is left out unless ``keep_target``.
    """
    settings = copy.deepcopy(_composed(config, overrides))
    if not keep_target:
        settings.pop("_target_")
    return {**settings, **values}


# A small built-in data set: seconds to generate, tokenize and batch.
SMALL = (
    "data.generator.n_train=600",
    "data.generator.n_val=40",
    "data.generator.n_test=40",
    "data.generator.n_ood=20",
)


def small_datamodule(tmp_path: Path, **values: Any) -> ThinkingDataModule:
    """A prepared and set-up datamodule on :data:`SMALL`, cached under ``tmp_path/cache``."""
    settings = data_settings(
        *SMALL,
        cache_dir=str(tmp_path / "cache"),
        batch_size=8,
        n_eval=10,
        vocab_size=320,
        max_seq_len=448,  # the default data's limit
    )
    dm = ThinkingDataModule(**{**settings, **values})
    dm.prepare_data()
    dm.setup("fit")
    return dm
