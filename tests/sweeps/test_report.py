"""The sweep report, rebuilt from hand-written results: leaderboard, plots, CoT vs direct."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from tests.presets import preset_values
from tinythink.model import ModelConfig
from tinythink.sweeps.__main__ import main
from tinythink.sweeps.jobs import load_jobs
from tinythink.sweeps.report import build_comparison, build_report
from tinythink.sweeps.tables import format_table, runs_by_arm

PNG = b"\x89PNG\r\n\x1a\n"


def _leaderboard(sweep: Path) -> list[dict]:
    return list(csv.DictReader((sweep / "leaderboard.csv").open()))


def _assert_plots(sweep: Path) -> None:
    for name in ("accuracy_vs_params.png", "accuracy_vs_shape.png"):
        assert (sweep / name).read_bytes().startswith(PNG), name


# -----------------------------------------------------------------------------
# Leaderboard


def _write_job(sweep: Path, job: str, overrides: list[str], results: dict | None) -> None:
    job_dir = sweep / job
    (job_dir / ".hydra").mkdir(parents=True)
    (job_dir / ".hydra" / "overrides.yaml").write_text(OmegaConf.to_yaml(overrides))
    if results is not None:
        (job_dir / "results.json").write_text(json.dumps({"overrides": overrides, **results}))


def _shape(n_layer: int, d_model: int, n_head: int = 2) -> dict:
    shape = dict(n_layer=n_layer, d_model=d_model, n_head=n_head)
    return {**preset_values("tiny"), **shape, "vocab_size": 512, "max_params": 2_000_000}


def _finished(n_layer: int, d_model: int, acc: float | None, loss: float) -> dict:
    metrics = {"val/loss": loss, "test/answer_acc": 0.25}
    if acc is not None:
        metrics["val/answer_acc"] = acc
    model = _shape(n_layer, d_model)
    return dict(
        status="finished",
        model=model,
        num_params=ModelConfig(**model).num_params,
        metrics=metrics,
        wall_time_s=12.5,
    )


def test_report_rebuilds_from_handwritten_results(tmp_path, capsys):
    sweep = tmp_path / "2026-01-01_00-00-00_000001"
    common = ["debug=fast"]
    _write_job(sweep, "0", [*common, "model.n_layer=2"], _finished(2, 64, 0.50, 1.2))
    _write_job(sweep, "1", [*common, "model.n_layer=4"], _finished(4, 64, 0.75, 1.1))
    _write_job(sweep, "2", [*common, "model.n_layer=6"], _finished(6, 64, None, 0.9))
    _write_job(
        sweep,
        "3",
        [*common, "model.n_layer=90"],
        dict(status="skipped", model=_shape(90, 64), reason="model has ... over the cap"),
    )
    _write_job(
        sweep,
        "4",
        [*common, "model.n_layer=8"],
        dict(status="failed", model=_shape(8, 64), error="RuntimeError: boom | bang"),
    )
    _write_job(sweep, "5", [*common, "model.n_layer=10"], None)  # killed: no results.json
    # Its shape comes from the job config Hydra saved before the job started.
    job_config = {"model": {**_shape(10, 64), "vocab_size": "${data.vocab_size}"}}
    OmegaConf.save({**job_config, "data": {"vocab_size": 512}}, sweep / "5/.hydra/config.yaml")
    # A launcher's own files are not jobs.
    (sweep / ".submitit" / "1").mkdir(parents=True)
    (sweep / ".submitit" / "1" / "results.json").write_text("{}")

    assert main([str(sweep)]) == 0
    assert "# Sweep 2026-01-01_00-00-00_000001" in capsys.readouterr().out
    rows = _leaderboard(sweep)
    assert [(r["rank"], r["job"], r["status"]) for r in rows] == [
        ("1", "1", "finished"),  # best val accuracy
        ("2", "0", "finished"),
        ("3", "2", "finished"),  # no val accuracy: last of the finished
        ("", "4", "failed"),
        ("", "5", "missing"),
        ("", "3", "skipped"),
    ]
    best = rows[0]
    assert (best["shape"], best["val_answer_acc"], best["val_loss"]) == ("L4-d64-h2", "0.75", "1.1")
    assert best["overrides"] == "debug=fast model.n_layer=4" and best["wall_time_s"] == "12.5"
    # The refused shape is still counted, by ModelConfig, for the plot.
    over = ModelConfig(**{**_shape(90, 64), "max_params": 10**9}).num_params
    assert over > 2_000_000 and rows[5]["num_params"] == str(over)
    killed = ModelConfig(**_shape(10, 64)).num_params
    assert (rows[4]["shape"], rows[4]["num_params"]) == ("L10-d64-h2", str(killed))

    md = (sweep / "leaderboard.md").read_text()
    assert "6 jobs: 3 finished, 1 failed, 1 missing, 1 skipped." in md
    assert "Common overrides: `debug=fast`" in md
    assert "Best: **L4-d64-h2**" in md and "| 75.0% |" in md
    assert "- job 4 `model.n_layer=8`: **failed**: RuntimeError: boom \\| bang" in md
    assert "- job 5 `model.n_layer=10`: **missing**: no results.json" in md
    _assert_plots(sweep)


def test_report_cli_runs_as_a_module_and_rejects_an_empty_dir(tmp_path):
    cmd = [sys.executable, "-m", "tinythink.sweeps", str(tmp_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert f"no jobs under {tmp_path}" in result.stderr
    assert build_report(tmp_path).rows == [] and not list(tmp_path.iterdir())


# -----------------------------------------------------------------------------
# CoT vs direct


def _job(root, n, fmt, seed, acc, steps3):
    job = root / str(n)
    job.mkdir(parents=True)
    metrics = {"test/answer_acc": acc, "test/acc/steps_3plus": steps3, "ood/answer_acc": acc / 2}
    job.joinpath("results.json").write_text(
        json.dumps({"status": "finished", "data_format": fmt, "seed": seed, "metrics": metrics})
    )


def _cot_vs_direct_sweep(root: Path) -> None:
    for n, (fmt, seed, acc, s3) in enumerate(
        [
            ("cot", 2, 0.8, 0.6),
            ("cot", 1, 0.9, 0.8),
            ("direct", 1, 0.2, 0.1),
            ("direct", 2, 0.2, 0.1),
        ]
    ):
        _job(root, n, fmt, seed, acc, s3)
    (root / "9").mkdir()
    (root / "9" / "results.json").write_text(json.dumps({"status": "skipped"}))


def test_table_has_means_spreads_and_the_gap(tmp_path):
    _cot_vs_direct_sweep(tmp_path)
    out = build_comparison(tmp_path)
    rows = {r["metric"]: r for r in format_table(runs_by_arm(load_jobs(tmp_path), "data.format"))}
    assert rows["test/answer_acc"]["cot_mean"] == pytest.approx(0.85)
    assert rows["test/answer_acc"]["cot_std"] == pytest.approx(0.0707, abs=1e-4)
    assert rows["test/acc/steps_3plus"]["cot_minus_direct"] == pytest.approx(0.6)
    assert rows["test/answer_acc"]["direct_seeds"] == 2
    text = out.read_text()
    assert "| test/answer_acc | 85.0 ± 7.1 | 20.0 ± 0.0 | +65.0 |" in text
    assert "| test/acc/steps_3plus | 80.0 / 60.0 | 10.0 / 10.0 |" in text  # per seed, in order
    assert (tmp_path / "cot_vs_direct.png").stat().st_size > 1000
    assert (tmp_path / "cot_vs_direct.csv").read_text().startswith("metric,")


def test_sft_vs_rl_arms_come_from_the_stage_override(tmp_path):
    # Both arms train cot rows: the stage each job was given names its arm.
    for n, (stage, seed, acc, hand) in enumerate(
        [("more_sft", 1, 0.90, 0.50), ("rl", 1, 0.93, 0.56), ("rl", 2, 0.95, 0.58)]
    ):
        job = tmp_path / str(n)
        job.mkdir()
        metrics = {"test/answer_acc": acc, "handwritten/answer_acc": hand}
        job.joinpath("results.json").write_text(
            json.dumps(
                {
                    "status": "finished",
                    "data_format": "cot",
                    "seed": seed,
                    "overrides": [f"stage={stage}", f"seed={seed}"],
                    "metrics": metrics,
                }
            )
        )
    text = build_comparison(tmp_path, name="sft_vs_rl").read_text()
    assert text.startswith("# More SFT vs RL, from the same model\n")
    assert "Seeds per arm: more_sft: 1, rl: 2." in text
    assert "| test/answer_acc | 90.0 ± 0.0 | 94.0 ± 1.4 | +4.0 |" in text
    assert "| handwritten/answer_acc | 50.0 ± 0.0 | 57.0 ± 1.4 | +7.0 |" in text
    assert "| handwritten/answer_acc | 50.0 | 56.0 / 58.0 |" in text  # per seed
    assert (tmp_path / "sft_vs_rl.png").stat().st_size > 1000


def test_nothing_finished(tmp_path):
    assert build_comparison(tmp_path) is None


def test_cli_rebuilds_the_comparison_beside_the_leaderboard(tmp_path, capsys):
    _cot_vs_direct_sweep(tmp_path)
    assert main([str(tmp_path), "--compare-formats"]) == 0
    assert "| test/answer_acc | 85.0 ± 7.1 | 20.0 ± 0.0 | +65.0 |" in capsys.readouterr().out
    assert {"leaderboard.md", "cot_vs_direct.md", "cot_vs_direct.png"} <= {
        p.name for p in tmp_path.iterdir()
    }
