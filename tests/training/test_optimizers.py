"""optim.name=muon: who gets which parameters, and that Lightning steps it as a plain loop does."""

from __future__ import annotations

import copy
import itertools
import math
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from lightning.pytorch import Trainer
from lightning.pytorch.callbacks import timer as timer_module
from omegaconf import OmegaConf

from tests.conftest import ROOT, build_module
from tests.presets import preset
from tinythink.bench.batches import fixed_loader
from tinythink.model import TinyThinkLM
from tinythink.training.optimizers import OptimizerGroup, hidden_matrices, make_optimizer

OPTIM = OmegaConf.to_container(OmegaConf.load(ROOT / "conf" / "module" / "default.yaml").optim)
MUON = {**OPTIM, "name": "muon"}
SHAPE = {"d_model": 32, "n_layer": 2, "n_head": 2, "vocab_size": 64, "max_seq_len": 16}


def _net(seed: int = 0) -> TinyThinkLM:
    torch.manual_seed(seed)
    return TinyThinkLM(preset("micro", **SHAPE))


def _batches(n: int) -> list[dict[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(1)
    out = []
    for _ in range(n):
        tokens = torch.randint(0, 64, (4, 17), generator=g)
        out.append({"inputs": tokens[:, :-1], "targets": tokens[:, 1:]})
    return out


def _loss(net: torch.nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    logits = net(batch["inputs"])
    return F.cross_entropy(logits.flatten(0, 1).float(), batch["targets"].flatten())


def test_muon_takes_the_blocks_matrices_and_adamw_everything_else_once():
    net = _net()
    optimizer, _ = make_optimizer(net, MUON, total_steps=10)
    assert isinstance(optimizer, OptimizerGroup)
    muon, adamw = optimizer.optimizers
    assert isinstance(muon, torch.optim.Muon) and isinstance(adamw, torch.optim.AdamW)
    in_muon = {id(p) for g in muon.param_groups for p in g["params"]}
    in_adamw = {id(p) for g in adamw.param_groups for p in g["params"]}
    assert in_muon == {id(p) for p in hidden_matrices(net)}
    assert len(in_muon) == 2 * 7  # wq wk wv wo gate up down, per layer
    assert id(net.tok_emb.weight) in in_adamw  # the embedding, which is also the head
    assert not in_muon & in_adamw
    assert in_muon | in_adamw == {id(p) for p in net.parameters()}
    decayed = {id(p) for p in adamw.param_groups[0]["params"]}
    assert decayed == {id(net.tok_emb.weight)}  # norm gains are not decayed


def test_a_step_of_the_group_is_a_step_of_each_optimizer():
    net, alone = _net(), _net()
    optimizer, _ = make_optimizer(net, {**MUON, "warmup_steps": 0}, total_steps=10)  # full lr
    hidden = hidden_matrices(alone)
    rest = [p for p in alone.parameters() if all(p is not h for h in hidden)]
    muon = torch.optim.Muon(hidden, lr=OPTIM["lr"], weight_decay=OPTIM["weight_decay"],
                            adjust_lr_fn="match_rms_adamw")  # fmt: skip
    adamw = torch.optim.AdamW(
        [
            {"params": [p for p in rest if p.dim() >= 2], "weight_decay": OPTIM["weight_decay"]},
            {"params": [p for p in rest if p.dim() < 2], "weight_decay": 0.0},
        ],
        lr=OPTIM["lr"],
        betas=tuple(OPTIM["betas"]),
    )
    for batch in _batches(3):
        for model, steps in ((net, [optimizer]), (alone, [muon, adamw])):
            _loss(model, batch).backward()
            for opt in steps:
                opt.step()
                opt.zero_grad()
    for (name, a), b in zip(net.named_parameters(), alone.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6, msg=name)


def test_state_dict_round_trip_continues_identically():
    net = _net()
    optimizer, _ = make_optimizer(net, MUON, total_steps=10)
    batches = _batches(4)
    for batch in batches[:2]:
        _loss(net, batch).backward()
        optimizer.step()
        optimizer.zero_grad()
    copied = copy.deepcopy(net)
    resumed, _ = make_optimizer(copied, MUON, total_steps=10)
    # A copy, as from a checkpoint file: load_state_dict keeps the very tensors it is given.
    resumed.load_state_dict(copy.deepcopy(optimizer.state_dict()))
    for batch in batches[2:]:
        for model, opt in ((net, optimizer), (copied, resumed)):
            _loss(model, batch).backward()
            opt.step()
            opt.zero_grad()
    for a, b in zip(net.parameters(), copied.parameters(), strict=True):
        assert torch.equal(a, b)


def test_the_schedule_sets_both_optimizers_learning_rates():
    optimizer, schedule = make_optimizer(_net(), {**MUON, "warmup_steps": 4}, total_steps=10)
    muon, adamw = optimizer.optimizers
    assert muon.param_groups[0]["lr"] == adamw.param_groups[0]["lr"] == OPTIM["lr"] / 4
    optimizer.step()
    schedule.step()
    assert muon.param_groups[0]["lr"] == adamw.param_groups[1]["lr"] == OPTIM["lr"] * 2 / 4


def _factors(schedule: torch.optim.lr_scheduler.LambdaLR, steps: int) -> list[float]:
    """The schedule's LR factor (of optim.lr) after each of ``steps`` steps."""
    out = []
    for _ in range(steps):
        schedule.optimizer.step()
        schedule.step()
        out.append(schedule.get_last_lr()[0] / OPTIM["lr"])
    return out


def test_the_cosine_follows_the_clock_once_time_is_ahead_of_the_steps():
    """The time budget spent (a fraction) replaces the step fraction when it is larger:
    half the time gone at step 10 of 100 is the cosine's middle; all of it is the floor."""
    floor = OPTIM["min_lr_ratio"]
    spent = [0.0]
    optim = {**MUON, "warmup_steps": 2}
    _, schedule = make_optimizer(_net(), optim, total_steps=100, time_used=lambda: spent[0])
    _factors(schedule, 9)
    spent[0] = 0.05  # behind step 10's fraction (0.1): the step schedule, exactly
    assert _factors(schedule, 1)[0] == pytest.approx(
        floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * 8 / 98))
    )
    spent[0] = 0.5
    assert _factors(schedule, 1)[0] == pytest.approx(floor + (1 - floor) * 0.5)
    spent[0] = 1.3  # past the budget (the last step runs over): the floor, not beyond
    assert _factors(schedule, 1)[0] == pytest.approx(floor)


def test_with_no_step_limit_the_clock_alone_drives_the_cosine():
    spent = [0.0]
    _, schedule = make_optimizer(
        _net(), {**MUON, "warmup_steps": 2}, total_steps=math.inf, time_used=lambda: spent[0]
    )
    assert _factors(schedule, 5)[1:] == [1.0] * 4  # warmup, then the top while no time passes
    spent[0] = 0.25
    floor = OPTIM["min_lr_ratio"]
    assert _factors(schedule, 1)[0] == pytest.approx(
        floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi / 4))
    )


