"""The training module: its settings' one home, compiled training, accuracy over DDP shards."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import ROOT, build_module
from tests.presets import preset_values


@pytest.mark.slow
def test_compiled_training_forward_matches_eager_and_keeps_checkpoint_keys():
    shape = {**preset_values("micro"), "vocab_size": 64, "max_seq_len": 64}
    torch.manual_seed(0)
    eager = build_module(shape, position_scale=None)  # the same positions in both
    compiled = build_module(shape, compile=True, position_scale=None)
    compiled.load_state_dict(eager.state_dict())
    assert list(compiled.state_dict()) == list(eager.state_dict())  # no `_orig_mod.` keys
    assert compiled.hparams.compile is True and eager.hparams.compile is False

    inputs = torch.randint(0, 64, (4, 32))
    targets = torch.full((4, 32), -100)
    targets[:, 16:] = inputs[:, 16:]
    batch = {"inputs": inputs, "targets": targets}
    loss_eager, n_eager = eager._loss(batch)
    loss_compiled, n_compiled = compiled._loss(batch)
    assert n_compiled == n_eager == 64
    assert loss_compiled.item() == pytest.approx(loss_eager.item(), rel=1e-5)
    assert list(compiled.state_dict()) == list(eager.state_dict())  # still, once compiled
    loss_compiled.backward()
    assert compiled.net.lm_head.weight.grad is not None


def test_compile_must_be_a_bool():
    with pytest.raises(ValueError, match=r"module\.compile must be true or false, got 'ture'"):
        build_module({**preset_values("micro"), "vocab_size": 64, "n_layer": 1}, compile="ture")


def test_scaled_positions_train_at_a_random_scale_and_generate_at_scale_one():
    from tinythink.training.module import scaled_positions

    shape = {**preset_values("micro"), "vocab_size": 64, "max_seq_len": 64}
    torch.manual_seed(0)
    module = build_module(shape, position_scale=[0.5, 2.0])
    inputs = torch.randint(0, 64, (256, 40))
    positions = scaled_positions(inputs.shape, [0.5, 2.0], inputs.device)
    factors = positions[:, 1]  # position 1 of each row is its factor
    assert positions[:, 0].eq(0).all() and torch.allclose(
        positions, positions[:, 1:2] * torch.arange(40)
    )
    assert 0.5 <= factors.min() < 0.6 and 1.9 < factors.max() <= 2.0  # the range, both ends
    assert 0.4 < (factors < 1).float().mean() < 0.6  # log-uniform: 1 is the middle
    # Float positions at factor 1 are the plain RoPE tables: generation is unchanged.
    plain = module.net(inputs[:2])
    at_one = module.net(inputs[:2], position_ids=torch.arange(40.0).expand(2, 40))
    assert torch.equal(plain, at_one)
    # Training applies a scale (the loss differs from plain positions); eval does not.
    plain_module = build_module(shape, position_scale=None)
    plain_module.load_state_dict(module.state_dict())
    batch = {"inputs": inputs[:8], "targets": inputs[:8]}
    module.eval(), plain_module.eval()
    assert module._loss(batch)[0] == plain_module._loss(batch)[0]
    module.train(), plain_module.train()
    assert module._loss(batch)[0] != plain_module._loss(batch)[0]


@pytest.mark.parametrize("bad", [[2.0, 4.0], [0.5, 0.9], [0, 2], [1], "wide"])
def test_position_scale_must_contain_one(bad):
    with pytest.raises(
        ValueError,
        match=r"module\.position_scale must be null or \[low, high\] with 0 < low <= 1 <= high",
    ):
        build_module({**preset_values("micro"), "vocab_size": 64, "n_layer": 1}, position_scale=bad)


def test_every_module_setting_has_one_home_in_the_yaml():
    """conf/module/default.yaml holds the settings; the class repeats none as a default."""
    import inspect

    from omegaconf import OmegaConf

    from tinythink.training.module import TrainingModule

    conf = OmegaConf.load(ROOT / "conf" / "module" / "default.yaml")
    params = inspect.signature(TrainingModule.__init__).parameters
    assert set(conf) - {"_target_"} == set(params) - {"self"}  # each yaml key is an argument
    assert [n for n, p in params.items() if p.default is not inspect.Parameter.empty] == []
    module = build_module({**preset_values("micro"), "vocab_size": 64, "n_layer": 1})
    assert module.hparams.optim == OmegaConf.to_container(conf.optim)  # the yaml's, unchanged
    assert module.hparams.eval == {"max_new_tokens": 384, "batch_size": 128, "n_samples_logged": 16}
    assert module.hparams.compile is False


def _score_on_rank(rank: int, world: int, port: int, out: dict) -> None:
    """One gloo rank: score this rank's share with a stub solver, sync the metric."""
    from types import SimpleNamespace

    import torch.distributed as dist

    from tinythink.data.problem import Problem
    from tinythink.evaluation.metrics import AnswerAccuracy
    from tinythink.evaluation.scoring import Attempt
    from tinythink.training import module as module_lib

    dist.init_process_group(
        "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world
    )
    problems = [Problem(question=f"q{i}", answer=i) for i in range(37)]

    def solve(net, tokenizer, mine, **kw):  # right exactly when the answer is a multiple of 3
        return [Attempt(p, "", p.answer if p.answer % 3 == 0 else -1) for p in mine]

    module_lib.solve = solve
    lm = build_module({**preset_values("micro"), "vocab_size": 64, "d_model": 16, "n_layer": 1})
    dm = SimpleNamespace(eval_problems=lambda split: problems, tokenizer=None)
    lm._trainer = SimpleNamespace(datamodule=dm, world_size=world, global_rank=rank)
    metric = AnswerAccuracy()
    attempts = lm._score("test", metric)
    out[rank] = ([a.problem.answer for a in attempts], float(metric.compute()))
    dist.destroy_process_group()


@pytest.mark.slow
def test_ddp_answer_accuracy_is_the_sum_over_both_shards():
    """37 problems on 2 ranks: 19 + 18 scored, each once; the synced accuracy is exact."""
    import socket

    import torch.multiprocessing as mp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = mp.Manager().dict()
    mp.spawn(_score_on_rank, args=(2, port, out), nprocs=2, join=True)
    (mine0, acc0), (mine1, acc1) = out[0], out[1]
    assert (len(mine0), len(mine1)) == (19, 18)
    assert sorted(mine0 + mine1) == list(range(37))  # no duplicate, none dropped
    assert acc0 == acc1 == pytest.approx(13 / 37)  # 0, 3, ..., 36: 13 multiples of 3
