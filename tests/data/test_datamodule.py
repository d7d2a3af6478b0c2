"""The DataModule: bad settings refused, your own JSONL file served as splits."""

import json
import re

import pytest

from tests.data.helpers import data_settings, small_datamodule
from tinythink.data.datamodule import ThinkingDataModule
from tinythink.data.tokenizer import PAD, decode


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
    # val and test hold about a tenth each (a hash decides, so not exactly 20), train the rest
    assert 8 <= sizes["val"] <= 32 and 8 <= sizes["test"] <= 32, sizes
    assert sizes["train"] == 200 - sizes["val"] - sizes["test"]
    # Every row of the file in exactly one split, with its own reasoning and answer, in
    # the file's order.
    served = [p for s in ("train", "val", "test") for p in dm.problems[s]]
    assert sorted(p.question for p in served) == sorted(r["question"] for r in rows)
    for split in ("train", "val", "test"):
        numbers = [
            int(re.match(r"What is (\d+) plus", p.question).group(1)) for p in dm.problems[split]
        ]
        assert numbers == sorted(numbers), split
        for i, p in zip(numbers, dm.problems[split], strict=True):
            assert (p.reasoning, p.answer) == (f"{i}+{i}={2 * i}.", 2 * i)
    # ...and the loaders serve those problems: each split's token rows are its own.
    pad = dm.tokenizer.token_to_id(PAD)
    for split, loader in (("val", dm.val_dataloader()), ("test", dm.test_dataloader())):
        assert len(dm.rows[split]) == sizes[split]
        asked = [
            decode(dm.tokenizer, row[row != pad].tolist()).split("\n")[0]
            for batch in loader
            for row in batch["inputs"]
        ]
        assert asked == [f"Q: {p.question}" for p in dm.problems[split]], split