def test_a_run_ended_by_max_time_ends_its_cosine_at_the_floor(monkeypatch):
    """max_steps=-1, max_time one second: the run stops on time with the LR at the floor,
    having come down steadily (the schedule reads Lightning's Timer). The Timer's clock
    moves 10 ms each time it is read, so the run is the same on a busy machine."""
    now = [0.0]

    def clock() -> float:
        now[0] += 0.01
        return now[0]

    monkeypatch.setattr(timer_module, "time", SimpleNamespace(monotonic=clock))
    batches = _batches(1)
    config = preset("micro", **SHAPE).to_dict()
    optim = {**MUON, "warmup_steps": 5}
    lrs: list[float] = []

    class Recording(type(build_module(config, optim=optim))):
        def on_train_batch_end(self, outputs, batch, batch_idx):
            lrs.append(self.trainer.optimizers[0].param_groups[0]["lr"] / optim["lr"])

    module = Recording(
        model=config, optim=optim, eval=build_module(config).hparams.eval,
        compile=False, init_from=None, position_scale=None,
    )  # fmt: skip
    trainer = Trainer(
        max_steps=-1, max_epochs=-1, max_time={"seconds": 1}, accelerator="cpu",
        logger=False, enable_checkpointing=False, enable_progress_bar=False,
        enable_model_summary=False, limit_val_batches=0,
    )  # fmt: skip
    trainer.fit(module, train_dataloaders=fixed_loader(batches))
    assert 20 < len(lrs) < 100
    after_warmup = lrs[5:]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(after_warmup))
    assert after_warmup[0] > 0.8 and after_warmup[-1] == pytest.approx(
        OPTIM["min_lr_ratio"], abs=0.02
    )


def test_an_unknown_optimizer_is_refused_by_name():
    with pytest.raises(ValueError, match=r"module.optim.name='sgd' is not one of adamw, muon"):
        make_optimizer(_net(), {**OPTIM, "name": "sgd"}, total_steps=10)


@pytest.mark.parametrize(
    ("name", "max_time"), [("adamw", None), ("muon", None), ("adamw", "00:01:00:00")]
)
def test_lightning_trains_exactly_as_a_plain_loop(name, max_time):
    """Same losses, step by step (fp32, tolerance 1e-5): Lightning adds no hidden step, and a
    time limit that the steps fit in leaves the step schedule as it is."""
    optim = {**OPTIM, "name": name}
    batches = _batches(1) * 5  # one batch again and again: the loss must fall
    config = preset("micro", **SHAPE).to_dict()

    torch.manual_seed(0)
    module = build_module(config, optim=optim)
    seen: list[float] = []

    class Recording(type(module)):
        def training_step(self, batch, batch_idx):
            loss = super().training_step(batch, batch_idx)
            seen.append(float(loss))
            return loss

    torch.manual_seed(0)
    module = Recording(
        model=config,
        optim=optim,
        eval=module.hparams.eval,
        compile=False,
        init_from=None,
        position_scale=None,
    )
    trainer = Trainer(
        max_steps=len(batches), accelerator="cpu", precision="32-true", logger=False,
        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
        limit_val_batches=0, gradient_clip_val=1.0, max_time=max_time,
    )  # fmt: skip
    trainer.fit(module, train_dataloaders=fixed_loader(batches))

    torch.manual_seed(0)
    net = TinyThinkLM(preset("micro", **SHAPE))
    optimizer, schedule = make_optimizer(net, optim, total_steps=len(batches))
    plain = []
    for batch in batches:
        loss = _loss(net, batch)
        plain.append(float(loss))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
    assert seen == pytest.approx(plain, abs=1e-5)
    assert plain[-1] < plain[0]
