"""Answer accuracy as a torchmetrics ``Metric``: counts are summed across ranks under DDP."""

from __future__ import annotations

import torch
from torchmetrics import Metric


class AnswerAccuracy(Metric):
    """Exact match of predicted integer answers; ``None`` (no answer found) is wrong.

    Each rank scores its own, non-overlapping share of the problems and the
    ``correct``/``total`` sums are all-reduced, so the result is exact: no
    problem is counted twice (as a padded ``DistributedSampler`` would).
    """

    full_state_update = False
    higher_is_better = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.add_state("correct", default=torch.tensor(0), dist_reduce_fx="sum")
        self.add_state("total", default=torch.tensor(0), dist_reduce_fx="sum")

    def update(self, predicted: list[int | None], expected: list[int]) -> None:
        if len(predicted) != len(expected):
            raise ValueError(f"{len(predicted)} predictions for {len(expected)} problems")
        self.correct += sum(
            p is not None and p == e for p, e in zip(predicted, expected, strict=True)
        )
        self.total += len(expected)

    def compute(self) -> torch.Tensor:
        return self.correct.float() / self.total.clamp(min=1)
