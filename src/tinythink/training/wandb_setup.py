"""Weights & Biases logging that never blocks a training run.

W&B has three useful modes: ``online`` (stream to the server), ``offline``
(write the run to ``<save_dir>/wandb/offline-run-*`` and upload it later with
``wandb sync``) and ``disabled`` (a no-op run, for unit tests). Left to itself,
``wandb.init`` in online mode prompts for a key and waits on a terminal, or
sits ~90 s before raising ``CommError`` when the network is down. So we decide
the mode *before* ``wandb.init`` (credentials present? API host answering a
TCP connect?), bound the init timeout, and fall back to offline if an online
start still fails. The run is started eagerly so that failure happens here,
not somewhere inside ``Trainer.fit``.

Two Lightning quirks are handled as well: ``WandbLogger(offline=True)`` leaks
``WANDB_MODE`` into ``os.environ`` (we pass ``mode=`` instead), and Lightning
never calls ``wandb.finish()`` (call :func:`finish_wandb` when a job ends, or
the next job of a Hydra multirun logs into the previous run).
"""

from __future__ import annotations

import logging
import netrc
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

from lightning.pytorch.loggers import WandbLogger
from lightning.pytorch.utilities import rank_zero_only

log = logging.getLogger(__name__)

MODES = ("auto", "online", "offline", "disabled")
DEFAULT_BASE_URL = "https://api.wandb.ai"


def isolate_wandb_home(root: str | Path) -> None:
    """Point W&B's cache/data/config dirs (and WANDB_DIR if unset) under ``root``."""
    root = Path(root).resolve()
    for var, sub in (
        ("WANDB_CACHE_DIR", "cache"),
        ("WANDB_DATA_DIR", "data"),
        ("WANDB_CONFIG_DIR", "config"),
    ):
        os.environ[var] = str(root / sub)
    os.environ.setdefault("WANDB_DIR", str(root))


def _api_host(base_url: str | None) -> tuple[str, int, str]:
    """(hostname, port, netloc) of the W&B API server."""
    url = urlsplit(base_url or os.environ.get("WANDB_BASE_URL") or DEFAULT_BASE_URL)
    port = url.port or (80 if url.scheme == "http" else 443)
    return url.hostname or "", port, url.netloc


def _has_credentials(hostname: str, netloc: str) -> bool:
    """True if an API key is in WANDB_API_KEY or in a netrc entry for the host."""
    if os.environ.get("WANDB_API_KEY"):
        return True
    candidates = [os.environ.get("NETRC"), "~/.netrc", "~/_netrc"]
    for path in (Path(p).expanduser() for p in candidates if p):
        try:
            rc = netrc.netrc(path)
        except (OSError, netrc.NetrcParseError):
            continue
        for machine in {netloc, hostname}:
            entry = rc.authenticators(machine)
            if entry and entry[2]:
                return True
    return False


def _reachable(hostname: str, port: int, timeout_s: float) -> bool:
    try:
        with socket.create_connection((hostname, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def resolve_wandb_mode(
    requested: str, base_url: str | None = None, timeout_s: float = 3.0
) -> tuple[str, str]:
    """Decide the W&B mode to use; returns ``(mode, reason)``.

    ``auto`` and ``online`` become ``offline`` when there are no credentials or
    the API host does not accept a TCP connection within ``timeout_s``. An
    explicit ``WANDB_MODE=offline|disabled`` in the environment wins.
    """
    if requested not in MODES:
        raise ValueError(f"invalid W&B mode {requested!r}; expected one of {', '.join(MODES)}")
    if requested == "disabled":
        return "disabled", "W&B disabled by request"

    env_mode = os.environ.get("WANDB_MODE", "").strip().lower()
    if env_mode in ("offline", "dryrun", "disabled"):
        mode = "disabled" if env_mode == "disabled" else "offline"
        return mode, f"WANDB_MODE={env_mode} is set in the environment"
    if requested == "offline":
        return "offline", "offline by request"

    hostname, port, netloc = _api_host(base_url)
    if not _has_credentials(hostname, netloc):
        return "offline", f"no W&B credentials (WANDB_API_KEY or netrc entry for {hostname})"
    if not _reachable(hostname, port, timeout_s):
        return "offline", f"cannot reach {hostname} (port {port}, {timeout_s:g} s timeout)"
    return "online", f"credentials found and {hostname} is reachable"


def _new_logger(mode: str, save_dir: str, init_timeout: float, **kwargs) -> WandbLogger:
    import wandb

    Path(save_dir).mkdir(parents=True, exist_ok=True)
    settings = wandb.Settings(init_timeout=init_timeout, quiet=True, show_info=False)
    # Lightning's WandbLogger passes `save_dir or dir` to wandb.init, and
    # save_dir defaults to ".", so `dir=` alone would be ignored.
    logger = WandbLogger(save_dir=save_dir, mode=mode, settings=settings, **kwargs)
    # Lightning always passes anonymous=None, which wandb 0.31 warns about.
    getattr(logger, "_wandb_init", {}).pop("anonymous", None)
    return logger


@rank_zero_only
def _announce_offline(run, requested: str, reason: str) -> None:
    run_dir = Path(run.settings.sync_dir).resolve()
    level = logging.INFO if requested == "offline" else logging.WARNING
    log.log(level, "W&B run is offline (%s). Upload it later with: wandb sync %s", reason, run_dir)


def make_wandb_logger(
    project: str = "tinythink",
    mode: str = "auto",
    save_dir: str = "logs",
    name: str | None = None,
    group: str | None = None,
    tags: list[str] | None = None,
    job_type: str | None = None,
    init_timeout: float = 30.0,
    log_model: bool = False,
    config: dict | None = None,
    id: str | None = None,
    resume: str | None = None,
) -> WandbLogger:
    """Create a Lightning ``WandbLogger`` whose run is already started.

    The run lands in ``<save_dir>/wandb/``. An online start that fails for any
    reason falls back to offline with a warning instead of killing the job.
    """
    requested = mode
    mode, reason = resolve_wandb_mode(requested)
    log.info("W&B mode: %s (%s)", mode, reason)
    if log_model and mode != "online":
        log.warning("log_model ignored: W&B is %s, checkpoints would pile up locally", mode)
        log_model = False
    kwargs = {
        "project": project,
        "name": name,
        "group": group,
        "tags": tags,
        "job_type": job_type,
        "config": config,
        "id": id,
        "log_model": log_model,
    }
    if resume is not None:
        kwargs["resume"] = resume

    logger = _new_logger(mode, save_dir, init_timeout, **kwargs)
    try:
        run = logger.experiment
    except Exception as err:
        if mode != "online":
            raise
        log.warning(
            "W&B online start failed (%s: %s); falling back to offline", type(err).__name__, err
        )
        finish_wandb(exit_code=1)
        # The failed start still holds the run id in W&B's service process, so an
        # offline start with the same id (train.py always passes one) is refused as
        # "run ID ... is in use": stop the service; the next init starts a fresh one.
        import wandb

        wandb.teardown()
        mode, reason = "offline", f"online start failed: {type(err).__name__}"
        kwargs["log_model"] = False
        logger = _new_logger(mode, save_dir, init_timeout, **kwargs)
        run = logger.experiment

    if mode == "offline":
        _announce_offline(run, requested, reason)
    return logger


def finish_wandb(exit_code: int = 0) -> None:
    """Finish the active W&B run, if any (Lightning never does)."""
    wandb = sys.modules.get("wandb")  # never imported -> nothing to finish
    if wandb is not None and wandb.run is not None:
        wandb.finish(exit_code=exit_code)
