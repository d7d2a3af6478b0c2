"""Checkpoint files: an interrupted write keeps the old file, a code-running pickle is refused."""

from __future__ import annotations

import os

import pytest
import torch

from tinythink.checkpoints import AtomicCheckpointIO


def test_a_failed_checkpoint_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "last.ckpt"
    io = AtomicCheckpointIO()
    io.save_checkpoint({"global_step": 5}, path)

    def dies_mid_write(obj, f):
        f.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt  # as a kill would

    monkeypatch.setattr(torch, "save", dies_mid_write)
    with pytest.raises(KeyboardInterrupt):
        io.save_checkpoint({"global_step": 10}, path)
    monkeypatch.undo()
    assert torch.load(path, weights_only=True) == {"global_step": 5}
    assert [p.name for p in tmp_path.iterdir()] == ["last.ckpt"]  # no temp file left


class _RunsCode:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    from tinythink.checkpoints import CheckpointError, read_checkpoint

    path = tmp_path / "evil.ckpt"
    torch.save({"state_dict": {}, "payload": _RunsCode()}, path)
    with pytest.raises(
        CheckpointError, match=r"refusing to load .*evil\.ckpt.*GLOBAL posix\.system"
    ):
        read_checkpoint(path)


def test_init_from_copies_the_weights_and_refuses_another_shape_or_tokenizer(tiny_fit):
    from tinythink.checkpoints import check_same_vocab, load_checkpoint, load_initial_weights
    from tinythink.data.tokenizer import load_tokenizer
    from tinythink.model import TinyThinkLM

    loaded = load_checkpoint(tiny_fit.ckpt)
    net = TinyThinkLM(loaded.model.config)
    tokenizer = load_initial_weights(net, tiny_fit.ckpt)
    for key, value in loaded.model.state_dict().items():
        assert torch.equal(net.state_dict()[key], value), key
    check_same_vocab(tiny_fit.ckpt, tokenizer, loaded.tokenizer)  # the same ids: no error

    config = loaded.model.config
    wider = TinyThinkLM(type(config)(**{**config.to_dict(), "d_model": 64}))
    with pytest.raises(
        ValueError, match=r"holds a model of another shape \(d_model=32 there but 64 here"
    ):
        load_initial_weights(wider, tiny_fit.ckpt)
    with pytest.raises(ValueError, match="checkpoint not found"):
        load_initial_weights(net, tiny_fit.ckpt.parent / "absent.ckpt")
    other = load_tokenizer(tiny_fit.run_dir / "checkpoints" / "tokenizer.json")
    other.add_tokens(["<extra>"])
    with pytest.raises(ValueError, match="another tokenizer than this run's data settings build"):
        check_same_vocab(tiny_fit.ckpt, other, loaded.tokenizer)
