"""train() in this process: a non-finite loss stops the run with the last good weights;
every checkpoint a run, a resume and eval read is loaded with ``weights_only=True``."""

import pytest
import torch

from tests.conftest import compose_in

OVERRIDES = ["debug=fast", "logger=none", "callbacks.progress_bar=null"]


def _cfg(tmp_path, *overrides):
    return compose_in("train", tmp_path / "run", *OVERRIDES, *overrides)


def test_nonfinite_loss_stops_with_last_good_weights(tmp_path, monkeypatch):
    """A NaN loss stops the run before backward; the saved weights are the good ones."""
    from tinythink.training import module as module_lib

    calls = {"n": 0}
    weights: list[dict[str, torch.Tensor]] = []  # the weights at each training step's forward
    real_loss = module_lib.TrainingModule._loss

    def loss_turning_nan(self, batch):
        if self.trainer.training:  # not the validation Lightning runs after the stop
            weights.append({k: v.detach().clone() for k, v in self.state_dict().items()})
        loss, n = real_loss(self, batch)
        calls["n"] += 1
        return (loss * float("nan"), n) if calls["n"] >= 3 else (loss, n)

    monkeypatch.setattr(module_lib.TrainingModule, "_loss", loss_turning_nan)
    from tinythink.train import train

    cfg = _cfg(tmp_path, "test=false")
    with pytest.raises(FloatingPointError, match=r"became nan at step 2.*last-good\.ckpt"):
        train(cfg)
    ckpt = torch.load(tmp_path / "run" / "checkpoints" / "last-good.ckpt", weights_only=True)
    assert ckpt["global_step"] == 3  # Lightning counts the skipped step; no update was applied
    assert all(torch.isfinite(v).all() for v in ckpt["state_dict"].values())
    # The saved weights are exactly those the NaN step started from: after the two clean
    # steps, which changed them (so the initial weights would not pass).
    assert len(weights) == 3
    initial, after_clean = weights[0], weights[2]
    assert ckpt["state_dict"].keys() == after_clean.keys()
    assert all(torch.equal(ckpt["state_dict"][k], v) for k, v in after_clean.items())
    assert not all(torch.equal(initial[k], v) for k, v in after_clean.items())


def test_every_checkpoint_load_uses_weights_only(tmp_path, monkeypatch):
    """A run with its test phase (best.ckpt), a resume (last.ckpt) and eval's load: every
    ``torch.load`` of a checkpoint says ``weights_only=True``."""
    from tinythink import checkpoints
    from tinythink.train import train

    loads: list[tuple[str, object]] = []
    real_load = torch.load

    def recording_load(f, *args, **kwargs):
        loads.append((str(getattr(f, "name", f)), kwargs.get("weights_only", "not given")))
        return real_load(f, *args, **kwargs)

    monkeypatch.setattr(torch, "load", recording_load)
    small = [
        "data.generator.n_test=4",
        "data.generator.n_ood=4",
        "module.eval.max_new_tokens=8",
        "trainer.val_check_interval=2",
    ]
    monkeypatch.setattr("tinythink.data.jsonl.HANDWRITTEN_PATH", _few_handwritten(tmp_path))
    train(_cfg(tmp_path, "test=true", "trainer.max_steps=4", *small))
    ckpts = tmp_path / "run" / "checkpoints"
    assert {"best.ckpt", "last.ckpt"} <= {p.name for p in ckpts.iterdir()}
    assert [p for p, _ in loads if p.endswith("best.ckpt")], loads  # the test phase's load
    fit_loads = len(loads)

    train(_cfg(tmp_path, "test=false", "ckpt_path=last", "trainer.max_steps=6", *small))
    resumed = [p for p, _ in loads[fit_loads:] if p.endswith("last.ckpt")]
    assert len(resumed) >= 2, loads  # resume_point's check, then Lightning's restore
    resume_loads = len(loads)

    checkpoints.load_checkpoint(ckpts / "best.ckpt")  # eval.py's and generate.py's load
    assert [p for p, _ in loads[resume_loads:] if p.endswith("best.ckpt")], loads
    assert all(w is True for _, w in loads), loads


def _few_handwritten(tmp_path):
    """The shipped hand-written set cut to three problems, so the test phase is quick."""
    from tinythink.data import jsonl

    path = tmp_path / "handwritten.jsonl"
    lines = jsonl.HANDWRITTEN_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3]), encoding="utf-8")
    return path
