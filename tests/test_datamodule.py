"""The DataModule: cached once, batches masked right, bad settings refused."""

import json

import pytest
import torch

from tinythink.data.datamodule import IGNORE_INDEX, ThinkingDataModule
from tinythink.data.tokenizer import EOS, decode

GEN = {"n_train": 600, "n_val": 40, "n_test": 40, "n_ood": 20}


def make(tmp_path, **kw) -> ThinkingDataModule:
    args = {
        "cache_dir": str(tmp_path / "cache"),
        "generator": GEN,
        "batch_size": 8,
        "n_eval": 10,
        "vocab_size": 320,
        "max_seq_len": 384,
    }
    dm = ThinkingDataModule(**{**args, **kw})
    dm.prepare_data()
    dm.setup("fit")
    return dm


def test_batches_score_only_the_answer(tmp_path):
    dm = make(tmp_path)
    batch = next(iter(dm.val_dataloader()))
    inputs, targets = batch["inputs"], batch["targets"]
    assert inputs.shape == targets.shape and inputs.dtype == torch.long
    row = 0
    problem = dm.problems["val"][row]
    scored = targets[row][targets[row] != IGNORE_INDEX].tolist()
    text = decode(dm.tokenizer, scored)
    eos = f"{EOS}"
    assert text == f" <think> {problem.reasoning} </think> Answer: {problem.answer}{eos}"
    # inputs are the row shifted by one: the prompt comes first
    assert decode(dm.tokenizer, inputs[row].tolist()).startswith(f"Q: {problem.question}\nA:")


def test_loss_on_all_scores_the_question_too(tmp_path):
    dm = make(tmp_path, loss_on="all")
    batch = next(iter(dm.val_dataloader()))
    scored = batch["targets"][0][batch["targets"][0] != IGNORE_INDEX].tolist()
    assert decode(dm.tokenizer, scored).startswith(": ")  # everything after the first token "Q"


def test_direct_format_has_no_thinking(tmp_path):
    dm = make(tmp_path, format="direct")
    batch = next(iter(dm.val_dataloader()))
    scored = batch["targets"][0][batch["targets"][0] != IGNORE_INDEX].tolist()
    assert decode(dm.tokenizer, scored) == f" Answer: {dm.problems['val'][0].answer}{EOS}"


def test_train_batches_cover_the_split_once_per_epoch(tmp_path):
    dm = make(tmp_path)
    loader = dm.train_dataloader()
    seen = sum(len(b["inputs"]) for b in loader)
    assert seen == 600 // 8 * 8
    widths = [b["inputs"].shape[1] for b in loader]
    assert max(widths) > min(widths)  # batches are trimmed to their own longest row
    assert all(w % 32 == 0 for w in widths)  # ...rounded up to a few shapes (kernel cache)


def test_cache_is_reused(tmp_path):
    make(tmp_path)
    cache = next((tmp_path / "cache").iterdir())
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    make(tmp_path)  # second run: nothing rebuilt
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stamps
    assert (cache / "tokenizer.json").exists()
    assert len((cache / "problems_train.jsonl").read_text().splitlines()) == 600


def test_corrupt_token_cache_is_rebuilt(tmp_path, caplog):
    dm = make(tmp_path)
    path = dm.split_cache.tokens_file("val")
    path.write_bytes(path.read_bytes()[:100])  # truncated, as by a kill mid-write
    again = make(tmp_path)
    assert "unreadable" in caplog.text
    assert len(again.rows["val"]) == 40


def test_max_seq_len_shorter_than_an_example(tmp_path):
    with pytest.raises(ValueError, match=r"data.max_seq_len=40 is shorter than the longest"):
        make(tmp_path, max_seq_len=40)


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
        ThinkingDataModule(cache_dir=str(tmp_path), **kw)


def test_jsonl_source(tmp_path):
    path = tmp_path / "mine.jsonl"
    rows = [
        {"question": f"What is {i} plus {i}?", "reasoning": f"{i}+{i}={2 * i}.", "answer": 2 * i}
        for i in range(200)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    dm = make(
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
