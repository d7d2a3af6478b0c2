"""train() in this process: a non-finite loss stops the run with the last good weights."""

import pytest
import torch


def test_nonfinite_loss_stops_with_last_good_weights(tmp_path, monkeypatch):
    """A NaN loss stops the run before backward; the saved weights are the good ones."""
    from tinythink.training import module as module_lib

    calls = {"n": 0}
    real_loss = module_lib.TrainingModule._loss

    def loss_turning_nan(self, batch):
        loss, n = real_loss(self, batch)
        calls["n"] += 1
        return (loss * float("nan"), n) if calls["n"] >= 3 else (loss, n)

    monkeypatch.setattr(module_lib.TrainingModule, "_loss", loss_turning_nan)
    from hydra import compose, initialize_config_dir

    from tinythink.cli import CONFIG_DIR
    from tinythink.train import train

    with initialize_config_dir(CONFIG_DIR, version_base="1.3"):
        cfg = compose(
            "train",
            overrides=[
                "debug=fast",
                "logger=none",
                "test=false",
                f"paths.log_dir={tmp_path}",
                f"paths.run_dir={tmp_path}/run",
                f"paths.root_dir={tmp_path}",
                "callbacks.progress_bar=null",
            ],
        )
    with pytest.raises(FloatingPointError, match=r"became nan at step 2.*last-good\.ckpt"):
        train(cfg)
    ckpt = torch.load(tmp_path / "run" / "checkpoints" / "last-good.ckpt", weights_only=True)
    assert ckpt["global_step"] == 3  # Lightning counts the skipped step; no update was applied
    assert all(torch.isfinite(v).all() for v in ckpt["state_dict"].values())
