"""The hand-written evaluation set: read only to be scored, never cached, tokenized or trained on."""

from __future__ import annotations

import json
import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from tests.conftest import ROOT, compose_in, recording_opens
from tests.data.helpers import data_settings
from tinythink.data import jsonl
from tinythink.data.datamodule import ThinkingDataModule, generator_config
from tinythink.data.jsonl import DataFileError, read_handwritten
from tinythink.data.problem import Problem
from tinythink.data.tokenizer import load_tokenizer
from tinythink.train import train
from tinythink.training.job import report

ROWS = [
    {"question": "Ana has 3 red beads. She finds 4 more. How many beads now?", "answer": 7,
     "kind": "change", "steps": 1, "check": "3+4"},
    {"question": "Ben packs 5 boxes of 6 pens. How many pens?", "answer": 30,
     "kind": "groups", "steps": 1, "check": "5*6"},
    {"question": "Cy has 9 figs and Di has 2. How many more does Cy have?", "answer": 7,
     "kind": "compare", "steps": 1, "check": "9-2", "category": "simple"},
]  # fmt: skip


def _norm(question: str) -> str:
    return " ".join(question.split()).casefold()


@pytest.fixture
def handwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small hand-written set in tmp_path, standing in for the shipped one."""
    path = tmp_path / "hw" / "handwritten.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    monkeypatch.setattr(jsonl, "HANDWRITTEN_PATH", path)
    return path


def _train_cfg(tiny_fit, run_dir: Path, *overrides: str):
    return compose_in(
        "train",
        run_dir,
        "debug=fast",
        "logger=none",
        f"paths.cache_dir={tiny_fit.cache_dir}",  # the fit's data: no regeneration
        "callbacks.progress_bar=null",
        *overrides,
    )


def test_fit_never_opens_the_handwritten_set(tiny_fit):
    """A real fit (test=false) with the set's path pointing nowhere: it succeeds, untouched."""
    assert tiny_fit.touched == []
    assert tiny_fit.ckpt.is_file()
    assert "val/answer_acc" in tiny_fit.metrics
    assert not any(k.startswith("handwritten/") for k in tiny_fit.metrics)


def test_handwritten_is_not_cached_and_is_read_only_when_asked(tiny_fit, handwritten):
    hparams = torch.load(tiny_fit.ckpt, weights_only=True)["datamodule_hyper_parameters"]
    dm = ThinkingDataModule(**{**hparams, "cache_dir": str(tiny_fit.cache_dir)})
    with recording_opens("handwritten.jsonl") as opened:
        dm.setup("fit")
        assert opened == []
        assert "handwritten" in dm.eval_splits
        assert "handwritten" not in dm.problems and "handwritten" not in dm.rows
        assert not [p for p in tiny_fit.cache.iterdir() if "handwritten" in p.name]
        problems = dm.eval_problems("handwritten")
        assert opened == [str(handwritten)]
        dm.eval_problems("handwritten")
        assert len(opened) == 1  # read once, then kept
    assert problems[0] == Problem(ROWS[0]["question"], 7, "", "change", 1)
    assert [p.family for p in problems] == ["change", "groups", "compare"]  # kind -> family


def test_jsonl_data_serves_handwritten_too(tmp_path, handwritten):
    settings = data_settings(
        config="jsonl", path=str(tmp_path / "mine.jsonl"), cache_dir=str(tmp_path / "cache")
    )
    dm = ThinkingDataModule(**settings)
    assert dm.eval_splits == ("train", "val", "test", "handwritten")
    assert len(dm.eval_problems("handwritten")) == len(ROWS)


def test_missing_handwritten_file_is_a_clear_error(tmp_path, monkeypatch):
    missing = tmp_path / "handwritten.jsonl"
    monkeypatch.setattr(jsonl, "HANDWRITTEN_PATH", missing)
    with pytest.raises(DataFileError, match=rf"evaluation set is missing: {missing}; .*reinstall"):
        read_handwritten()


def test_test_run_without_the_file_fails_before_fitting(tiny_fit, tmp_path, monkeypatch):
    """test=true scores the set after fitting: a missing file is refused before anything runs."""
    monkeypatch.setattr(jsonl, "HANDWRITTEN_PATH", tmp_path / "absent.jsonl")
    run = tmp_path / "run"
    with pytest.raises(DataFileError, match=r"evaluation set is missing: .*or pass test=false"):
        train(_train_cfg(tiny_fit, run, "test=true"))
    assert not (run / "config.yaml").exists() and not (run / "checkpoints").exists()


