"""Sweeps: summarise any multirun, keep Optuna under the parameter cap, guard against DDP.

- :mod:`.jobs`: every job of a sweep directory as a ``RunResult``
  (:mod:`tinythink.results`), missing and unreadable ones included;
- :mod:`.tables`: the leaderboard (jobs ranked by val answer accuracy) and the
  comparison of ``data.format`` values over seeds (CoT vs direct);
- :mod:`.writers` and :mod:`.plots`: those tables as markdown, CSV and PNG;
- :mod:`.report`: writes them into the sweep directory
  (``python -m tinythink.sweeps DIR [--compare-formats]`` rebuilds them);
- :mod:`.callback`: the Hydra callback that writes the report when a multirun
  ends and refuses DDP's re-launch trap when it starts;
- :mod:`.search_space`: Optuna ``custom_search_space`` that bounds the width
  from the sampled depth and heads.

How to run sweeps: docs/sweeps.md.
"""
