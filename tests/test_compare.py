"""The CoT-vs-direct table, built from hand-written job results."""

import json

import pytest

from tinythink.evaluation import compare


def _job(root, n, fmt, seed, acc, steps3):
    job = root / str(n)
    job.mkdir(parents=True)
    metrics = {"test/answer_acc": acc, "test/acc/steps_3plus": steps3, "ood/answer_acc": acc / 2}
    job.joinpath("results.json").write_text(
        json.dumps({"status": "finished", "data_format": fmt, "seed": seed, "metrics": metrics})
    )


def test_table_has_means_spreads_and_the_gap(tmp_path):
    for n, (fmt, seed, acc, s3) in enumerate(
        [
            ("cot", 2, 0.8, 0.6),
            ("cot", 1, 0.9, 0.8),
            ("direct", 1, 0.2, 0.1),
            ("direct", 2, 0.2, 0.1),
        ]
    ):
        _job(tmp_path, n, fmt, seed, acc, s3)
    (tmp_path / "9").mkdir()
    (tmp_path / "9" / "results.json").write_text(json.dumps({"status": "skipped"}))
    out = compare.build(tmp_path)
    rows = {r["metric"]: r for r in compare.table(compare.load_runs(tmp_path))}
    assert rows["test/answer_acc"]["cot_mean"] == pytest.approx(0.85)
    assert rows["test/answer_acc"]["cot_std"] == pytest.approx(0.0707, abs=1e-4)
    assert rows["test/acc/steps_3plus"]["cot_minus_direct"] == pytest.approx(0.6)
    assert rows["test/answer_acc"]["direct_seeds"] == 2
    text = out.read_text()
    assert "| test/answer_acc | 85.0 ± 7.1 | 20.0 ± 0.0 | +65.0 |" in text
    assert "| test/acc/steps_3plus | 80.0 / 60.0 | 10.0 / 10.0 |" in text  # per seed, in order
    assert (tmp_path / "cot_vs_direct.png").stat().st_size > 1000
    assert (tmp_path / "cot_vs_direct.csv").read_text().startswith("metric,")


def test_nothing_finished(tmp_path):
    assert compare.build(tmp_path) is None
