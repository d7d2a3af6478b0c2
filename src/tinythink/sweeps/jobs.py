"""The jobs of a sweep directory, each as a :class:`~tinythink.results.RunResult`.

Reads only files, so it works whatever launcher ran the jobs (in-process,
joblib workers, submitit, SLURM), for a sweep that is still running, and for
one whose jobs were killed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tinythink.results import FILENAME, RunResult

MISSING = "missing"  # Hydra started the job, but it wrote no results.json


def load_jobs(sweep_dir: str | Path) -> dict[str, RunResult]:
    """Job directory (relative to ``sweep_dir``) -> its result, in path order.

    A ``results.json`` that can't be read is a ``failed`` job. A job directory Hydra
    created but that holds no ``results.json`` is ``missing``, with the overrides and
    model config Hydra saved before the job started; only in a training sweep
    (``eval.py -m`` jobs never write results.json), so a sweep with no results at
    all has no jobs.
    """
    sweep_dir = Path(sweep_dir)
    jobs: dict[str, RunResult] = {}
    for path in sorted(sweep_dir.rglob(FILENAME)):
        if any(part.startswith(".") for part in path.relative_to(sweep_dir).parts):
            continue  # .submitit/, .hydra/: launcher internals
        jobs[_name(path.parent, sweep_dir)] = _read(path)
    if not jobs:
        return jobs
    # Hydra writes <job>/.hydra/overrides.yaml before the task starts: a job with it
    # but no results.json was killed (timeout, OOM, SLURM preemption) or is running.
    for marker in sorted(sweep_dir.rglob(".hydra/overrides.yaml")):
        job_dir = marker.parent.parent
        name = _name(job_dir, sweep_dir)
        if name not in jobs and job_dir != sweep_dir:
            jobs[name] = RunResult(
                status=MISSING,
                overrides=_read_overrides(marker),
                model=_read_model(marker.parent / "config.yaml") or None,
                reason="no results.json: the job was killed or is still running",
            )
    return jobs


def _name(job_dir: Path, sweep_dir: Path) -> str:
    return str(job_dir.relative_to(sweep_dir)) or "."


def _read(path: Path) -> RunResult:
    try:
        result = RunResult.read(path)
    except (OSError, ValueError) as err:
        return RunResult(status="failed", reason=f"unreadable results.json: {err}")
    if result.status is None:
        result.status = MISSING
    return result


def _read_overrides(path: Path) -> list[str]:
    from omegaconf import OmegaConf

    try:
        return [str(o) for o in OmegaConf.load(path)]
    except Exception:  # a half-written file must not break the report
        return []


def _read_model(config_path: Path) -> dict[str, Any]:
    """The model node of the job config Hydra saved before the job started, or {}."""
    from omegaconf import OmegaConf

    try:
        model = OmegaConf.to_container(OmegaConf.load(config_path).model, resolve=True)
    except Exception:  # missing file, no model node, an interpolation that needs Hydra
        return {}
    return model if isinstance(model, dict) else {}
