"""The sweep callback: the DDP guard, and the reports it writes when a multirun ends."""

import json

import pytest
from hydra import compose, initialize_config_dir

from tests.conftest import ROOT
from tinythink.sweeps.callback import ddp_relaunch_problem


def _compose(*overrides: str):
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        return compose("train", overrides=list(overrides), return_hydra_config=True)


@pytest.mark.parametrize(
    ("overrides", "refused"),
    [
        (["trainer=ddp", "trainer.accelerator=cpu"], True),  # 2 devices: re-runs sys.argv
        (["trainer.devices=4"], True),  # strategy "auto" becomes ddp on several devices
        (["trainer=default"], False),  # one device: nothing to re-launch
        (["trainer=ddp", "trainer.devices=1"], False),
        (["trainer=ddp", "trainer.strategy=ddp_spawn"], False),  # multiprocessing, no re-run
        (["trainer=ddp", "hydra/launcher=slurm"], False),  # srun starts the ranks
    ],
)
def test_ddp_relaunch_problem(overrides, refused):
    problem = ddp_relaunch_problem(_compose(*overrides))
    assert (problem is not None) == refused
    if refused:
        assert "re-running this command line" in problem and "docs/sweeps.md" in problem


def test_the_cot_vs_direct_experiment_turns_on_the_comparison(tmp_path, capsys):
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    assert instantiate(_compose().hydra.callbacks.sweep).compare is None
    callback = instantiate(_compose("experiment=cot_vs_direct").hydra.callbacks.sweep)
    assert callback.compare == "cot_vs_direct" and callback.report
    job = tmp_path / "0"
    job.mkdir()
    metrics = {"test/answer_acc": 0.5}
    (job / "results.json").write_text(
        json.dumps({"status": "finished", "data_format": "cot", "seed": 1, "metrics": metrics})
    )
    callback.on_multirun_end(OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}}))
    assert f"Written to {tmp_path}/cot_vs_direct.{{md,csv,png}}" in capsys.readouterr().out
    assert (tmp_path / "cot_vs_direct.md").is_file() and (tmp_path / "leaderboard.md").is_file()
