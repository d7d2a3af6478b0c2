"""Each data setting has one home: ``conf/data/*.yaml``, never also a constructor default."""

import inspect
from pathlib import Path

import pytest
from hydra.utils import get_class

from tests.data.helpers import data_settings
from tinythink.cli import CONFIG_DIR

CONFIGS = sorted(p.stem for p in (Path(CONFIG_DIR) / "data").glob("*.yaml"))


def test_every_data_config_is_checked():
    assert CONFIGS == ["arithmetic", "jsonl", "rl"]


@pytest.mark.parametrize("config", CONFIGS)
def test_no_yaml_value_has_a_default_in_the_class_it_builds(config):
    settings = data_settings(config=config, keep_target=True)
    target = get_class(settings.pop("_target_"))
    params = dict(inspect.signature(target.__init__).parameters)
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):  # the rest go to its base class
        base = inspect.signature(target.__mro__[1].__init__).parameters
        params = {**base, **{k: p for k, p in params.items() if p.kind is not p.VAR_KEYWORD}}
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


def test_the_generator_settings_have_no_defaults_in_their_dataclasses():
    """data.generator's values live in the yaml only; GeneratorConfig and Difficulty take them."""
    import dataclasses

    from tinythink.data import generator as gen
    from tinythink.data.datamodule import generator_config

    for cls in (gen.GeneratorConfig, gen.Difficulty):
        with_default = [
            f.name
            for f in dataclasses.fields(cls)
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        ]
        assert with_default == [], f"{cls.__name__} has defaults for {with_default}"
    yaml = data_settings()["generator"]
    built = dataclasses.asdict(generator_config(yaml))
    assert {k: v for k, v in built.items() if not isinstance(v, dict)} == {
        k: v for k, v in yaml.items() if not isinstance(v, dict)
    }
    for split in ("train", "ood_steps", "ood_digits"):  # every split names its families
        assert built[split] == {**yaml[split], "families": tuple(gen.FAMILIES)}
    # A checkpoint's settings from before `plan` and the ood families existed still build.
    old = {k: v for k, v in yaml.items() if k != "plan"}
    old["ood_steps"] = {k: v for k, v in yaml["ood_steps"].items() if k != "families"}
    assert generator_config(old) == generator_config(yaml)


def test_one_family_given_as_a_name_is_a_list_of_one():
    from tinythink.data.datamodule import generator_config

    cfg = generator_config({"train": {"families": "change"}})
    assert cfg.train.families == ("change",)
