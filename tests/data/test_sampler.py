"""The train sampler resumes mid-epoch in the order an uninterrupted run would see."""

from __future__ import annotations

import torch

from tinythink.data.sampler import LengthGroupedSampler


def test_sampler_resumes_mid_epoch_in_the_same_order():
    lengths = torch.randint(5, 60, (100,), generator=torch.Generator().manual_seed(0))
    full = LengthGroupedSampler(lengths, batch_size=8, seed=3)
    assert full.batches_per_epoch == 12
    epoch0 = list(full)
    full.set_epoch(1)
    epoch1 = list(full)
    assert epoch0 != epoch1 and sorted(epoch0) == sorted(epoch1)

    resumed = LengthGroupedSampler(lengths, batch_size=8, seed=3)
    resumed.resume_at(5)  # 5 batches trained: the next index is the 41st of epoch 0
    assert list(resumed) == epoch0[40:]
    assert list(resumed) == epoch0  # the skip is used once; the next pass is whole

    resumed = LengthGroupedSampler(lengths, batch_size=8, seed=3)
    resumed.set_epoch(1)
    resumed.resume_at(12 + 3)  # step 15 = epoch 1, batch 3
    assert list(resumed) == epoch1[24:]
