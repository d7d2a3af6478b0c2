"""The training order: shuffled, length-grouped batches that resume mid-epoch."""

from __future__ import annotations

import logging

import torch
from torch.utils.data import Sampler

log = logging.getLogger(__name__)


class LengthGroupedSampler(Sampler[int]):
    """A shuffled order in which each run of ``batch_size`` indices has similar lengths.

    Rows differ a lot in length (1-step vs 4-step problems); batching similar
    lengths together cuts the padding each batch carries, so more of every step
    is real tokens. Shuffle, cut into chunks of ``batch_size * group``, sort each
    chunk by length, split into batches, shuffle the batches.

    The order is a pure function of ``(seed, epoch)``, so the stream can be resumed:
    :meth:`resume_at` makes the next pass over epoch ``step // batches_per_epoch``
    skip the batches already trained on (Lightning 2.x restores the step, not the
    position inside an epoch).
    """

    def __init__(self, lengths: torch.Tensor, batch_size: int, seed: int, group: int = 50) -> None:
        self.lengths = lengths
        self.batch_size = batch_size
        self.seed = seed
        self.group = group
        self.epoch = 0
        self._resume: tuple[int, int] | None = None  # (epoch, batches to skip), used once

    def set_epoch(self, epoch: int) -> None:  # called by Lightning at each epoch
        self.epoch = epoch

    @property
    def batches_per_epoch(self) -> int:
        return len(self.lengths) // self.batch_size

    def resume_at(self, step: int) -> None:
        """Continue the stream after ``step`` batches (counted from the start of epoch 0)."""
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}")
        self._resume = divmod(step, max(1, self.batches_per_epoch))

    def __len__(self) -> int:
        return self.batches_per_epoch * self.batch_size

    def batch_order(self, epoch: int) -> list[list[int]]:
        """The batches of ``epoch``, in the order they are served."""
        g = torch.Generator().manual_seed(self.seed + epoch)
        perm = torch.randperm(len(self.lengths), generator=g)
        batches = []
        for chunk in perm.split(self.batch_size * self.group):
            chunk = chunk[torch.argsort(self.lengths[chunk], stable=True)]
            batches += [b for b in chunk.split(self.batch_size) if len(b) == self.batch_size]
        order = torch.randperm(len(batches), generator=g).tolist()
        return [batches[i].tolist() for i in order]

    def __iter__(self):
        skip = 0
        if self._resume is not None:
            epoch, skip = self._resume
            self._resume = None
            # Lightning's epoch counter can disagree with the step (a run resumed after it
            # ended at an epoch boundary): the step decides, and that is no user's concern.
            if epoch != self.epoch:
                log.info(
                    "Resuming the data stream in epoch %d (from the step), not %d",
                    epoch,
                    self.epoch,
                )
                self.epoch = epoch
        for batch in self.batch_order(self.epoch)[skip:]:
            yield from batch
