"""W&B mode resolution and the offline logger (no network, nothing in HOME)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tinythink.training import wandb_setup as loggers
from tinythink.training.wandb_setup import (
    finish_wandb,
    isolate_wandb_home,
    make_wandb_logger,
    resolve_wandb_mode,
)

UNREACHABLE = "http://127.0.0.1:9"  # discard port: connection refused at once
FAKE_KEY = "a" * 40


@pytest.fixture(autouse=True)
def wandb_sandbox(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    for var in ("WANDB_API_KEY", "WANDB_MODE", "WANDB_BASE_URL", "WANDB_DIR", "NETRC"):
        monkeypatch.delenv(var, raising=False)
    for var in ("WANDB_CACHE_DIR", "WANDB_DATA_DIR", "WANDB_CONFIG_DIR"):
        monkeypatch.setenv(var, "")  # registered so monkeypatch restores them
    isolate_wandb_home(tmp_path / "wandb_home")
    yield home
    finish_wandb()


def _offline_run(save_dir: Path) -> Path:
    logger = make_wandb_logger(mode="offline", save_dir=str(save_dir))
    logger.log_metrics({"x": 1.0})
    finish_wandb()
    return Path(logger.experiment.settings.sync_dir)


def test_auto_without_credentials_is_offline():
    mode, reason = resolve_wandb_mode("auto")
    assert mode == "offline"
    assert "credentials" in reason


@pytest.mark.parametrize("requested", ["auto", "online"])
def test_unreachable_host_falls_back_to_offline(monkeypatch, requested):
    monkeypatch.setenv("WANDB_API_KEY", FAKE_KEY)
    mode, reason = resolve_wandb_mode(requested, base_url=UNREACHABLE, timeout_s=2.0)
    assert mode == "offline"
    assert "cannot reach 127.0.0.1" in reason


def test_netrc_entry_counts_as_credentials(tmp_path, monkeypatch):
    rc = tmp_path / "netrc"
    rc.write_text(f"machine 127.0.0.1:9\n  login user\n  password {FAKE_KEY}\n")
    rc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(rc))
    _, reason = resolve_wandb_mode("auto", base_url=UNREACHABLE, timeout_s=2.0)
    assert "cannot reach" in reason  # got past the credentials check


def test_wandb_mode_env_wins(monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "disabled")
    mode, reason = resolve_wandb_mode("online")
    assert mode == "disabled"
    assert "WANDB_MODE" in reason


def test_invalid_mode_raises():
    with pytest.raises(ValueError, match="bogus") as info:
        resolve_wandb_mode("bogus")
    assert "auto" in str(info.value)


def test_offline_run_writes_locally_and_says_how_to_sync(tmp_path, caplog, wandb_sandbox):
    caplog.set_level(logging.INFO, logger=loggers.__name__)
    save_dir = tmp_path / "logs"

    first = _offline_run(save_dir)
    assert "WANDB_MODE" not in os.environ
    second = _offline_run(save_dir)

    runs = sorted((save_dir / "wandb").glob("offline-run-*"))
    assert runs == sorted([first, second])  # finish_wandb ended run 1
    for run in runs:
        assert list(run.glob("run-*.wandb"))
    hints = [r.getMessage() for r in caplog.records if "wandb sync" in r.getMessage()]
    assert len(hints) == 2
    assert f"wandb sync {first.resolve()}" in hints[0]
    assert not list(wandb_sandbox.rglob("*")), "something was written under HOME"


# train.py always passes a run id (a resume continues the same run): the failed online
# start must not keep it from the offline one ("run ID ... is in use").
@pytest.mark.parametrize("run_id", [None, "abcd1234"], ids=["no-id", "run-id"])
def test_failed_online_start_falls_back_to_offline(tmp_path, monkeypatch, caplog, run_id):
    monkeypatch.setenv("WANDB_API_KEY", FAKE_KEY)
    monkeypatch.setenv("WANDB_BASE_URL", UNREACHABLE)
    monkeypatch.setattr(loggers, "resolve_wandb_mode", lambda requested: ("online", "forced"))
    logger = make_wandb_logger(
        mode="online",
        save_dir=str(tmp_path / "logs"),
        init_timeout=2,
        id=run_id,
        resume="allow" if run_id else None,
    )
    assert logger.experiment.settings.mode == "offline"
    if run_id:
        assert logger.experiment.id == run_id
    assert "falling back to offline" in caplog.text
    assert "wandb sync" in caplog.text


def test_finish_without_a_run_is_a_no_op(monkeypatch):
    import sys

    import wandb

    finished: list[int] = []
    monkeypatch.setattr(wandb, "finish", lambda exit_code=0, **_: finished.append(exit_code))
    assert wandb.run is None
    finish_wandb()
    finish_wandb(exit_code=1)
    assert finished == []  # no run: wandb.finish is never called
    # wandb never imported (eval with wandb.mode=disabled, logger=none): not imported now.
    monkeypatch.delitem(sys.modules, "wandb")
    finish_wandb()
    assert "wandb" not in sys.modules
    # A run is active: it is finished once, with the job's exit code.
    monkeypatch.setitem(sys.modules, "wandb", wandb)
    monkeypatch.setattr(wandb, "run", object())
    finish_wandb(exit_code=1)
    assert finished == [1]
