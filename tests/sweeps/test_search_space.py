"""The Optuna search space, without training: every sampled width fits the cap."""

import optuna
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from tests.conftest import ROOT
from tinythink.model import ModelConfig
from tinythink.sweeps.search_space import bounded_width, width_bounds


def _compose(*overrides: str):
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        return compose("train", overrides=list(overrides))


def test_width_bounds_are_exact_for_the_default_cap():
    model = OmegaConf.to_container(_compose("model=tiny").model, resolve=True)
    # 4 layers, 6 heads: widths are multiples of lcm(2*6, 16) = 48; 192 is the tiny preset.
    assert width_bounds({**model, "n_layer": 4, "n_head": 6}, 32, 512, 16) == (48, 192, 48)
    assert width_bounds({**model, "n_layer": 1, "n_head": 2}, 32, 512, 16) == (32, 384, 16)
    assert width_bounds({**model, "n_layer": 8, "n_head": 8}, 32, 512, 16) == (32, 128, 16)
    with pytest.raises(ValueError, match="no width fits: with n_layer=200"):
        width_bounds({**model, "n_layer": 200, "n_head": 2}, 32, 512, 16)


def test_bounded_width_keeps_every_tpe_trial_under_the_cap_and_uses_the_room():
    cfg = _compose("hparams_search=optuna")
    cap = cfg.model.max_params
    sampler = optuna.samplers.TPESampler(seed=0, n_startup_trials=5)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    for _ in range(25):  # past the startup trials, so TPE models the changing bounds too
        trial = study.ask()
        n_layer = trial.suggest_int("model.n_layer", 1, 8)
        n_head = trial.suggest_categorical("model.n_head", [2, 4, 6, 8])
        bounded_width(cfg, trial)
        d_model = trial.params["model.d_model"]
        shape = {**OmegaConf.to_container(cfg.model, resolve=True), "n_layer": n_layer}
        config = ModelConfig(**{**shape, "n_head": n_head, "d_model": d_model})  # no error
        assert config.num_params <= cap and d_model % 16 == 0 and d_model >= 32
        study.tell(trial, d_model / 1000)  # reward width: TPE pushes against the bound
    widest = max(t.params["model.d_model"] for t in study.trials)
    assert widest > 192  # the search reaches wide shallow models, not just safe ones


def test_bounded_width_refuses_a_width_in_params():
    cfg = _compose("hparams_search=optuna")
    trial = optuna.create_study().ask()
    trial.suggest_int("model.d_model", 32, 64)
    with pytest.raises(ValueError, match=r"model\.d_model is in hydra\.sweeper\.params"):
        bounded_width(cfg, trial)
