"""W&B never blocks train.py: online without a network falls back to offline."""

from __future__ import annotations

import pytest

from tests.conftest import run_script


@pytest.mark.slow
def test_wandb_online_without_network_falls_back_to_offline_and_resume_keeps_the_run(tmp_path):
    run = tmp_path / "run"
    env = {"WANDB_BASE_URL": "http://127.0.0.1:9", "WANDB_API_KEY": "a" * 40}
    args = [
        "debug=fast",
        "logger=[wandb,csv]",
        "logger.wandb.mode=online",
        "trainer.max_steps=4",
        "test=false",
        f"paths.log_dir={tmp_path}",
        f"hydra.run.dir={run}",
    ]
    result = run_script("train.py", *args, env=env, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout + result.stderr
    # Decided before any W&B start, from the probe: offline, and no online start was
    # tried (one would sit up to init_timeout, ~90 s by default, before falling back).
    assert "W&B mode: offline (cannot reach 127.0.0.1 (port 9, 3 s timeout))" in out
    assert "online start failed" not in out and "W&B mode: online" not in out
    assert "W&B run is offline (cannot reach 127.0.0.1 (port 9, 3 s timeout))" in out
    assert "wandb sync" in out
    run_id = (run / "wandb_run_id").read_text().strip()
    assert len(run_id) == 8

    result = run_script("train.py", *args, "trainer.max_steps=6", "resume=true", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout + result.stderr
    assert "W&B mode: offline (cannot reach 127.0.0.1 (port 9, 3 s timeout))" in out
    assert "online start failed" not in out
    offline = sorted((run / "wandb").glob("offline-run-*"))
    assert len(offline) == 2  # one directory per process, both for the same W&B run
    assert all(d.name.endswith(f"-{run_id}") for d in offline)
    assert all(list(d.glob(f"run-{run_id}.wandb")) for d in offline)
