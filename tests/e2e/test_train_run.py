"""A whole train.py run as a user starts it, then eval.py and generate.py on its checkpoint."""

import csv
import json
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf

from tests.conftest import run_script
from tinythink.asking import render
from tinythink.checkpoints import load_checkpoint
from tinythink.data.jsonl import read_handwritten
from tinythink.data.problem import Problem, extract_answer
from tinythink.eval import builtin_splits
from tinythink.evaluation.scoring import solve, summarize


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

    # last.ckpt is the end of training: debug=fast's 10 steps.
    last = torch.load(trained / "checkpoints" / "last.ckpt", weights_only=True)
    assert last["global_step"] == 10
    # best.ckpt holds the best val/answer_acc of metrics.csv (the first to reach it: a
    # tie is no improvement), saved at that validation's step.
    val = [(int(r["step"]), float(r["val/answer_acc"])) for r in rows if r.get("val/answer_acc")]
    assert [s for s, _ in val] == [4, 9]  # val_check_interval=5: after steps 5 and 10
    top = max(acc for _, acc in val)
    best_row_step = next(s for s, acc in val if acc == top)
    best = torch.load(trained / "checkpoints" / "best.ckpt", weights_only=True)
    (state,) = [v for k, v in best["callbacks"].items() if k.startswith("ModelCheckpoint")]
    assert float(state["best_model_score"]) == pytest.approx(top, abs=1e-7)
    assert state["best_model_path"].endswith("best.ckpt")
    assert best["global_step"] == best_row_step + 1


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
    eval_dir = _run_dir(tmp_path, "eval")
    report = json.loads((eval_dir / "eval_results.json").read_text())
    assert set(report["splits"]) == {"test", "ood", "handwritten"}
    assert "acc/steps_1" in report["splits"]["test"]["greedy"]
    # sampling, self-consistency and pass@k are reported beside greedy
    test = report["splits"]["test"]
    assert {"greedy", "sampled", "vote@3", "pass@3"} <= set(test)
    assert test["pass@3"]["acc_all"] >= max(test["sampled"]["acc_all"], test["vote@3"]["acc_all"])
    assert list(_run_dir(tmp_path, "eval").glob("wandb/offline-run-*/run-*.wandb"))
    # The figures are the checkpoint's: the same problems scored here, greedily with the
    # same budget, give the same completion for each problem and the same summary.
    loaded = load_checkpoint(ckpt)
    assert report["step"] == loaded.step
    settings = OmegaConf.create(
        {"splits": ["test", "ood", "handwritten"], "paths": {"cache_dir": str(tmp_path / "c")}}
    )
    for split, problems in builtin_splits(settings, loaded).items():
        attempts = solve(loaded.model, loaded.tokenizer, problems[:8], max_new_tokens=32)
        written = [json.loads(line) for line in (eval_dir / f"attempts_{split}.jsonl").open()]
        assert written == [
            {
                **a.problem.to_dict(),
                "completion": a.completion,
                "predicted": a.predicted,
                "correct": a.correct,
            }
            for a in attempts
        ], split
        assert report["splits"][split]["greedy"] == summarize(attempts), split

    result = run_script(
        "generate.py", f"ckpt={ckpt}", "prompt=Mia has 3 apples. How many?", "max_new_tokens=16"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("Q: Mia has 3 apples. How many?")
    # What generate.py shows is the checkpoint's greedy completion, rendered: the same as
    # scoring that question in this process, answer included.
    question = "Mia has 3 apples. How many?"
    (attempt,) = solve(
        loaded.model, loaded.tokenizer, [Problem(question, answer=0)], max_new_tokens=16
    )
    assert result.stdout == f"Q: {question}\n{render(attempt.completion)}\n"
    assert extract_answer(result.stdout) == attempt.predicted
