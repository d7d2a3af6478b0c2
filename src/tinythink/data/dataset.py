"""One split's token rows as a Dataset that cuts whole batches by tensor indexing.

The rows arrive padded in one array (built by :mod:`tinythink.data.cache`); a batch
is a slice of it, trimmed to its longest row and masked for the loss. No Python work
per token, so the loader needs no workers and no collate step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

IGNORE_INDEX = -100  # targets the loss skips (prompt under loss_on=answer, padding)
# Batch widths are rounded up to a multiple of this. On CPU, oneDNN compiles kernels
# per shape (bf16 above all) and keeps a bounded cache: ~200 distinct widths thrash it
# and a step gets 10x slower; a handful of widths compile once.
WIDTH_MULTIPLE = 32


class TokenRows(Dataset):
    """Padded token rows of one split; ``__getitems__`` builds a whole batch at once."""

    def __init__(
        self,
        tokens: np.ndarray,
        lengths: np.ndarray,
        prompt_lens: np.ndarray,
        *,
        pad_id: int,
        answer_only: bool,
    ) -> None:
        # Room for the widest rounded-up batch: inputs and targets of WIDTH_MULTIPLE * k.
        need = -(-(tokens.shape[1] - 1) // WIDTH_MULTIPLE) * WIDTH_MULTIPLE + 1
        self.tokens = torch.nn.functional.pad(
            torch.from_numpy(tokens), (0, need - tokens.shape[1]), value=pad_id
        )
        self.lengths = torch.from_numpy(lengths).long()
        self.prompt_lens = torch.from_numpy(prompt_lens).long()
        self.pad_id = pad_id
        self.answer_only = answer_only

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitems__(self, indices: list[int]) -> dict[str, torch.Tensor]:
        idx = torch.as_tensor(indices)
        lengths = self.lengths[idx]
        # Trim the batch to its longest row, rounded up to a few fixed widths.
        width = -(-(int(lengths.max()) - 1) // WIDTH_MULTIPLE) * WIDTH_MULTIPLE + 1
        rows = self.tokens[idx, :width].long()
        inputs, targets = rows[:, :-1], rows[:, 1:].clone()
        pos = torch.arange(width - 1)
        scored = pos[None, :] < (lengths - 1)[:, None]
        if self.answer_only:  # score only what follows the prompt: thinking, answer, eos
            scored &= pos[None, :] >= (self.prompt_lens[idx] - 1)[:, None]
        targets[~scored] = IGNORE_INDEX
        return {"inputs": inputs, "targets": targets}

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return self.__getitems__([index])


def already_batched(batch: Any) -> Any:
    """The DataLoader's ``collate_fn``: :meth:`TokenRows.__getitems__` made the batch."""
    return batch
