"""Each data setting has one home: ``conf/data/*.yaml``, never also a constructor default."""

import inspect
from pathlib import Path

import pytest
from hydra.utils import get_class

from tests.data.helpers import data_settings
from tinythink.cli import CONFIG_DIR

CONFIGS = sorted(p.stem for p in (Path(CONFIG_DIR) / "data").glob("*.yaml"))


def test_every_data_config_is_checked():
    assert CONFIGS == ["arithmetic", "jsonl"]


@pytest.mark.parametrize("config", CONFIGS)
def test_no_yaml_value_has_a_default_in_the_class_it_builds(config):
    settings = data_settings(config=config, keep_target=True)
    target = get_class(settings.pop("_target_"))
    params = inspect.signature(target.__init__).parameters
    # "???" is no value but a request for one (data=jsonl's path): a default may stand behind it.
    valued = {k for k, v in settings.items() if v != "???"}
    both = sorted(k for k in valued if params[k].default is not inspect.Parameter.empty)
    assert both == [], f"conf/data/{config}.yaml and {target.__name__} both set {both}"
    # ...and the yaml mirrors the class: it gives every argument that has no default, and
    # names nothing else.
    required = {
        k for k, p in params.items() if k != "self" and p.default is inspect.Parameter.empty
    }
    assert required <= set(settings) <= set(params)
