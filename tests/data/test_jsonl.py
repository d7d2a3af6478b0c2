"""Reading user JSONL data (our layout and GSM8K's), its error messages, and splitting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tinythink.data.jsonl import DataFileError, parse_record, read_jsonl, split_problems
from tinythink.data.problem import Problem

NATALIA = {
    "question": (
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many "
        "clips in May. How many clips did Natalia sell altogether in April and May?"
    ),
    "answer": (
        "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n"
        "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n"
        "#### 72"
    ),
}


def write_lines(path: Path, *rows: object) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_our_layout_with_and_without_reasoning(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "ours.jsonl",
        {
            "question": " Tom has 3 pens. He buys 4 more. How many now? ",
            "answer": 7,
            "reasoning": "3+4=7.",
            "family": "pens",
            "steps": 1,
            "source": "ignored",
        },
        {"question": "What is 10 minus 4?", "answer": "6"},
        {"question": "What is 2 times 3?", "answer": 6.0},
    )
    assert read_jsonl(path) == [
        Problem("Tom has 3 pens. He buys 4 more. How many now?", 7, "3+4=7.", "pens", 1),
        Problem("What is 10 minus 4?", 6, "", "custom", 0),
        Problem("What is 2 times 3?", 6, "", "custom", 0),
    ]


def test_kind_is_another_name_for_family(tmp_path: Path) -> None:
    """The hand-written set's layout: ``kind`` is the family, ``check`` is ignored."""
    path = write_lines(
        tmp_path / "hw.jsonl",
        {"question": "Mia had 14 crayons. She lost 5. How many now?", "answer": 9,
         "kind": "change", "steps": 1, "check": "14-5"},
        {"question": "Q?", "answer": 2, "kind": "groups", "family": "share"},
    )  # fmt: skip
    assert read_jsonl(path) == [
        Problem("Mia had 14 crayons. She lost 5. How many now?", 9, "", "change", 1),
        Problem("Q?", 2, "", "share", 0),  # family wins over kind
    ]
    with pytest.raises(DataFileError, match=r"f\.jsonl:4: 'kind' must be a string, got 3"):
        parse_record({"question": "Q?", "answer": 1, "kind": 3}, "f.jsonl:4")


def test_category_says_what_a_row_tests() -> None:
    row = {"question": "Q?", "answer": 2, "kind": "change", "steps": 2, "category": " chain "}
    assert parse_record(row, "hw.jsonl:1") == Problem("Q?", 2, "", "change", 2, category="chain")
    assert parse_record({"question": "Q?", "answer": 2}, "f.jsonl:1").category == ""
    with pytest.raises(DataFileError, match=r"f\.jsonl:2: 'category' must be a string, got 7"):
        parse_record({"question": "Q?", "answer": 1, "category": 7}, "f.jsonl:2")


def test_gsm8k_layout(tmp_path: Path) -> None:
    (problem,) = read_jsonl(write_lines(tmp_path / "gsm8k.jsonl", NATALIA))
    assert problem.question == NATALIA["question"]
    assert problem.answer == 72
    assert problem.reasoning == (
        "Natalia sold 48/2 = 24 clips in May. "
        "Natalia sold 48+24 = 72 clips altogether in April and May."
    )
    assert "<<" not in problem.reasoning and "####" not in problem.reasoning
    assert problem.steps == 2
    assert problem.family == "gsm8k"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("He needs 1,000 in total.\n#### 1,000", 1000),
        ("The balance is 5-9 = <<5-9=-4>>-4.\n#### -4", -4),
        ("1,000", 1000),
        ("-1,204", -1204),
        (-3, -3),
    ],
)
def test_answer_with_commas_and_sign(answer: object, expected: int) -> None:
    assert parse_record({"question": "Q?", "answer": answer}, "f.jsonl:1").answer == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"{not json", "invalid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"answer": 3}', "missing required key 'question'"),
        (b'{"question": "", "answer": 3}', "'question' is empty"),
        (b'{"question": 5, "answer": 3}', "'question' must be a string"),
        (b'{"question": "Q?", "answer": "twelve"}', "answer must be an integer, got 'twelve'"),
        (b'{"question": "Q?", "answer": 12.5}', "answer must be an integer, got 12.5"),
        (b'{"question": "Q?", "answer": "12.5"}', "answer must be an integer, got '12.5'"),
        (b'{"question": "Q?", "answer": "x\\n#### 12.5"}', "got '12.5'"),
        (b'{"question": "Q?", "answer": true}', "answer must be an integer, got True"),
        (b"\xff\xfe", "not valid UTF-8"),
    ],
)
def test_bad_line_names_file_and_line(tmp_path: Path, line: bytes, expected: str) -> None:
    path = tmp_path / "bad.jsonl"
    good = b'{"question": "What is 1 plus 1?", "answer": 2}\n'
    path.write_bytes(good + b"\n" + line + b"\n" + good)
    with pytest.raises(DataFileError) as err:
        read_jsonl(path)
    message = str(err.value)
    assert "bad.jsonl:3:" in message
    assert expected in message


