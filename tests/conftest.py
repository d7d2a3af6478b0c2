"""Shared test set-up: nothing goes into the user's HOME, slow tests behind --slow."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """W&B and matplotlib write under HOME even offline; point them at a temp dir."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("WANDB_DIR", "wandb"),
        ("WANDB_CACHE_DIR", "wandb-cache"),
        ("WANDB_DATA_DIR", "wandb-data"),
        ("WANDB_CONFIG_DIR", "wandb-config"),
        ("MPLCONFIGDIR", "mpl"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    yield home


def run_script(script: str, *args: str, cwd: Path = ROOT, timeout: int = 300, env=None):
    """Run one of the root scripts in a subprocess, as a user would."""
    import subprocess

    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / script), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


def error_line(result) -> str:
    """A user mistake's whole stderr: exit code 2 and exactly one line, which is returned."""
    assert result.returncode == 2, result.stderr[-3000:]
    (line,) = result.stderr.strip().splitlines()
    return line


def compose_in(config: str, run_dir: Path, *overrides: str):
    """``config`` (train or eval) as Hydra composes it, every path under ``run_dir``'s
    parent and the run in ``run_dir``: what the entry point would run, without Hydra
    creating a run dir."""
    from hydra import compose, initialize_config_dir

    from tinythink.cli import CONFIG_DIR

    paths = [
        f"paths.log_dir={run_dir.parent}",
        f"paths.run_dir={run_dir}",
        f"paths.root_dir={run_dir.parent}",
    ]
    with initialize_config_dir(CONFIG_DIR, version_base="1.3"):
        return compose(config, overrides=[*paths, *overrides])


@contextlib.contextmanager
def recording_opens(name: str):
    """Record (in the yielded list) every ``open`` of a file called ``name``, then open it.

    Covers ``open``, ``io.open`` and so ``Path.open``/``read_bytes``/``read_text``.
    """
    import builtins
    import io

    opened: list[str] = []
    real_open = builtins.open

    def spying_open(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and Path(os.fsdecode(file)).name == name:
            opened.append(os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builtins, "open", spying_open)
        mp.setattr(io, "open", spying_open)
        yield opened


@pytest.fixture(scope="session")
def tiny_fit(tmp_path_factory: pytest.TempPathFactory):
    """A seconds-long ``debug=fast`` fit with ``test=false``, in this process.

    The hand-written set's path points at a file that does not exist, and every
    ``open`` of a file named ``handwritten.jsonl`` is recorded in ``touched``:
    training must never read it. The checkpoint and cache serve the eval tests too.
    """
    from types import SimpleNamespace

    from tinythink.data import jsonl
    from tinythink.train import train

    tmp = tmp_path_factory.mktemp("tiny_fit")
    with (
        pytest.MonkeyPatch.context() as mp,
        recording_opens("handwritten.jsonl") as touched,
    ):
        mp.setattr(jsonl, "HANDWRITTEN_PATH", tmp / "absent" / "handwritten.jsonl")
        cfg = compose_in(
            "train",
            tmp / "run",
            "debug=fast",
            "logger=none",
            "test=false",
            "callbacks.progress_bar=null",
        )
        metrics = train(cfg)
    (cache,) = (tmp / "cache").iterdir()
    return SimpleNamespace(
        run_dir=tmp / "run",
        ckpt=tmp / "run" / "checkpoints" / "best.ckpt",
        cache_dir=tmp / "cache",
        cache=cache,
        metrics=metrics,
        touched=list(touched),
    )


def build_module(model: dict, **settings):
    """The training module as train.py builds it: conf/module/default.yaml's settings
    (their one home), with ``model`` and any of ``settings`` in place of the yaml's."""
    from omegaconf import OmegaConf

    from tinythink.training.module import TrainingModule

    conf = OmegaConf.load(ROOT / "conf" / "module" / "default.yaml")
    skip = ("_target_", "model", "init_from")  # init_from is train.yaml's (null by default)
    yaml = {k: v for k, v in OmegaConf.to_container(conf).items() if k not in skip}
    return TrainingModule(model=model, **{**yaml, "init_from": None, **settings})
