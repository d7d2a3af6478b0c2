"""What the Hydra entry points need before any heavy import.

``python train.py --help`` (or ``eval.py --help``) composes and prints the config
and exits: it needs Hydra and the config files, not torch or Lightning, whose import
alone takes seconds. So the root scripts call :func:`train_main` / :func:`eval_main`,
which answer ``--help`` here and import the real entry point only to run it.
"""

from __future__ import annotations

import sys
from pathlib import Path

CONFIG_DIR = str(Path(__file__).resolve().parents[2] / "conf")
# Hydra's flags that print something about the config and exit before any task runs.
_HELP_FLAGS = frozenset({"--help", "-h", "--hydra-help"})


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


def train_main() -> None:
    """``python train.py``: help without torch, else :func:`tinythink.train.main`."""
    if wants_help(sys.argv):
        return show_help("train")
    from tinythink.train import main

    main()


def eval_main() -> None:
    """``python eval.py``: help without torch, else :func:`tinythink.eval.main`."""
    if wants_help(sys.argv):
        return show_help("eval")
    from tinythink.eval import main

    main()
