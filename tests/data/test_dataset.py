"""Batches cut from the token rows: masked for the loss, trimmed to a few widths."""

import torch

from tests.data.helpers import small_datamodule
from tinythink.data.dataset import IGNORE_INDEX
from tinythink.data.tokenizer import EOS, decode


def test_batches_score_only_the_answer(tmp_path):
    dm = small_datamodule(tmp_path)
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
    dm = small_datamodule(tmp_path, loss_on="all")
    batch = next(iter(dm.val_dataloader()))
    scored = batch["targets"][0][batch["targets"][0] != IGNORE_INDEX].tolist()
    assert decode(dm.tokenizer, scored).startswith(": ")  # everything after the first token "Q"


def test_direct_format_has_no_thinking(tmp_path):
    dm = small_datamodule(tmp_path, format="direct")
    batch = next(iter(dm.val_dataloader()))
    scored = batch["targets"][0][batch["targets"][0] != IGNORE_INDEX].tolist()
    assert decode(dm.tokenizer, scored) == f" Answer: {dm.problems['val'][0].answer}{EOS}"


def test_train_batches_cover_the_split_once_per_epoch(tmp_path):
    dm = small_datamodule(tmp_path)
    loader = dm.train_dataloader()
    seen = sum(len(b["inputs"]) for b in loader)
    assert seen == 600 // 8 * 8
    widths = [b["inputs"].shape[1] for b in loader]
    assert max(widths) > min(widths)  # batches are trimmed to their own longest row
    assert all(w % 32 == 0 for w in widths)  # ...rounded up to a few shapes (kernel cache)
