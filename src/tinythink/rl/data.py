"""The RL stage's problems: candidates, the ones kept where they teach, and their batches.

Validation, test, ood and hand-written scoring are those of
:class:`~tinythink.data.datamodule.ThinkingDataModule` with the same data settings,
so an RL run is scored on exactly the problems its starting model was. Training
serves lists of :class:`Problem` (the policy writes its own completions), drawn from
``candidates``: fresh generated problems of the train split's difficulty (another
seed stream than the SFT rows, and only questions hashed into the train bucket, so
never a val or test question), or a user's JSONL file.

Before training, the stage samples each candidate ``select_samples`` times with the
starting model (:meth:`RLModule.on_fit_start`) and keeps those :data:`KEEP` says:
a problem the model always solves, or never does, gives every sample the same
reward and so no gradient. ``keep=all`` trains on every candidate unmeasured.
The chosen indices are part of the datamodule's state: a resumed run trains on the
same problems without measuring again.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import torch
from torch.utils.data import DataLoader

from tinythink.data import generator as gen
from tinythink.data.datamodule import ThinkingDataModule
from tinythink.data.jsonl import read_jsonl
from tinythink.data.problem import Problem, prompt_text
from tinythink.data.sampler import LengthGroupedSampler
from tinythink.data.tokenizer import encode

log = logging.getLogger(__name__)

# Which measured candidates train: 0 < right < samples | right < samples | every one.
KEEP = ("sometimes", "not_always", "all")


class RLDataModule(ThinkingDataModule):
    """ThinkingDataModule whose training batches are problems for the policy to solve.

    ``rl`` (``conf/data/rl.yaml``): ``path`` (a JSONL file, or null for the generator),
    ``n_candidates``, ``seed``, ``min_steps``/``max_steps`` (generated candidates),
    ``select_samples``, ``keep`` and ``problems_per_step``.
    """

    def __init__(self, *, rl: dict[str, Any], **data: Any) -> None:
        super().__init__(**data)
        rl = dict(rl)
        if rl["keep"] not in KEEP:
            raise ValueError(f"data.rl.keep={rl['keep']!r}: expected one of {', '.join(KEEP)}")
        for name in ("n_candidates", "select_samples", "problems_per_step"):
            value = rl[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"data.rl.{name} must be a positive integer, got {value!r}")
        if rl["path"] is None and self.source != "generated":
            raise ValueError(
                "data.rl.path=null draws RL problems from the built-in generator, which "
                "data=jsonl does not use: give data.rl.path=/path/to/problems.jsonl"
            )
        if rl["path"] is None:
            train = self.gen_cfg.train
            low, high = rl["min_steps"], rl["max_steps"]
            if not train.min_steps <= low <= high <= train.max_steps:
                raise ValueError(
                    f"data.rl.min_steps={low}, max_steps={high}: candidates keep to the "
                    f"training difficulty, {train.min_steps} to {train.max_steps} steps; "
                    "pick values in that range with min_steps <= max_steps"
                )
        self.rl = rl
        self.candidates: list[Problem] = []
        self.chosen: list[int] | None = None  # indices into candidates, once measured
        self.selection: dict[str, float] = {}  # what the measurement found, for the log

    # --- candidates -------------------------------------------------------------------------

    def setup(self, stage: str | None = None) -> None:
        super().setup(stage)
        if stage in (None, "fit") and not self.candidates:
            self.candidates = self._make_candidates()

    def _make_candidates(self) -> list[Problem]:
        rl, n = self.rl, self.rl["n_candidates"]
        if rl["path"] is not None:
            problems = read_jsonl(rl["path"], option="data.rl.path")[:n]
        else:
            difficulty = dataclasses.replace(
                self.gen_cfg.train, min_steps=rl["min_steps"], max_steps=rl["max_steps"]
            )
            stream = gen.iter_problems(
                difficulty, rl["seed"], "train", self.gen_cfg.plan, self.gen_cfg.restate
            )
            # A story may need fewer operations than it was drawn with: keep to the range.
            within = (p for p in stream if rl["min_steps"] <= p.steps <= rl["max_steps"])
            problems = gen.take_unique(within, n)
        # A prompt needs room for the thinking after it; longer ones could never be answered.
        room = self.max_seq_len // 2
        fits = [p for p in problems if len(encode(self.tokenizer, prompt_text(p.question))) < room]
        if len(fits) < len(problems):
            log.warning(
                "RL: %d of %d problems have prompts over %d tokens and are left out",
                len(problems) - len(fits),
                len(problems),
                room,
            )
        return fits

    def choose_all(self) -> None:
        """``keep=all``: every candidate trains, unmeasured."""
        self.chosen = list(range(len(self.candidates)))
        self.selection = {
            "candidates": float(len(self.candidates)),
            "kept": float(len(self.chosen)),
        }
        if len(self.chosen) < self.rl["problems_per_step"]:
            raise ValueError(
                f"RL: {len(self.chosen)} candidates, fewer than data.rl.problems_per_step="
                f"{self.rl['problems_per_step']}; raise data.rl.n_candidates"
            )

    def choose(self, right: list[int], samples: int) -> dict[str, float]:
        """Keep the candidates ``keep`` asks for, given how many of ``samples`` were right."""
        if len(right) != len(self.candidates):
            raise ValueError(f"{len(right)} counts for {len(self.candidates)} candidates")
        keep = self.rl["keep"]
        chosen = [
            i
            for i, r in enumerate(right)
            if keep == "all" or (r < samples and (keep == "not_always" or r > 0))
        ]
        n = max(1, len(right))
        self.selection = {
            "candidates": float(len(right)),
            "kept": float(len(chosen)),
            "always": sum(r == samples for r in right) / n,
            "never": sum(r == 0 for r in right) / n,
            "sample_acc": sum(right) / (n * samples),
        }
        if len(chosen) < self.rl["problems_per_step"]:
            raise ValueError(
                f"RL: only {len(chosen)} of {len(right)} candidates are kept by "
                f"data.rl.keep={keep} (the starting model solves "
                f"{self.selection['always']:.0%} every time and {self.selection['never']:.0%} "
                f"never), fewer than data.rl.problems_per_step="
                f"{self.rl['problems_per_step']}; raise data.rl.n_candidates or use "
                "data.rl.keep=all"
            )
        self.chosen = chosen
        return self.selection

    # --- serving ----------------------------------------------------------------------------

    def train_dataloader(self) -> DataLoader:
        if self.chosen is None:
            raise RuntimeError("RLDataModule.choose must run before training (RLModule does it)")
        problems = [self.candidates[i] for i in self.chosen]
        # Similar question lengths in one step: less left padding when sampling.
        lengths = torch.tensor([len(p.question) for p in problems])
        sampler = LengthGroupedSampler(lengths, self.rl["problems_per_step"], self.seed, group=8)
        return DataLoader(
            problems,
            batch_size=self.rl["problems_per_step"],
            sampler=sampler,
            drop_last=True,
            collate_fn=list,
        )

    def transfer_batch_to_device(
        self, batch: Any, device: torch.device, dataloader_idx: int
    ) -> Any:
        if isinstance(batch, list):  # a training batch is problems (text), not tensors
            return batch
        return super().transfer_batch_to_device(batch, device, dataloader_idx)

    def state_dict(self) -> dict[str, Any]:
        if self.chosen is None:
            return {}
        return {"chosen": list(self.chosen), "selection": dict(self.selection)}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if "chosen" in state_dict:
            self.chosen = [int(i) for i in state_dict["chosen"]]
            self.selection = dict(state_dict.get("selection", {}))
