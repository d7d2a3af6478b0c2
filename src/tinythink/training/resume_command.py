"""``resume=true`` continues the run that was started, not a fresh default config.

Before Hydra composes anything, :func:`plan_resume` rewrites the command line of
``python train.py hydra.run.dir=<run> resume=true`` into the command that started
the run: the run's ``.hydra/overrides.yaml`` plus the changes earlier resumes applied
(``resumes.jsonl``). An override on the resume command line that would change the
run is refused with one ``error:`` line naming each key with both values, except the
keys of :data:`SAFE_ON_RESUME`, which are applied and recorded.

Why ``.hydra/overrides.yaml`` and not ``config.yaml`` is the source of truth: the
overrides are what the user asked for, including config-group choices
(``logger=csv``, ``debug=fast``) that a resolved config cannot express, and replaying
them through Hydra rebuilds the whole job (run dir, logging, launcher) the same way.
Hydra writes them before the job starts, so every run dir that has a checkpoint has
them; ``config.yaml`` is only written once the data is built.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RECORD = "resumes.jsonl"
RESUME_FLAGS = ("resume", "ckpt_path")  # how to resume, not what the run is


class ResumeError(Exception):
    """A resume that cannot continue the run as it was started: one ``error:`` line, exit 2."""


def _any(old: Any, new: Any) -> str | None:
    return None


def _only_raised(old: Any, new: Any) -> str | None:
    # -1 means no step limit: nothing is higher than that, and -1 is higher than anything.
    if isinstance(old, int) and isinstance(new, int) and old != -1 and (new == -1 or new > old):
        return None
    return "it can only be raised on resume"


# Keys that change how long or where the run goes on, never what it trains: applied on
# resume and recorded. Raising max_steps stretches the cosine LR schedule to the new
# budget from the resumed step on (the rate steps up once); lowering it would end a
# schedule early, so it is refused.
SAFE_ON_RESUME: dict[str, Callable[[Any, Any], str | None]] = {
    "trainer.max_time": _any,
    "num_threads": _any,
    "logger.wandb.mode": _any,
    "trainer.max_steps": _only_raised,
}


@dataclass
class ResumePlan:
    """What :func:`plan_resume` decided; train.py records it once the checkpoint is read."""

    run_dir: Path
    original: list[str]  # the overrides the run was started with
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # key: (before, now)
    applied: list[str] = field(default_factory=list)  # the overrides that made `changed`


# Set by plan_resume in this process; read by train.py inside the Hydra job.
PLAN: ResumePlan | None = None


def continue_command(run_dir: Path) -> str:
    """The command that continues ``run_dir``; nothing else is needed on it."""
    return f"python train.py {shlex.quote(f'hydra.run.dir={Path(run_dir).resolve()}')} resume=true"


def missing_checkpoint_message(path: Path) -> str:
    return (
        f"resume=true but there is no checkpoint to resume from: {path} does not exist. "
        "Point Hydra at the run to continue, e.g. "
        "`python train.py hydra.run.dir=logs/train/runs/<run> resume=true`, "
        "or drop resume=true to start a new run"
    )


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict) and node:
        out: dict[str, Any] = {}
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: node}


def _show(value: Any) -> str:
    if value is _UNSET:
        return "(not set)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


_UNSET = object()


def _merge(base: list[str], extra: list[str]) -> list[str]:
    """``base`` with each override of ``extra`` replacing the one for the same key, or appended."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    merged: dict[tuple[str, str | None], str] = {}
    for line, o in zip(base + extra, parser.parse_overrides(base + extra), strict=True):
        merged[(o.key_or_group, o.package)] = line
    return list(merged.values())


