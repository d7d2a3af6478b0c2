"""What the Hydra entry points do before any heavy import.

``python train.py --help`` (or ``eval.py``/``export.py --help``) composes and prints the config
and exits: it needs Hydra and the config files, not torch or Lightning, whose import
alone takes seconds. So the root scripts call :func:`train_main`, :func:`eval_main` or :func:`export_main`,
which answer ``--help`` here and import the real entry point only to run it.

Before that, :func:`preflight` composes the command line once (~0.3 s) so that a
mistake Hydra would report in several lines and exit 1 for (a misspelt key, a config
that does not exist, a comma that reads as a sweep, an unwritable log directory) is
one ``error:`` line and exit 2, before Hydra creates the run directory.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

CONFIG_DIR = str(Path(__file__).resolve().parents[2] / "conf")
# The model the repository ships (python export.py format=hf; its README.md is the card):
# what generate.py asks when no --ckpt is given.
SHIPPED_MODEL = Path(__file__).resolve().parents[2] / "models" / "tinythink-tiny"
# Hydra's flags that print something about the config and exit before any task runs.
_HELP_FLAGS = frozenset({"--help", "-h", "--hydra-help"})
_MULTIRUN_KEYS = frozenset({"hparams_search", "hydra.mode", "hydra/sweeper"})


def wants_help(argv: list[str]) -> bool:
    """Whether the command line asks for help (a flag on its own, not inside a value)."""
    return any(arg in _HELP_FLAGS for arg in argv[1:])


def show_help(config_name: str) -> None:
    """Hydra's own ``--help`` for ``config_name``: the groups, then the composed config."""
    import hydra

    @hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name=config_name)
    def _help(cfg) -> None:  # Hydra prints the help and exits before calling a task
        raise AssertionError("Hydra ran a task for --help")

    # Hydra names the app after the task's module (this file): name it after the script.
    sys.argv.append(f"hydra.job.name={config_name}")
    _help()


class UsageError(ValueError):
    """A command line that cannot run; its message is the whole ``error:`` line."""


def _hydra_error_line(err: Exception, script: str, overrides: list[str]) -> str:
    """Hydra's several-line composition error as one line naming the value and the fix."""
    text = str(err)
    first = text.strip().splitlines()[0]
    missing = re.search(r"Could not find '([\w/]+)/([^']+)'", text)
    options = getattr(err, "options", None)
    if missing and options:
        group, name = missing.groups()
        return (
            f"{group}={name}: there is no {group} config '{name}' (conf/{group}/); "
            f"choose one of {', '.join(options)}"
        )
    unknown = re.match(r"Could not override '([^']+)'", first)
    if unknown:
        key = unknown.group(1)
        given = next((o for o in overrides if o.split("=", 1)[0] == key), key)
        value = given.partition("=")[2]
        add = (
            (f"; to score your own file: file={value}" if key.endswith("path") else "")
            if script == "eval.py"
            else f", or add a key the class takes with +{given}"
        )
        return (
            f"{given}: there is no setting {key}; check its spelling "
            f"(python {script} --help lists every setting){add}"
        )
    if first.startswith("Ambiguous value for argument"):
        return (
            f"{first.removeprefix('Ambiguous value for argument ')}: a comma makes it a "
            "sweep; quote the value (key='a,b'), write a list (key=[a,b]), "
            "or add --multirun to sweep"
        )
    if first.startswith("Error parsing override"):
        return (
            f"{first.removeprefix('Error parsing override ')}: not a valid override; quote "
            "values with ( ) [ ] = ' or spaces, e.g. key='a (b)' "
            "(https://hydra.cc/docs/advanced/override_grammar/basic/)"
        )
    return "; ".join(line.strip() for line in text.strip().splitlines() if line.strip())


def _unwritable(path: Path) -> str | None:
    """Why ``path`` cannot be created and written, or None if it can."""
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            return f"{existing} does not exist"
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a directory"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} is not writable"
    return None


def preflight(config_name: str, argv: list[str]) -> None:
    """Refuse a command line Hydra cannot compose, or whose run has nowhere to go.

    Raises :class:`UsageError`. Command lines with Hydra's own flags (``-m``,
    ``--cfg``, ``-cn`` ...) are left to Hydra: a sweep is not one config.
    """
    args = argv[1:]
    if any(not arg.strip() for arg in args):  # e.g. `train.py ""`: Hydra says "mismatched input"
        raise UsageError(
            f"an empty argument on the command line ({args!r}); every argument is an "
            "override key=value, e.g. model=tiny: drop the empty one"
        )
    if any(arg.startswith("-") for arg in args):
        return
    # A config can make the run a multirun itself (hparams_search=optuna sets
    # hydra.mode): its sweep syntax is then Hydra's to read, as with -m.
    if any(arg.split("=", 1)[0].lstrip("+~") in _MULTIRUN_KEYS for arg in args):
        return
    script = f"{config_name}.py"
    if config_name != "train":
        added = next((a for a in args if a.startswith("+") and not a.startswith("++")), None)
        if added is not None:  # every setting is in conf/<script>.yaml: nothing reads more
            key, _, value = added[1:].partition("=")
            hint = (
                f"; to score your own file: file={value}"
                if key.endswith("path") and config_name == "eval"
                else ""
            )
            raise UsageError(
                f"{added}: {script} has no setting {key} and a '+' key would be ignored; "
                f"python {script} --help lists every setting{hint}"
            )
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException

    try:
        with initialize_config_dir(CONFIG_DIR, version_base="1.3"):
            cfg = compose(config_name, overrides=args, return_hydra_config=True)
    except HydraException as err:
        raise UsageError(_hydra_error_line(err, script, args)) from None
    for key in ("paths.log_dir", "hydra.run.dir"):
        try:
            path = Path(str(_select(cfg, key)))
        except Exception:  # an interpolation only a running job can resolve: Hydra's call
            continue
        reason = _unwritable(path.resolve())
        if reason:
            raise UsageError(
                f"{key}={path}: cannot create it, {reason}; "
                "point paths.log_dir= (or hydra.run.dir=) at a writable directory"
            )


def _select(cfg, key: str):
    from omegaconf import OmegaConf

    return OmegaConf.select(cfg, key, throw_on_missing=True)


def _preflight_or_exit(config_name: str) -> None:
    try:
        preflight(config_name, sys.argv)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)


def train_main() -> None:
    """``python train.py``: help without torch, else :func:`tinythink.train.main`."""
    if wants_help(sys.argv):
        return show_help("train")
    _preflight_or_exit("train")
    from tinythink.train import main

    main()


def eval_main() -> None:
    """``python eval.py``: help without torch, else :func:`tinythink.eval.main`."""
    if wants_help(sys.argv):
        return show_help("eval")
    _preflight_or_exit("eval")
    from tinythink.eval import main

    main()


def export_main() -> None:
    """``python export.py``: help without torch, else :func:`tinythink.export.main.main`."""
    if wants_help(sys.argv):
        return show_help("export")
    _preflight_or_exit("export")
    from tinythink.export.main import main

    main()
