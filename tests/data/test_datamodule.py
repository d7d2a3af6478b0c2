"""The DataModule: bad settings refused, your own JSONL file served as splits."""

import json

import pytest

from tests.data.helpers import data_settings, small_datamodule
from tinythink.data.datamodule import ThinkingDataModule


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"loss_on": "question"}, "'question'"),
        ({"format": "poem"}, "'poem'"),
        ({"source": "csv"}, "'csv'"),
        ({"batch_size": 0}, "batch_size must be positive, got 0"),
        ({"source": "jsonl"}, "data.path"),
    ],
)
def test_bad_settings(tmp_path, kw, message):
    with pytest.raises(ValueError, match=message):
        ThinkingDataModule(**data_settings(cache_dir=str(tmp_path), **kw))


def test_jsonl_source(tmp_path):
    path = tmp_path / "mine.jsonl"
    rows = [
        {"question": f"What is {i} plus {i}?", "reasoning": f"{i}+{i}={2 * i}.", "answer": 2 * i}
        for i in range(200)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    dm = small_datamodule(
        tmp_path,
        source="jsonl",
        path=str(path),
        generator=None,
        val_fraction=0.1,
        test_fraction=0.1,
    )
    sizes = {s: len(dm.problems[s]) for s in dm.problems}
    assert set(sizes) == {"train", "val", "test"} and sum(sizes.values()) == 200
    assert "ood" not in dm.problems
