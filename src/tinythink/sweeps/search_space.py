"""Optuna search space that only samples model shapes under the parameter cap.

hydra-optuna-sweeper samples the distributions in ``hydra.sweeper.params``
(depth, heads, learning rate) and then calls ``custom_search_space(cfg, trial)``
with the sweep's config and the trial. Here that function samples the width
*after* depth and heads are known, from the narrowest allowed width up to the
widest one that still fits under ``model.max_params``. So every trial is a
model that can be built, and no trial is wasted on a skipped shape.

The width bounds change from trial to trial (they depend on depth and heads);
Optuna allows that for int distributions (it refuses changing categorical
choices), and TPE keeps learning from all trials.

The parameter count comes from :class:`tinythink.model.ModelConfig`, the one
place that knows it.
"""

from __future__ import annotations

import math
from typing import Any

from omegaconf import DictConfig, OmegaConf

from tinythink.model import ModelConfig, ParameterCapError

WIDTH = "model.d_model"


def widest_under_cap(model: dict[str, Any], step: int, high: int) -> int | None:
    """The largest multiple of ``step``, at most ``high``, that keeps ``model`` under its cap.

    ``model`` holds ModelConfig arguments (depth and heads already chosen); its
    ``d_model`` is ignored. Returns None when even ``step`` itself is over the cap.
    Any other config error (e.g. ``n_kv_head`` not dividing ``n_head``) is raised.
    """
    for d_model in range(high - high % step, 0, -step):
        try:
            ModelConfig(**{**model, "d_model": d_model})
        except ParameterCapError:
            continue
        return d_model
    return None


def width_bounds(
    model: dict[str, Any], low: int, high: int, multiple_of: int
) -> tuple[int, int, int]:
    """(low, high, step) for ``d_model`` given the model's depth and heads.

    ``d_model`` must be a multiple of ``2 * n_head`` (an even head_dim, for
    rotary embeddings) and of ``multiple_of`` (tidy matmul shapes).
    """
    step = math.lcm(2 * int(model["n_head"]), int(multiple_of))
    low = max(step, math.ceil(low / step) * step)
    widest = widest_under_cap(model, step, high)
    if widest is None or widest < low:
        raise ValueError(
            f"no width fits: with n_layer={model['n_layer']}, n_head={model['n_head']} even "
            f"d_model={low} (width_search.low rounded up to a multiple of {step}) is over "
            f"the cap of {model['max_params']:,} parameters, or above width_search.high="
            f"{high}. Lower the largest model.n_layer / model.n_head in hydra.sweeper.params, "
            f"lower width_search.low, or raise width_search.high."
        )
    return low, widest, step


def bounded_width(cfg: DictConfig, trial: Any) -> None:
    """``custom_search_space`` for hydra-optuna-sweeper: sample ``model.d_model`` under the cap.

    Reads the bounds from the ``width_search`` config node (low, high,
    multiple_of); depth and heads come from the trial when they are searched,
    else from ``cfg.model``.
    """
    if WIDTH in trial.params:
        raise ValueError(
            f"{WIDTH} is in hydra.sweeper.params, but the width is sampled by "
            f"{__name__}.bounded_width so that it fits under the cap. Remove it from "
            f"params and set width_search.low/high instead."
        )
    model = OmegaConf.to_container(cfg.model, resolve=True)
    assert isinstance(model, dict)
    for key in ("n_layer", "n_head"):
        model[key] = trial.params.get(f"model.{key}", model[key])
    space = cfg.get("width_search")
    if space is None:
        raise ValueError(
            "custom_search_space=bounded_width needs a top-level `width_search` node "
            "(low, high, multiple_of): start from conf/hparams_search/optuna.yaml."
        )
    low, high, step = width_bounds(model, space.low, space.high, space.multiple_of)
    trial.suggest_int(WIDTH, low, high, step=step)
