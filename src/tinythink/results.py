"""A run's result: the metric names, and ``results.json`` written and read in one place.

Every training job (finished, skipped over the cap, failed or interrupted) ends
by writing ``<run_dir>/results.json``; sweep reports read nothing else. The
file's keys are the fields of :class:`RunResult`; the metric names below are
the keys of its ``metrics``, as the Lightning module logs them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from tinythink.utils import atomic_write_json

FILENAME = "results.json"

# -----------------------------------------------------------------------------
# Metric names: "<split>/<name>"

SPLITS = ("val", "test", "ood", "handwritten")  # handwritten: scored only, never trained on

ANSWER_ACC = "answer_acc"  # greedy exact match of the final answer
N_SCORED = "n_scored"  # how many problems the accuracy is over
ACC_STEPS = "acc/steps_"  # + "1", "2", ..., "3plus": accuracy by reasoning steps
ACC_FAMILY = "acc/family_"  # + "change", "compare", ...: accuracy by problem family
ACC_HARDER = "acc/harder_"  # + "more_steps", "bigger_numbers": the two halves of ood
ACC_CATEGORY = "acc/category_"  # + "two_actions", "chain", ...: handwritten by what it tests


def metric(split: str, name: str) -> str:
    """The logged name of ``name`` on ``split``: ``metric("test", ACC_STEPS + "2")``."""
    return f"{split}/{name}"


VAL_LOSS = "val/loss"
VAL_ANSWER_ACC = metric("val", ANSWER_ACC)
TEST_ANSWER_ACC = metric("test", ANSWER_ACC)
OOD_ANSWER_ACC = metric("ood", ANSWER_ACC)
HANDWRITTEN_ANSWER_ACC = metric("handwritten", ANSWER_ACC)
OBJECTIVE = VAL_ANSWER_ACC  # what checkpoints keep, sweeps rank by and Optuna maximises

# -----------------------------------------------------------------------------
# results.json

STATUSES = ("finished", "skipped", "failed", "interrupted")
# Always in the file, null or not; every other field is left out while it is None.
_ALWAYS = ("overrides", "run_dir", "seed", "data_format")


@dataclass
class RunResult:
    """What ``results.json`` holds: the job, then what became of it.

    Which fields a file has depends on ``status``: ``finished`` has ``metrics``;
    ``skipped`` (a shape over the cap, or bad heads) has ``reason``; ``failed`` has
    ``error`` and, for a crash, ``traceback``; ``interrupted`` has ``step`` and
    ``checkpoint``. ``model`` and ``num_params`` are there once the config was
    valid, ``wall_time_s`` once training was attempted.
    """

    status: str | None = None  # one of STATUSES
    overrides: list[str] = field(default_factory=list)  # the job's command-line overrides
    run_dir: str | None = None
    seed: int | None = None
    data_format: str | None = None  # cot | direct
    model: dict[str, Any] | None = None  # the resolved model config: the shape
    num_params: int | None = None
    metrics: dict[str, float] | None = None
    error: str | None = None  # "ExceptionType: message"
    reason: str | None = None
    traceback: str | None = None
    step: int | None = None
    checkpoint: str | None = None
    wall_time_s: float | None = None

    def __post_init__(self) -> None:
        self.overrides = [str(o) for o in self.overrides or []]

    def metric(self, name: str) -> Any:
        """A metric by its full name (``VAL_ANSWER_ACC``); None if it was not recorded."""
        return (self.metrics or {}).get(name)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k in _ALWAYS or v is not None}

    def write(self, run_dir: str | Path) -> Path:
        """Write ``<run_dir>/results.json`` atomically (sorted keys, 2-space indent)."""
        path = Path(run_dir) / FILENAME
        atomic_write_json(path, self.to_dict())
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        """Keys a file lacks get their defaults; keys this version doesn't know are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def read(cls, path: str | Path) -> RunResult:
        """Read a ``results.json``: ``OSError`` if it can't be read, ``ValueError`` if not JSON."""
        path = Path(path)
        data = json.loads(path.read_text())
        if not isinstance(data, dict):
            raise ValueError(f"{path} holds a JSON {type(data).__name__}, not an object")
        return cls.from_dict(data)