def test_handwritten_ships_as_package_data():
    pyproject = (ROOT / "pyproject.toml").read_text()
    section = pyproject.split("[tool.setuptools.package-data]", 1)[1]
    (pattern,) = re.findall(r'^tinythink = \["([^"]+)"\]', section, re.MULTILINE)
    assert ROOT / "src" / "tinythink" / pattern == jsonl.HANDWRITTEN_PATH


def test_shipped_handwritten_set_reads_and_is_not_in_the_fit_train_data(tiny_fit):
    """The real file parses; none of its questions is in the tiny fit's train rows."""
    problems = read_handwritten()
    assert all(p.family != "custom" and p.steps > 0 for p in problems)  # every row has kind, steps
    questions = {_norm(p.question) for p in problems}
    assert len(questions) == len(problems), "a question appears twice"
    train_rows = (tiny_fit.cache / "problems_train.jsonl").read_text().splitlines()
    assert not questions & {_norm(json.loads(line)["question"]) for line in train_rows}
    # The tokenized cache: decode each train row's prompt, look for every question.
    tok = load_tokenizer(tiny_fit.cache / "tokenizer.json")
    (tokens_file,) = tiny_fit.cache.glob("tokens_train_*.npz")
    with np.load(tokens_file) as npz:
        prompts = [
            row[:n].tolist() for row, n in zip(npz["tokens"], npz["prompt_lens"], strict=True)
        ]
    decoded = {
        _norm(text.removeprefix("Q:").removesuffix("A:")) for text in tok.decode_batch(prompts)
    }
    assert len(decoded) > 100
    assert not questions & decoded


@pytest.mark.slow
def test_no_handwritten_question_is_in_the_default_train_data():
    """The default run's 100k generated train problems hold no hand-written question (~30 s)."""
    from tinythink.data import generator as gen

    conf = OmegaConf.load(ROOT / "conf" / "data" / "arithmetic.yaml")
    cfg = generator_config(OmegaConf.to_container(conf.generator, resolve=True))
    train_questions = {_norm(p.question) for p in gen.generate_split(cfg, "train")}
    clash = [p.question for p in read_handwritten() if _norm(p.question) in train_questions]
    assert clash == []


def test_a_run_scores_handwritten_beside_test_and_ood(tiny_fit, tmp_path, handwritten, capsys):
    metrics = train(_train_cfg(tiny_fit, tmp_path / "run", "test=true"))
    assert metrics["handwritten/n_scored"] == len(ROWS)
    assert 0.0 <= metrics["handwritten/answer_acc"] <= 1.0
    assert {"handwritten/acc/family_change", "handwritten/acc/steps_1"} <= set(metrics)
    assert "test/answer_acc" in metrics and "ood/answer_acc" in metrics
    report(metrics)
    out = capsys.readouterr().out
    assert f"  handwritten {metrics['handwritten/answer_acc']:7.1%}  (3 problems)" in out
    simple = metrics["handwritten/acc/category_simple"]  # the one row that says what it tests
    assert f"  handwritten by what it tests  simple: {simple:.0%}\n" in out


def test_every_shipped_row_is_worked_by_its_check():
    """Each row's ``check`` (the computation a person does, in the question's numbers and
    the ones it implies) gives its answer in whole numbers, with ``steps`` operations."""
    rows = [json.loads(line) for line in jsonl.HANDWRITTEN_PATH.read_text().splitlines()]
    assert len(rows) >= 600
    for row in rows:
        check = row["check"]
        assert re.fullmatch(r"[\d+\-*/() ]+", check) and "//" not in check, row
        # exact arithmetic: a division that leaves a remainder is not a whole-number step
        value = eval(re.sub(r"(\d+)", r"Fraction(\1)", check), {"Fraction": Fraction})
        assert value == row["answer"] and value.denominator == 1, row
        assert sum(check.count(op) for op in "+-*/") == row["steps"], row


def test_every_failure_category_has_twenty_problems_or_more():
    """The rows written for the reading failures say which one they test; each category
    has at least 20 (the first 378 rows, written before categories, carry none)."""
    rows = [json.loads(line) for line in jsonl.HANDWRITTEN_PATH.read_text().splitlines()]
    counts = Counter(row.get("category", "") for row in rows)
    assert counts.pop("") == 378
    assert set(counts) == set(jsonl.HANDWRITTEN_CATEGORIES)
    assert {c: n for c, n in counts.items() if n < 20} == {}
    assert [p.category for p in read_handwritten()] == [row.get("category", "") for row in rows]
