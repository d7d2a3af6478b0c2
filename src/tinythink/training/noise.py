"""Library messages that say nothing about a run, silenced where they are emitted.

Each was seen on every run with lightning 2.6 and torch 2.13; anything else a
library warns about still shows. Matched by the start of the message, so a
reworded or new warning is never hidden.
"""

from __future__ import annotations

import logging
import warnings

# Lightning's advert for its cloud logger, printed by every Trainer.
_LOG_LINES = ("💡 Tip: For seamless cloud logging",)
_LIGHTNING_LOGGER = "lightning.pytorch.utilities.rank_zero"
_WARNINGS = (
    # The model summary cannot size bf16 weights; the parameter count it prints is right.
    r"Precision bf16-mixed is not supported by the model summary",
    # Lightning's own use of a torch pytree API that torch 2.13 deprecates.
    r"`isinstance\(treespec, LeafSpec\)` is deprecated",
)


# On resume=true these are false: the CSV history up to the checkpoint is kept
# (train.keep_csv_history) and the checkpoint directory is the run's own.
_RESUME_WARNINGS = (
    r"Experiment logs directory .* exists and is not empty\. Previous log files",
    r"Checkpoint directory .* exists and is not empty",
)


class _DropLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_LOG_LINES)


_DROP = _DropLines()


def silence_known_noise() -> None:
    """Drop the lines above (idempotent); call once at the start of an entry point."""
    logger = logging.getLogger(_LIGHTNING_LOGGER)
    if _DROP not in logger.filters:
        logger.addFilter(_DROP)
    for pattern in _WARNINGS:
        warnings.filterwarnings("ignore", message=pattern)


def silence_resume_noise() -> None:
    """Drop Lightning's warnings about a non-empty run dir; only for a run that resumes."""
    for pattern in _RESUME_WARNINGS:
        warnings.filterwarnings("ignore", message=pattern)
