"""tinythink: tiny chain-of-thought language models with Lightning + Hydra."""

import os

from omegaconf import OmegaConf

# The directory the command started in, for conf/paths. Unlike ${hydra:runtime.cwd}
# it resolves before any job exists, where Hydra's sweepers read hydra.sweep.dir
# (`python train.py -m ...` failed with "HydraConfig was not set" otherwise).
_LAUNCH_DIR = os.getcwd()
if not OmegaConf.has_resolver("launch_dir"):
    OmegaConf.register_new_resolver("launch_dir", lambda: _LAUNCH_DIR)
