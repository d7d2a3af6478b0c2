"""The cache: built once and reused, a corrupt token file rebuilt, too-long rows refused."""

import pytest

from tests.data.helpers import small_datamodule


def test_cache_is_reused(tmp_path):
    small_datamodule(tmp_path)
    cache = next((tmp_path / "cache").iterdir())
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    small_datamodule(tmp_path)  # second run: nothing rebuilt
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stamps
    assert (cache / "tokenizer.json").exists()
    assert len((cache / "problems_train.jsonl").read_text().splitlines()) == 600


def test_corrupt_token_cache_is_rebuilt(tmp_path, caplog):
    dm = small_datamodule(tmp_path)
    path = dm.split_cache.tokens_file("val")
    path.write_bytes(path.read_bytes()[:100])  # truncated, as by a kill mid-write
    again = small_datamodule(tmp_path)
    assert "unreadable" in caplog.text
    assert len(again.rows["val"]) == 40


def test_max_seq_len_shorter_than_an_example(tmp_path):
    with pytest.raises(ValueError, match=r"data.max_seq_len=40 is shorter than the longest"):
        small_datamodule(tmp_path, max_seq_len=40)
