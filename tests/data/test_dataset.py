"""Batches cut from the token rows: masked for the loss, trimmed to a few widths."""

import re
from collections import Counter

import torch

from tests.data.helpers import small_datamodule
from tinythink.data.dataset import IGNORE_INDEX
from tinythink.data.tokenizer import EOS, PAD, decode

_QUESTION = re.compile(r"^Q: (.*)\nA:", re.DOTALL)


def _questions(dm, batch) -> list[str]:
    """The question each row of ``batch`` asks, read back from its input tokens."""
    pad = dm.tokenizer.token_to_id(PAD)
    out = []
    for row in batch["inputs"]:
        text = decode(dm.tokenizer, row[row != pad].tolist())
        out.append(_QUESTION.match(text).group(1))
    return out


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
    # Every row: the whole of it is scored (question, thinking, answer, eos), padding is not.
    for row, targets in enumerate(batch["targets"]):
        p = dm.problems["val"][row]
        scored = targets[targets != IGNORE_INDEX].tolist()
        whole = f": {p.question}\nA: <think> {p.reasoning} </think> Answer: {p.answer}{EOS}"
        assert decode(dm.tokenizer, scored) == whole, row
        assert len(scored) == int(dm.rows["val"].lengths[row]) - 1  # all but the first token
        # the scored positions are one unbroken run from the start: no hole in the question
        assert (targets != IGNORE_INDEX).nonzero().flatten().tolist() == list(range(len(scored)))


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
    # Not only as many rows: each problem of the split exactly once, in a new order each epoch.
    split = Counter(p.question for p in dm.problems["train"])
    orders = []
    for epoch in (0, 1):
        loader.sampler.set_epoch(epoch)
        order = [q for b in loader for q in _questions(dm, b)]
        assert Counter(order) == split, epoch
        orders.append(order)
    assert orders[0] != orders[1]
    widths = [b["inputs"].shape[1] for b in loader]
    assert max(widths) > min(widths)  # batches are trimmed to their own longest row
    assert all(w % 32 == 0 for w in widths)  # ...rounded up to a few shapes (kernel cache)
