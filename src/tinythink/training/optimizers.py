"""The optimizer and learning-rate schedule of a run: AdamW, or Muon for the hidden matrices.

``optim.name=adamw`` (the default) is AdamW on everything, no decay on the norm
gains. ``optim.name=muon`` gives the 2-D weights inside the blocks (attention and
MLP projections) to ``torch.optim.Muon`` and the rest (the embedding, which is
also the output head, and the norm gains) to AdamW: Muon orthogonalises a matrix's
update, which suits hidden weights and not a lookup table. Muon's
``adjust_lr_fn="match_rms_adamw"`` scales its step to AdamW's size, so one ``lr``
and one schedule serve both. Both go to Lightning as one optimizer
(:class:`OptimizerGroup`), so automatic optimization, gradient clipping,
checkpoints and the schedule work unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

OPTIMIZERS = ("adamw", "muon")


class OptimizerGroup(torch.optim.Optimizer):
    """Several optimizers over disjoint parameters, stepped and saved as one.

    ``param_groups`` is the concatenation of theirs (the same dicts), so an LR
    schedule or gradient clipping that walks them reaches every parameter.
    """

    def __init__(self, optimizers: list[torch.optim.Optimizer]) -> None:
        # Not Optimizer.__init__: the parameters already belong to the inner optimizers.
        self.optimizers = optimizers
        self.defaults: dict[str, Any] = {}
        self._optimizer_step_pre_hooks: dict = {}
        self._optimizer_step_post_hooks: dict = {}

    @property
    def param_groups(self) -> list[dict[str, Any]]:  # type: ignore[override]
        return [group for opt in self.optimizers for group in opt.param_groups]

    @property
    def state(self) -> dict:  # type: ignore[override]
        return {p: s for opt in self.optimizers for p, s in opt.state.items()}

    @torch.no_grad()
    def step(self, closure: Any = None) -> Any:  # type: ignore[override]
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for opt in self.optimizers:
            opt.step()
        return loss

    def zero_grad(self, set_to_none: bool = True) -> None:
        for opt in self.optimizers:
            opt.zero_grad(set_to_none=set_to_none)

    def state_dict(self) -> dict[str, Any]:  # type: ignore[override]
        return {"optimizers": [opt.state_dict() for opt in self.optimizers]}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:  # type: ignore[override]
        saved = state_dict["optimizers"]
        if len(saved) != len(self.optimizers):
            raise ValueError(f"state for {len(saved)} optimizers, this has {len(self.optimizers)}")
        for opt, state in zip(self.optimizers, saved, strict=True):
            opt.load_state_dict(state)

    def __repr__(self) -> str:
        return f"OptimizerGroup({', '.join(type(o).__name__ for o in self.optimizers)})"


def hidden_matrices(net: nn.Module) -> list[nn.Parameter]:
    """The 2-D weights inside the transformer blocks: what Muon updates."""
    blocks = getattr(net, "blocks", None)
    if blocks is None:
        raise ValueError("optim.name=muon needs a model with transformer blocks (net.blocks)")
    return [p for p in blocks.parameters() if p.requires_grad and p.dim() == 2]


def make_optimizer(
    net: nn.Module,
    optim: dict[str, Any],
    total_steps: float,
    time_used: Callable[[], float] | None = None,
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
    """The optimizer ``optim`` names, with linear warmup, then cosine to ``lr * min_lr_ratio``.

    The cosine runs over whichever budget ends the run first: ``total_steps`` (``inf``:
    no step limit), or the time budget, of which ``time_used()`` gives the fraction spent
    (0 to 1). On a machine too slow for the steps, the decay follows the clock and ends
    when the time does, instead of being cut half-way; while the steps keep ahead of the
    clock, the schedule is the step schedule exactly (the same on every machine, so runs
    stay repeatable).
    """
    name = optim.get("name", "adamw")  # checkpoints from before the option are AdamW runs
    if name not in OPTIMIZERS:
        raise ValueError(f"module.optim.name={name!r} is not one of {', '.join(OPTIMIZERS)}")
    decay, lr = optim["weight_decay"], optim["lr"]
    if name == "adamw":
        optimizer: torch.optim.Optimizer = torch.optim.AdamW(
            net.param_groups(decay), lr=lr, betas=tuple(optim["betas"]), foreach=True
        )
    else:
        hidden = hidden_matrices(net)
        taken = {id(p) for p in hidden}
        rest = [p for p in net.parameters() if p.requires_grad and id(p) not in taken]
        adamw = torch.optim.AdamW(
            [
                {"params": [p for p in rest if p.dim() >= 2], "weight_decay": decay},
                {"params": [p for p in rest if p.dim() < 2], "weight_decay": 0.0},
            ],
            lr=lr,
            betas=tuple(optim["betas"]),
            foreach=True,
        )
        muon = torch.optim.Muon(
            hidden,
            lr=lr,
            weight_decay=decay,
            momentum=optim["muon_momentum"],
            adjust_lr_fn="match_rms_adamw",
        )
        optimizer = OptimizerGroup([muon, adamw])
    warmup = int(min(optim["warmup_steps"], total_steps // 2))
    floor = optim["min_lr_ratio"]

    def lr_factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total_steps - warmup)
        if time_used is not None:
            spent = time_used()
            if spent > step / total_steps:  # the clock, not the step count, ends this run
                progress = spent
        progress = min(1.0, progress)
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
