"""experiment=rl and experiment=sft_vs_rl compose what docs/rl.md says they do."""

from __future__ import annotations

from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from tests.conftest import ROOT, compose_in


def test_rl_experiment_starts_from_the_shipped_model_within_ten_minutes(tmp_path):
    cfg = compose_in("train", tmp_path / "run", "experiment=rl")
    assert cfg.module._target_ == "tinythink.rl.module.RLModule"
    assert cfg.data._target_ == "tinythink.rl.data.RLDataModule"
    assert cfg.init_from == str(tmp_path / "models" / "tinythink-tiny")  # under the launch dir
    assert (ROOT / "models" / "tinythink-tiny").is_dir()
    assert cfg.trainer.max_time == "00:00:10:00"
    assert cfg.task_name == "rl"


def test_sft_vs_rl_sweeps_the_stage_over_seeds_and_compares_them(tmp_path):
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        base = compose("train", overrides=["experiment=sft_vs_rl"], return_hydra_config=True)
    assert dict(base.hydra.sweeper.params) == {"stage": "more_sft,rl", "seed": "1,2,3"}
    assert instantiate(base.hydra.callbacks.sweep).compare == "sft_vs_rl"
    sft = compose_in("train", tmp_path / "run", "experiment=sft_vs_rl", "stage=more_sft", "seed=2")
    rl = compose_in("train", tmp_path / "run", "experiment=sft_vs_rl", "stage=rl", "seed=2")
    assert sft.module._target_ == "tinythink.training.module.TrainingModule"
    assert rl.module._target_ == "tinythink.rl.module.RLModule"
    assert sft.init_from == rl.init_from  # the same starting model
    # Equal steps per arm whatever the machine's load; each seed its own data order.
    assert sft.trainer.max_time is None and rl.trainer.max_time is None
    assert (sft.trainer.max_steps, rl.trainer.max_steps) == (1700, 80)
    assert sft.data.seed == rl.data.seed == 2 and rl.module.rl.seed == 2
    assert sft.module.optim.lr == 2e-4  # where the default run's schedule ended