def _compose(overrides: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The config ``overrides`` give, flattened to dotted keys, and its config-group choices."""
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from tinythink.cli import CONFIG_DIR

    with initialize_config_dir(CONFIG_DIR, version_base="1.3"):
        cfg = compose("train", overrides=overrides, return_hydra_config=True)
    choices = {
        k: v
        for k, v in OmegaConf.to_container(cfg.hydra.runtime.choices).items()  # type: ignore[union-attr]
        if not k.startswith("hydra")  # Hydra's own groups (launcher, logging)
    }
    with_hydra = OmegaConf.to_container(cfg, resolve=False)
    with_hydra.pop("hydra")  # type: ignore[union-attr]
    # Unresolved: interpolations (paths, ${now:}) compare as written, so only the keys
    # the overrides touch differ.
    return _flatten(with_hydra), choices


def _previous_changes(run_dir: Path) -> list[str]:
    path = run_dir / RECORD
    if not path.is_file():
        return []
    applied: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            applied += json.loads(line).get("overrides", [])
        except (json.JSONDecodeError, AttributeError):
            raise ResumeError(
                f"{path}:{n} is not a resume record (a torn line from a kill?): fix or delete "
                "that line; the resumes before it are kept"
            ) from None
    return applied


def plan_resume(argv: list[str]) -> list[str]:
    """The command line to give Hydra: ``argv`` itself unless it asks to resume a run.

    With ``resume=true`` (or ``ckpt_path=last``) it is the run's own overrides, the
    changes earlier resumes applied, the safe changes asked for now, ``resume=true``,
    the ``hydra.*`` overrides given, and ``hydra.output_subdir=null`` so Hydra keeps
    the run's ``.hydra/`` as it was. Raises :class:`ResumeError` before anything is
    written when that cannot be done faithfully.
    """
    global PLAN
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    args = argv[1:]
    parser = OverridesParser.create()

    def resumes(arg: str) -> bool:
        try:
            (o,) = parser.parse_overrides([arg])
        except HydraException:  # a flag's value (`--cfg job`) or a typo Hydra reports
            return False
        return (o.key_or_group == "resume" and o.value() is True) or (
            o.key_or_group == "ckpt_path" and o.value() == "last"
        )

    if not any(resumes(a) for a in args):
        return argv
    flags = [a for a in args if a[:1] == "-"]
    if flags:
        raise ResumeError(
            f"resume=true continues one run as it was started and takes overrides only, "
            f"got {' '.join(flags)}. Drop {'it' if len(flags) == 1 else 'them'}"
        )
    try:
        parsed = parser.parse_overrides(args)
    except HydraException as err:
        raise ResumeError(str(err).splitlines()[0]) from None
    run_dirs = [o.value() for o in parsed if o.key_or_group == "hydra.run.dir"]
    if not run_dirs:
        raise ResumeError(
            "resume=true needs the run to continue: add hydra.run.dir=<run dir>, e.g. "
            "`python train.py hydra.run.dir=logs/train/runs/<run> resume=true`"
        )
    run_dir = Path(str(run_dirs[-1])).resolve()
    ckpt = run_dir / "checkpoints" / "last.ckpt"
    if not ckpt.is_file():
        raise ResumeError(missing_checkpoint_message(ckpt))
    saved = run_dir / ".hydra" / "overrides.yaml"
    if not saved.is_file():
        raise ResumeError(
            f"{run_dir} has a checkpoint but no .hydra/overrides.yaml, the record of how the "
            "run was started, so resume=true cannot restore its config. Start a new run from "
            f"its state instead: `python train.py ckpt_path={ckpt} <the run's overrides>`"
        )
    from omegaconf import OmegaConf

    original = [str(o) for o in OmegaConf.to_container(OmegaConf.load(saved))]  # type: ignore[union-attr]
    # A run resumed by an older train.py has resume=true in its record: how to resume
    # is this command's business, not the run's.
    replayed = _merge(original, _previous_changes(run_dir))
    base = [
        line
        for line, o in zip(replayed, parser.parse_overrides(replayed), strict=True)
        if o.key_or_group not in RESUME_FLAGS
    ]
    hydra_args = [a for a, o in zip(args, parsed, strict=True) if o.is_hydra_override()]
    asked = [
        a
        for a, o in zip(args, parsed, strict=True)
        if not o.is_hydra_override() and o.key_or_group not in RESUME_FLAGS
    ]
    try:
        before, before_choices = _compose(base)
        after, after_choices = _compose(_merge(base, asked))
    except HydraException as err:
        raise ResumeError(
            f"{' '.join(asked)}: {str(err).splitlines()[0]} (resuming {run_dir})"
        ) from None

    changed: dict[str, tuple[Any, Any]] = {}
    refused: list[str] = []
    # A different group choice (logger=wandb, model=small) is named once, not as every
    # key under it.
    groups = sorted(
        g
        for g in set(before_choices) | set(after_choices)
        if before_choices.get(g, _UNSET) != after_choices.get(g, _UNSET)
    )
    for g in groups:
        old, new = before_choices.get(g, _UNSET), after_choices.get(g, _UNSET)
        refused.append(f"{g}={_show(old)} in the run, {_show(new)} now")
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, _UNSET), after.get(key, _UNSET)
        if key in RESUME_FLAGS or old == new or any(key.startswith(f"{g}.") for g in groups):
            continue
        rule = SAFE_ON_RESUME.get(key)
        why = "" if rule is None else rule(old, new)
        if why is None:
            changed[key] = (old, new)
        else:
            refused.append(f"{key}={_show(old)} in the run, {_show(new)} now{why and f' ({why})'}")
    if refused:
        safe = ", ".join(sorted(SAFE_ON_RESUME))
        raise ResumeError(
            f"resume=true continues {run_dir} as it was started, and "
            f"{'this override changes' if len(refused) == 1 else 'these overrides change'} it: "
            f"{'; '.join(refused)}. Drop {'it' if len(refused) == 1 else 'them'} to continue "
            f"the run (only {safe} can change on resume, max_steps upwards), "
            "or start a new run without resume=true"
        )
    applied = []
    for a, o in zip(args, parsed, strict=True):
        if o.key_or_group in changed:
            applied.append(a)
    PLAN = ResumePlan(run_dir=run_dir, original=original, changed=changed, applied=applied)
    return [
        argv[0],
        *_merge(base, applied),
        "resume=true",
        *hydra_args,
        "hydra.output_subdir=null",  # the run's .hydra/ keeps how it was started
        # One run, even when it was one job of a sweep (hparams_search=optuna sets
        # MULTIRUN in its config, and replaying it would start a new study).
        "hydra.mode=RUN",
    ]


def record_resume(plan: ResumePlan, step: int) -> None:
    """Append this resume (when, from which step, what changed) to ``<run>/resumes.jsonl``."""
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "step": step,
        "changed": {k: [a, b] for k, (a, b) in plan.changed.items()},
        "overrides": plan.applied,  # replayed by the next resume
    }
    # Appending one short line is atomic enough: a kill leaves at most a torn last line,
    # which the next resume reports rather than guesses at.
    with open(plan.run_dir / RECORD, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, default=str) + "\n")
