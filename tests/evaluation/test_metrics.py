"""AnswerAccuracy: lengths checked, state summed."""

import pytest
import torch

from tinythink.evaluation.metrics import AnswerAccuracy


def test_metric_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="2 predictions for 1 problems"):
        AnswerAccuracy().update([1, 2], [1])


def test_metric_state_is_summed():
    m = AnswerAccuracy()
    m.update([1], [1])
    m.update([None, 2], [3, 2])
    assert m.compute() == pytest.approx(2 / 3)
    assert m.total.dtype == torch.int64
