"""``python -m tinythink.sweep_report DIR``: rebuild a sweep's leaderboard and plots.

A short alias; the code lives in :mod:`tinythink.sweeps.sweep_report`.
"""

from tinythink.sweeps.sweep_report import main

if __name__ == "__main__":
    raise SystemExit(main())
