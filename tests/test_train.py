"""End to end, as a user runs it: train.py, then eval.py and generate.py on its checkpoint."""

import csv
import json
from pathlib import Path

import pytest
import torch

from tests.conftest import build_module, run_script
from tinythink.data.jsonl import read_handwritten


def _run_dir(log_dir: Path, task: str = "debug") -> Path:
    (run,) = (log_dir / task / "runs").iterdir()
    return run


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    log_dir = tmp_path_factory.mktemp("logs")
    home = tmp_path_factory.mktemp("home")
    env = {
        "HOME": str(home),
        "WANDB_CACHE_DIR": str(home / "c"),
        "WANDB_DATA_DIR": str(home / "d"),
        "WANDB_CONFIG_DIR": str(home / "cfg"),
        "MPLCONFIGDIR": str(home / "mpl"),
    }
    result = run_script(
        "train.py", "debug=fast", "logger=[wandb,csv]", f"paths.log_dir={log_dir}", env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Held-out answer accuracy" in result.stdout
    assert "  handwritten " in result.stdout  # beside test and ood in the summary
    assert "wandb sync" in result.stdout + result.stderr
    # Known library noise is silenced at its source (tinythink.training.noise).
    said = result.stdout + result.stderr
    for noise in ("litlogger", "LeafSpec", "is not supported by the model summary", "FLOPs: 0"):
        assert noise not in said, noise
    # debug=fast's model; 6N + 12*L*d*T = 6*(43,168 - 5*32) + 12*2*32*512 = 651,264.
    assert (
        "Model: 43,168 parameters (cap 2,000,000): 2 layers, d_model 32, 2 heads; "
        "0.7 M training FLOPs per token at length 512"
    ) in said
    return _run_dir(log_dir)


@pytest.mark.slow
def test_run_writes_checkpoint_metrics_wandb_and_config(trained):
    ckpts = {p.name for p in (trained / "checkpoints").iterdir()}
    assert {"best.ckpt", "last.ckpt", "tokenizer.json"} <= ckpts
    rows = list(csv.DictReader((trained / "csv" / "metrics.csv").open()))
    assert any(r.get("train/loss") for r in rows)
    assert any(r.get("val/answer_acc") for r in rows)
    (offline,) = (trained / "wandb").glob("offline-run-*")
    assert list(offline.glob("run-*.wandb"))
    results = json.loads((trained / "results.json").read_text())
    assert results["status"] == "finished"
    assert results["num_params"] == 43_168  # the micro preset
    assert 0.0 <= results["metrics"]["test/answer_acc"] <= 1.0
    assert "ood/answer_acc" in results["metrics"]
    # The hand-written set is scored at the end of every run, every row of it.
    handwritten = read_handwritten()
    assert results["metrics"]["handwritten/n_scored"] == len(handwritten)
    assert 0.0 <= results["metrics"]["handwritten/answer_acc"] <= 1.0
    assert "d_model: 32" in (trained / "config.yaml").read_text()  # resolved config


@pytest.mark.slow
def test_checkpoint_loads_with_weights_only(trained):
    ckpt = torch.load(trained / "checkpoints" / "best.ckpt", weights_only=True)
    assert ckpt["hyper_parameters"]["model"]["d_model"] == 32
    assert "<think>" in ckpt["tokenizer"]
    assert ckpt["datamodule_hyper_parameters"]["format"] == "cot"


@pytest.mark.slow
def test_eval_and_generate_on_the_checkpoint(trained, tmp_path):
    ckpt = trained / "checkpoints" / "best.ckpt"
    result = run_script(
        "eval.py",
        f"ckpt={ckpt}",
        f"paths.log_dir={tmp_path}",
        "limit=8",
        "max_new_tokens=32",
        "decoding.samples=3",
        "wandb.mode=offline",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "test: answer accuracy (8 problems)" in result.stdout
    assert "ood: answer accuracy (8 problems)" in result.stdout
    assert "handwritten: answer accuracy (8 problems)" in result.stdout  # scored by default
    report = json.loads((_run_dir(tmp_path, "eval") / "eval_results.json").read_text())
    assert set(report["splits"]) == {"test", "ood", "handwritten"}
    assert "acc/steps_1" in report["splits"]["test"]["greedy"]
    # sampling and self-consistency are reported beside greedy
    assert {"greedy", "sampled", "vote@3"} <= set(report["splits"]["test"])
    assert list(_run_dir(tmp_path, "eval").glob("wandb/offline-run-*/run-*.wandb"))

    result = run_script(
        "generate.py", f"ckpt={ckpt}", "prompt=Mia has 3 apples. How many?", "max_new_tokens=16"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("Q: Mia has 3 apples. How many?")


def test_over_the_cap_fails_fast_with_the_cap_message(tmp_path):
    result = run_script(
        "train.py", "model=tiny", "model.n_layer=40", f"paths.log_dir={tmp_path}", "logger=csv"
    )
    assert result.returncode == 2
    assert "8,104,064 parameters, over the cap of 2,000,000" in result.stderr
    assert "n_layer=40" in result.stderr
    assert list((tmp_path / "train" / "runs").iterdir()) == []  # the run never started


def test_eval_on_a_missing_checkpoint(tmp_path):
    result = run_script("eval.py", f"ckpt={tmp_path}/nope.ckpt", f"paths.log_dir={tmp_path}")
    assert result.returncode == 2
    assert f"checkpoint not found: {tmp_path}/nope.ckpt" in result.stderr


def test_nonfinite_loss_stops_with_last_good_weights(tmp_path, monkeypatch):
    """A NaN loss stops the run before backward; the saved weights are the good ones."""
    from tinythink.training import module as module_lib

    calls = {"n": 0}
    real_loss = module_lib.TrainingModule._loss

    def loss_turning_nan(self, batch):
        loss, n = real_loss(self, batch)
        calls["n"] += 1
        return (loss * float("nan"), n) if calls["n"] >= 3 else (loss, n)

    monkeypatch.setattr(module_lib.TrainingModule, "_loss", loss_turning_nan)
    from hydra import compose, initialize_config_dir

    from tinythink.cli import CONFIG_DIR
    from tinythink.train import train

    with initialize_config_dir(CONFIG_DIR, version_base="1.3"):
        cfg = compose(
            "train",
            overrides=[
                "debug=fast",
                "logger=none",
                "test=false",
                f"paths.log_dir={tmp_path}",
                f"paths.run_dir={tmp_path}/run",
                f"paths.root_dir={tmp_path}",
                "callbacks.progress_bar=null",
            ],
        )
    with pytest.raises(FloatingPointError, match=r"became nan at step 2.*last-good\.ckpt"):
        train(cfg)
    ckpt = torch.load(tmp_path / "run" / "checkpoints" / "last-good.ckpt", weights_only=True)
    assert ckpt["global_step"] == 3  # Lightning counts the skipped step; no update was applied
    assert all(torch.isfinite(v).all() for v in ckpt["state_dict"].values())


@pytest.mark.parametrize(
    ("requested", "cuda", "fast_cpu_bf16", "expected"),
    [
        ("auto", False, True, "bf16-mixed"),  # AMX / AVX-512 BF16 CPU
        ("auto", False, False, "32-true"),  # other CPUs: bf16 would be emulated
        ("auto", True, True, "32-true"),  # GPU: launch-bound at this size, TF32 matmuls
        ("16-mixed", True, True, "16-mixed"),  # an explicit choice is kept
    ],
)
def test_auto_precision(monkeypatch, requested, cuda, fast_cpu_bf16, expected):
    import tinythink.devices as devices

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(devices, "cpu_has_fast_bf16", lambda: fast_cpu_bf16)
    before = torch.get_float32_matmul_precision()
    try:
        assert devices.choose_precision(requested, "auto") == expected
        tf32 = requested == "auto" and cuda
        assert torch.get_float32_matmul_precision() == ("high" if tf32 else before)
    finally:
        torch.set_float32_matmul_precision(before)


@pytest.mark.slow
def test_compiled_training_forward_matches_eager_and_keeps_checkpoint_keys():
    shape = {"vocab_size": 64, "d_model": 32, "n_layer": 2, "n_head": 2, "max_seq_len": 64}
    torch.manual_seed(0)
    eager = build_module(shape)
    compiled = build_module(shape, compile=True)
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
        build_module({"vocab_size": 64, "d_model": 32, "n_layer": 1, "n_head": 2}, compile="ture")


def test_every_module_setting_has_one_home_in_the_yaml():
    """conf/module/default.yaml holds the settings; the class repeats none as a default."""
    import inspect

    from omegaconf import OmegaConf

    from tinythink.training.module import TrainingModule

    conf = OmegaConf.load(Path(__file__).resolve().parents[1] / "conf" / "module" / "default.yaml")
    params = inspect.signature(TrainingModule.__init__).parameters
    assert set(conf) - {"_target_"} == set(params) - {"self"}  # each yaml key is an argument
    assert [n for n, p in params.items() if p.default is not inspect.Parameter.empty] == []
    module = build_module({"vocab_size": 64, "d_model": 32, "n_layer": 1, "n_head": 2})
    assert module.hparams.optim == OmegaConf.to_container(conf.optim)  # the yaml's, unchanged
    assert module.hparams.eval == {"max_new_tokens": 384, "batch_size": 128, "n_samples_logged": 16}
    assert module.hparams.compile is False