def test_non_utf8_reports_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    first = b'{"question": "Q?", "answer": 2}\n'
    path.write_bytes(first + '{"question": "Café?", "answer": 1}\n'.encode("latin-1"))
    offset = len(first) + len(b'{"question": "Caf')  # where the latin-1 byte for "é" sits
    with pytest.raises(
        DataFileError, match=rf"latin1\.jsonl:2: .*b'\\xe9' at byte offset {offset} "
    ):
        read_jsonl(path)


def test_long_bad_value_is_truncated(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "long.jsonl", {"question": "Q?", "answer": "x" * 500})
    with pytest.raises(DataFileError) as err:
        read_jsonl(path)
    assert "x" * 70 in str(err.value) and "x" * 100 not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.jsonl"
    with pytest.raises(DataFileError, match=r"data file not found: .*nope\.jsonl.*data\.path="):
        read_jsonl(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n   \n\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"data file is empty: .*empty\.jsonl"):
        read_jsonl(path)


def test_blank_lines_crlf_and_bom_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "win.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"question": "A?", "answer": 1}\r\n\r\n{"question": "B?", "answer": 2}'
    )
    assert [p.answer for p in read_jsonl(path)] == [1, 2]


def synthetic(n: int) -> list[Problem]:
    return [Problem(f"What is {i} plus {i + 1}?", 2 * i + 1) for i in range(n)]


def test_split_is_deterministic_disjoint_and_sized() -> None:
    problems = synthetic(1000)
    splits = split_problems(problems, val_fraction=0.1, test_fraction=0.2, seed=0)
    assert splits == split_problems(problems, 0.1, 0.2, seed=0)
    shuffled = split_problems(problems[::-1], 0.1, 0.2, seed=0)
    assert {name: rows[::-1] for name, rows in shuffled.items()} == splits
    assert sorted(splits) == ["test", "train", "val"]
    assert sum(map(len, splits.values())) == 1000
    assert 60 <= len(splits["val"]) <= 140
    assert 150 <= len(splits["test"]) <= 250
    questions = {name: {p.question for p in rows} for name, rows in splits.items()}
    assert not questions["train"] & (questions["val"] | questions["test"])
    assert not questions["val"] & questions["test"]
    # A question's split does not depend on what else is in the data.
    alone = split_problems(problems[:10], 0.1, 0.2, seed=0)
    for name, rows in alone.items():
        assert {p.question for p in rows} <= questions[name]
    assert split_problems(problems, 0.1, 0.2, seed=1) != splits


def test_split_keeps_duplicates_together() -> None:
    problems = synthetic(200)
    duplicated = problems + [Problem("  " + p.question.upper(), p.answer) for p in problems]
    splits = split_problems(duplicated, 0.2, 0.2, seed=3)
    for rows in splits.values():
        keys = [" ".join(p.question.split()).casefold() for p in rows]
        assert len(keys) == 2 * len(set(keys))


def test_zero_fractions_put_everything_in_train() -> None:
    splits = split_problems(synthetic(50), 0.0, 0.0, seed=0)
    assert (len(splits["train"]), splits["val"], splits["test"]) == (50, [], [])


@pytest.mark.parametrize(
    ("val", "test", "expected"),
    [
        (-0.1, 0.1, "val_fraction must be a number in"),
        (0.1, 1.0, "test_fraction must be a number in"),
        (0.6, 0.5, "must be < 1"),
    ],
)
def test_bad_fractions(val: float, test: float, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        split_problems(synthetic(5), val, test, seed=0)
