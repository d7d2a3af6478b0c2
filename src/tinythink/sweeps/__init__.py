"""Sweeps: summarise any multirun, keep Optuna under the parameter cap, guard against DDP.

- :mod:`.sweep_report`: leaderboard (md + csv) and plots from each job's
  ``results.json`` (``python -m tinythink.sweep_report DIR``);
- :mod:`.search_space`: Optuna ``custom_search_space`` that bounds the width
  from the sampled depth and heads;
- :mod:`.callback`: the Hydra callback that writes the report when a multirun
  ends and refuses DDP's re-launch trap when it starts.

How to run sweeps: docs/sweeps.md.
"""
