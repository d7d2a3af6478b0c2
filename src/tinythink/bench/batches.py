"""The batches both training loops eat: real training rows packed into fixed-length rows."""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader, Dataset

from tinythink.bench.config import BenchConfigError
from tinythink.data.datamodule import ThinkingDataModule


def packed_batches(
    dm: ThinkingDataModule, n: int, batch_size: int, seq_len: int, seed: int
) -> list[dict[str, torch.Tensor]]:
    """``n`` batches of (batch_size, seq_len) tokens from real training rows packed end to end.

    Rows (question, reasoning, answer, eos) are taken in a seeded random order,
    stripped of padding, concatenated, and cut into windows of seq_len + 1:
    inputs are the first seq_len tokens, targets the next-token shift. Every
    target is scored, so every step does the same work.
    """
    rows = dm.rows["train"]
    need = n * batch_size * (seq_len + 1)
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(seed))
    pieces, have = [], 0
    for i in order.tolist():
        piece = rows.tokens[i, : int(rows.lengths[i])]
        pieces.append(piece)
        have += len(piece)
        if have >= need:
            break
    if have < need:
        raise BenchConfigError(
            f"the training split has {have} tokens, fewer than the {need} that "
            f"{n} batches of {batch_size} x {seq_len + 1} need; lower bench.batch_size "
            f"or bench.train.steps, or raise data.generator.n_train"
        )
    stream = torch.cat(pieces)[:need].long().view(n, batch_size, seq_len + 1)
    return [{"inputs": b[:, :-1].contiguous(), "targets": b[:, 1:].contiguous()} for b in stream]


class _Fixed(Dataset):
    """The prepared batches, served as-is (``batch_size=None``) to both loops."""

    def __init__(self, batches: list[dict[str, torch.Tensor]]) -> None:
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return self.batches[i]


def fixed_loader(batches: list[dict[str, torch.Tensor]]) -> DataLoader:
    """A DataLoader over ``batches`` in order, one prepared batch per step."""
    return DataLoader(_Fixed(batches), batch_size=None, shuffle=False)
