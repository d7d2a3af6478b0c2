"""ResumableTraining's signal handling, with fake trainers: what docs/reliability.md
promises of a second Ctrl-C and of a signal under DDP."""

from __future__ import annotations

import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

from tinythink.training.resumable import ResumableTraining, TrainingInterrupted


class _Strategy:
    """Records every stop decision it is asked to reduce; answers as the other ranks would."""

    def __init__(self, other_ranks_stop: bool) -> None:
        self.other_ranks_stop = other_ranks_stop
        self.calls: list[tuple[bool, dict]] = []

    def reduce_boolean_decision(self, decision: bool, **kwargs) -> bool:
        self.calls.append((decision, kwargs))
        if kwargs.get("all", True):  # Lightning's default: stop only if every rank says so
            return decision and self.other_ranks_stop
        return decision or self.other_ranks_stop


def _trainer(world_size: int = 1, other_ranks_stop: bool = False, step: int = 7):
    saved: list[Path] = []
    trainer = SimpleNamespace(
        global_step=step,
        world_size=world_size,
        strategy=_Strategy(other_ranks_stop),
        loggers=[],
        saved=saved,
        save_checkpoint=lambda path, weights_only=False: saved.append(Path(path)),
    )
    return trainer


@pytest.fixture
def callback(tmp_path):
    """A callback whose handlers are installed as on_fit_start does, and removed after."""
    inherited = signal.getsignal(signal.SIGINT)
    # Python's own Ctrl-C handler, as in a terminal, even when the test process was
    # started with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    cb = ResumableTraining(str(tmp_path), every_n_steps=0)
    trainer = _trainer()
    cb.on_fit_start(trainer, None)
    yield cb
    cb.teardown(trainer, None, "fit")
    assert {s: signal.getsignal(s) for s in before} == before  # teardown restored them
    signal.signal(signal.SIGINT, inherited)


def test_first_ctrl_c_sets_the_flag_and_a_second_quits_at_once(callback, capsys):
    assert signal.getsignal(signal.SIGINT) == callback._handle
    signal.raise_signal(signal.SIGINT)  # the first Ctrl-C: no exception, a flag
    assert callback._signal == signal.SIGINT
    assert "SIGINT: saving a checkpoint after this step" in capsys.readouterr().err
    # Python's own handler is back: the second Ctrl-C raises at once, wherever it lands.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)
    # ...and nothing is saved for it: only a SIGTERM stop is saved from on_exception.
    trainer = _trainer(step=9)
    callback.on_exception(trainer, None, KeyboardInterrupt())
    assert trainer.saved == []


def test_a_signal_stops_after_the_step_with_a_save(callback):
    trainer = _trainer(step=9)
    callback.on_train_batch_end(trainer, None, None, None, 0)
    assert trainer.saved == []  # no signal, every_n_steps=0: nothing to do
    assert signal.getsignal(signal.SIGTERM) == callback._handle
    signal.raise_signal(signal.SIGTERM)
    with pytest.raises(TrainingInterrupted) as stop:
        callback.on_train_batch_end(trainer, None, None, None, 0)
    assert trainer.saved == [callback.path]
    assert (stop.value.signum, stop.value.step) == (signal.SIGTERM, 9)


@pytest.mark.parametrize("here", [True, False], ids=["signal-here", "signal-on-another-rank"])
def test_under_ddp_the_stop_flag_is_all_reduced_so_every_rank_saves_and_stops(tmp_path, here):
    cb = ResumableTraining(str(tmp_path), every_n_steps=0)
    if here:
        cb._signal = signal.SIGTERM  # as _handle leaves it
    trainer = _trainer(world_size=2, other_ranks_stop=not here, step=6)
    with pytest.raises(TrainingInterrupted) as stop:
        cb.on_train_batch_end(trainer, None, None, None, 0)
    # Asked once per step, with this rank's flag, "any rank" (all=False), not "all ranks".
    assert trainer.strategy.calls == [(here, {"all": False})]
    assert trainer.saved == [cb.path] and stop.value.step == 6


def test_under_ddp_no_rank_stops_when_none_got_a_signal(tmp_path):
    cb = ResumableTraining(str(tmp_path), every_n_steps=0)
    trainer = _trainer(world_size=2, other_ranks_stop=False)
    cb.on_train_batch_end(trainer, None, None, None, 0)
    assert trainer.strategy.calls == [(False, {"all": False})]
    assert trainer.saved == []


def test_one_process_does_not_reduce(tmp_path):
    cb = ResumableTraining(str(tmp_path), every_n_steps=0)
    trainer = _trainer(world_size=1)
    cb.on_train_batch_end(trainer, None, None, None, 0)
    assert trainer.strategy.calls == []
