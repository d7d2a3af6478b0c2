"""Small helpers shared across the package: atomic file writes and config hashing."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``.

    A rename within one directory is atomic, so a reader (or a run killed
    mid-write) sees either the old complete file or the new complete one,
    never a truncated file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp makes the file 0600; give it the mode a plain open() would (or the
    # replaced file's), so results stay readable by the group on a shared cluster.
    mode = path.stat().st_mode & 0o777 if path.exists() else _umask_mode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask_mode() -> int:
    umask = os.umask(0o022)  # the only way to read it is to set it
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def atomic_write_json(path: str | Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def stable_hash(obj: Any, length: int = 12) -> str:
    """A short hash of a JSON-able object, stable across runs and machines."""
    blob = json.dumps(obj, sort_keys=True, default=str).encode()
    return hashlib.blake2b(blob, digest_size=16).hexdigest()[:length]


def discard_run_dir(run_dir: Path) -> None:
    """Remove the run dir if it holds only Hydra's own files (``.hydra/``, the job's log).

    Hydra creates it before ``main`` runs; after a user error it would be an empty
    run among the real ones. A directory holding anything else is left alone.
    """
    import logging
    import shutil

    from hydra.core.hydra_config import HydraConfig

    if not HydraConfig.initialized() or not run_dir.is_dir():
        return
    hydra_own = {".hydra", f"{HydraConfig.get().job.name}.log"}
    if all(p.name in hydra_own for p in run_dir.iterdir()):
        root = logging.getLogger()
        for handler in list(root.handlers):  # the job's log file goes with its directory
            if isinstance(handler, logging.FileHandler) and Path(
                handler.baseFilename
            ).is_relative_to(run_dir.resolve()):
                root.removeHandler(handler)
                handler.close()
        shutil.rmtree(run_dir, ignore_errors=True)
