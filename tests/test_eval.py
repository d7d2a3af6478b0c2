"""eval.py's scoring in this process: built-in splits, your own file, refusals before loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import compose_in
from tinythink.data import jsonl
from tinythink.data.jsonl import DataFileError
from tinythink.eval import check_settings, evaluate

OURS = [
    {"question": "Tom has 3 pens. He buys 4 more. How many pens does Tom have now?", "answer": 7},
    {"question": "Ivy has 9 figs. She eats 2. How many figs are left?", "answer": "7"},
    {"question": "Sam has 5 bags of 6 nuts. How many nuts?", "answer": 30, "reasoning": "5*6=30."},
    {"question": "Ana had 12 beads and gave 5 away. How many now?", "answer": 7.0, "extra": 1},
]


GSM8K = [
    {
        "question": "Natalia sold clips to 48 friends in April and half as many in May. "
        "How many clips did she sell in all?",
        "answer": "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n"
        "Natalia sold 48+24 = <<48+24=72>>72 clips in all.\n#### 72",
    },
    {
        "question": "Weng earns $12 an hour. She worked 50 minutes. How much did she earn?",
        "answer": "She earned 12 x 50 / 60 = $<<12*50/60=10>>10.\n#### 10",
    },
]


HANDWRITTEN = [
    {"question": "Mia had 14 crayons. She lost 5. How many now?", "answer": 9, "kind": "change",
     "steps": 1, "check": "14-5"},
    {"question": "Leo packs 3 boxes of 4 cups. How many cups?", "answer": 12, "kind": "groups",
     "steps": 1, "check": "3*4"},
    {"question": "Zoe has 20 cards and Max has 8. How many more has Zoe?", "answer": 12,
     "kind": "compare", "steps": 1, "check": "20-8"},
]  # fmt: skip


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def eval_cfg(tmp_path: Path, *overrides: str):
    """eval.yaml as Hydra composes it, with the run dir in tmp_path (no Hydra run needed)."""
    return compose_in(
        "eval", tmp_path / "run", "wandb.mode=disabled", "max_new_tokens=16", *overrides
    )


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def runs_in(log_dir: Path) -> list[Path]:
    runs = log_dir / "eval" / "runs"
    return list(runs.iterdir()) if runs.is_dir() else []


def test_default_splits_include_handwritten(tmp_path):
    assert list(eval_cfg(tmp_path).splits) == ["test", "ood", "handwritten"]


def test_handwritten_split_is_scored_by_default(tiny_fit, tmp_path, monkeypatch, capsys):
    path = write_jsonl(tmp_path / "handwritten.jsonl", HANDWRITTEN)
    monkeypatch.setattr(jsonl, "HANDWRITTEN_PATH", path)
    cfg = eval_cfg(tmp_path, f"ckpt={tiny_fit.ckpt}", f"paths.cache_dir={tiny_fit.cache_dir}")
    report = evaluate(cfg)
    assert set(report["splits"]) == {"test", "ood", "handwritten"}
    summary = report["splits"]["handwritten"]["greedy"]
    assert summary["n"] == len(HANDWRITTEN)  # every row of the file, none dropped
    assert summary["n/family_change"] == 1  # the file's "kind" is the family
    out = capsys.readouterr().out
    assert f"handwritten: answer accuracy ({len(HANDWRITTEN)} problems)" in out
    attempts = read_lines(tmp_path / "run" / "attempts_handwritten.jsonl")
    assert [a["question"] for a in attempts] == [r["question"] for r in HANDWRITTEN]
    saved = json.loads((tmp_path / "run" / "eval_results.json").read_text())
    assert saved["splits"]["handwritten"]["greedy"]["n"] == len(HANDWRITTEN)


def test_file_in_our_layout_is_scored_row_by_row(tiny_fit, tmp_path, capsys):
    path = write_jsonl(tmp_path / "problems.jsonl", OURS)
    report = evaluate(eval_cfg(tmp_path, f"ckpt={tiny_fit.ckpt}", f"file={path}"))
    assert list(report["splits"]) == ["problems"]  # the file instead of test/ood/handwritten
    assert report["splits"]["problems"]["greedy"]["n"] == len(OURS)
    assert report["file"] == str(path)
    out = capsys.readouterr().out
    assert f"problems: answer accuracy ({len(OURS)} problems)" in out
    assert "steps_0" not in out and "family_custom" not in out  # unknown: only repeats "all"
    run = tmp_path / "run"
    assert sorted(p.name for p in run.iterdir()) == ["attempts_problems.jsonl", "eval_results.json"]
    attempts = read_lines(run / "attempts_problems.jsonl")
    assert len(attempts) == len(OURS)
    assert [a["answer"] for a in attempts] == [7, 7, 30, 7]  # the expected answers, as ints
    for a in attempts:
        assert {"question", "answer", "completion", "predicted", "correct"} <= set(a)
        assert a["correct"] == (a["predicted"] == a["answer"])
    saved = json.loads((run / "eval_results.json").read_text())
    assert saved["splits"]["problems"]["greedy"]["n"] == len(OURS)


def test_gsm8k_file_and_limit(tiny_fit, tmp_path, capsys):
    path = write_jsonl(tmp_path / "gsm8k_test.jsonl", GSM8K * 3)
    report = evaluate(eval_cfg(tmp_path, f"ckpt={tiny_fit.ckpt}", f"file={path}", "limit=4"))
    assert report["splits"]["gsm8k_test"]["greedy"]["n"] == 4
    out = capsys.readouterr().out
    assert "steps_1" in out and "steps_2" in out  # GSM8K rows carry their step count
    attempts = read_lines(tmp_path / "run" / "attempts_gsm8k_test.jsonl")
    assert [(a["answer"], a["family"], a["steps"]) for a in attempts[:2]] == [
        (72, "gsm8k", 2),
        (10, "gsm8k", 1),
    ]


GOOD = '{"question": "What is 1 plus 1?", "answer": 2}\n'


@pytest.mark.parametrize(
    ("content", "where", "expected"),
    [
        (GOOD.encode() + b'{"question": "Caf\xe9?", "answer": 1}\n', ":2:", "not valid UTF-8"),
        (GOOD + GOOD + "{oops\n", ":3:", "invalid JSON"),
        (GOOD + '{"answer": 3}\n', ":2:", "missing required key 'question'"),
        (GOOD + '{"question": "Q?"}\n', ":2:", "missing required key 'answer'"),
        (GOOD + '{"question": "Q?", "answer": 2.5}\n', ":2:", "answer must be an integer"),
        ("\n\n", "", "data file is empty"),
        (None, "", "data file not found"),
    ],
    ids=["not-utf8", "bad-json", "no-question", "no-answer", "non-integer", "empty", "missing"],
)
def test_bad_file_is_refused_before_the_checkpoint_is_loaded(tmp_path, content, where, expected):
    path = tmp_path / "mine.jsonl"
    if content is not None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    # The checkpoint does not exist either: the file is read (and refused) first.
    cfg = eval_cfg(tmp_path, f"ckpt={tmp_path}/none.ckpt", f"file={path}")
    with pytest.raises(DataFileError) as err:
        evaluate(cfg)
    message = str(err.value)
    assert f"{path}{where}" in message and expected in message
    assert "\n" not in message
    if content is None:
        assert "point file=/path/to/problems.jsonl" in message  # the option eval.py takes
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("limit", [0, -1, "ten", True])
def test_limit_must_be_a_positive_integer(tmp_path, limit):
    cfg = eval_cfg(tmp_path, "ckpt=x.ckpt", f"limit={str(limit).lower()}")
    with pytest.raises(ValueError, match=r"limit must be a positive integer .* got "):
        check_settings(cfg)
