"""``python -m tinythink.bench``: what the framework costs, and how fast training and eval run.

One run, one machine, five figures (``docs/performance.md`` shows a real run):

1. **training**: tokens/s of the Lightning loop (the real ``ThinkingLM`` in a
   ``Trainer`` with loggers, checkpoints and progress bar off) against a
   minimal plain PyTorch loop written below (same model, batches, precision,
   AdamW, schedule and gradient clipping). Their ratio is the headline.
2. **precision**: the same in fp32 and bf16 autocast, whether this CPU runs
   bf16 fast, and which precision ``trainer.precision=auto`` picks.
3. **mfu**: model FLOPs utilisation against a matmul peak measured in this run
   for each precision (and the nominal peak of a known GPU).
4. **eval**: problems/s of greedy answering (:func:`solve`) batched with the
   KV cache, batched without it, and one problem at a time without it.
5. **data**: batches/s of the DataModule's train loader alone against the
   batches/s training consumes.

Beside them: Lightning's own cost per step in milliseconds (a micro model, where
compute can't hide it) and, as an extra, causal SDPA forward + backward alone in
each precision.

Both training loops get the same fixed-length batches, cut from real training
rows packed end to end (``seq_len`` tokens per row, loss on every position),
so every step costs the same and the comparison is not at the mercy of which
rows a step drew. On a shared machine load comes and goes, so the two loops
alternate within each repeat (ABBA order), runs that another process slowed
(low cpu share) are left out, and the report gives medians, the per-repeat
ratio and the spread (min-max over repeats).
"""

from __future__ import annotations

import logging
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import hydra
import lightning as L
import torch
import torch.nn.functional as F
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from lightning.pytorch import Callback
from omegaconf import DictConfig, OmegaConf
from rich.console import Console
from rich.table import Table
from tokenizers import Tokenizer
from torch.utils.data import DataLoader, Dataset

from tinythink.cli import CONFIG_DIR
from tinythink.data.datamodule import IGNORE_INDEX, ThinkingDataModule
from tinythink.data.tokenizer import encode
from tinythink.devices import choose_precision, cpu_has_fast_bf16
from tinythink.evaluation.checkpoint import load_checkpoint
from tinythink.evaluation.evaluate import solve
from tinythink.model import ModelConfig, TinyThinkLM
from tinythink.training.module import ThinkingLM, make_optimizer
from tinythink.utils import atomic_write_json, atomic_write_text

log = logging.getLogger("tinythink.bench")

SECTIONS = ("training", "precision", "mfu", "eval", "data")
PRECISIONS = {"32-true": None, "bf16-mixed": torch.bfloat16}  # name -> autocast dtype
LOOPS = ("lightning", "plain")

# Dense peak TFLOP/s by precision from the vendors' data sheets (no sparsity). fp32
# is plain FP32 (torch's default matmul precision, not TF32).
NOMINAL_GPU_TFLOPS = {
    "H100 SXM": {"32-true": 66.9, "bf16-mixed": 989.4},
    "H100 PCIe": {"32-true": 51.2, "bf16-mixed": 756.0},
    "H100": {"32-true": 66.9, "bf16-mixed": 989.4},  # other H100 names: assume SXM
    "H200": {"32-true": 66.9, "bf16-mixed": 989.4},
    "A100": {"32-true": 19.5, "bf16-mixed": 312.0},
    "L4": {"32-true": 30.3, "bf16-mixed": 121.0},
    "A10": {"32-true": 31.2, "bf16-mixed": 125.0},
}


class BenchConfigError(ValueError):
    """A bench config that cannot run (unknown precision, sequence too long...)."""


# -----------------------------------------------------------------------------
# Machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_bf16_flags() -> list[str]:
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return []
    return sorted(f for f in ("amx_bf16", "amx_tile", "avx512_bf16") if f in flags)


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_header(device: torch.device) -> dict[str, Any]:
    header = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "device": str(device),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "num_threads": torch.get_num_threads(),
        "num_interop_threads": torch.get_num_interop_threads(),
        "torch": torch.__version__,
        "lightning": L.__version__,
        "python": platform.python_version(),
        "cpu_bf16_flags": cpu_bf16_flags(),
        "cpu_fast_bf16": cpu_has_fast_bf16(),
        "load_average_start": load_average(),
    }
    if device.type == "cuda":
        header["gpu"] = torch.cuda.get_device_name(device)
    return header


def _sync(device: torch.device) -> Callable[[], None]:
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    return lambda: None


def nominal_gpu_tflops(name: str) -> dict[str, float] | None:
    """The data-sheet peak of a known GPU, or None (then MFU is against the measured peak only)."""
    for key, peaks in NOMINAL_GPU_TFLOPS.items():  # specific names come first
        if all(part in name for part in key.split()):
            return peaks
    return None


# -----------------------------------------------------------------------------
# Statistics


def spread(values: list[float]) -> dict[str, Any]:
    """Median, min, max and (max - min) / median of repeated measurements."""
    med = statistics.median(values)
    return {
        "median": med,
        "min": min(values),
        "max": max(values),
        "spread": (max(values) - min(values)) / med if med else 0.0,
        "runs": values,
    }


# -----------------------------------------------------------------------------
# Batches


def packed_batches(
    dm: ThinkingDataModule, n: int, batch_size: int, seq_len: int, seed: int
) -> list[dict[str, torch.Tensor]]:
    """``n`` batches of (batch_size, seq_len) tokens from real training rows packed end to end.

    Rows (question, reasoning, answer, eos) are taken in a seeded random order,
    stripped of padding, concatenated, and cut into windows of seq_len + 1:
    inputs are the first seq_len tokens, targets the next-token shift. Every
    target is scored, so every step does the same work.
    """
    rows = dm.rows["train"]
    need = n * batch_size * (seq_len + 1)
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(seed))
    pieces, have = [], 0
    for i in order.tolist():
        piece = rows.tokens[i, : int(rows.lengths[i])]
        pieces.append(piece)
        have += len(piece)
        if have >= need:
            break
    if have < need:
        raise BenchConfigError(
            f"the training split has {have} tokens, fewer than the {need} that "
            f"{n} batches of {batch_size} x {seq_len + 1} need; lower bench.batch_size "
            f"or bench.train.steps, or raise data.generator.n_train"
        )
    stream = torch.cat(pieces)[:need].long().view(n, batch_size, seq_len + 1)
    return [{"inputs": b[:, :-1].contiguous(), "targets": b[:, 1:].contiguous()} for b in stream]


class _Fixed(Dataset):
    """The prepared batches, served as-is (``batch_size=None``) to both loops."""

    def __init__(self, batches: list[dict[str, torch.Tensor]]) -> None:
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return self.batches[i]


def _loader(batches: list[dict[str, torch.Tensor]]) -> DataLoader:
    return DataLoader(_Fixed(batches), batch_size=None, shuffle=False)


# -----------------------------------------------------------------------------
# 1-2. Training: Lightning loop vs plain loop


class _StepClock(Callback):
    """Wall and process-CPU timestamps at the start of every training batch."""

    def __init__(self, sync: Callable[[], None]) -> None:
        self.sync = sync
        self.times: list[tuple[float, float]] = []

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        self.sync()
        self.times.append((time.perf_counter(), time.process_time()))


def _cycles(times: list[tuple[float, float]], warmup: int, steps: int) -> dict[str, Any]:
    """Step times from timestamps taken at the start of each step (and one after the last).

    ``steps`` full cycles after ``warmup``: everything a loop does between two
    steps is inside a cycle. ``cpu_share`` is the process's CPU time over wall
    time per thread: near 1 when this process had the cores to itself, lower when
    other processes took them (the figures are then slower and noisier).
    """
    wall = [t for t, _ in times]
    cpu = [c for _, c in times]
    span = wall[warmup + steps] - wall[warmup]
    cpu_span = cpu[warmup + steps] - cpu[warmup]
    return {
        "step_seconds": [b - a for a, b in zip(wall[warmup:], wall[warmup + 1 :], strict=False)][
            :steps
        ],
        "warmup_seconds": wall[warmup] - wall[0],
        "cpu_share": cpu_span / (span * torch.get_num_threads()),
    }


def _maybe_compile(net: torch.nn.Module, compile: bool) -> torch.nn.Module:
    return torch.compile(net) if compile else net


def run_lightning(
    batches: list[dict[str, torch.Tensor]],
    model: dict[str, Any],
    precision: str,
    warmup: int,
    steps: int,
    clip: float,
    seed: int,
    device: torch.device,
    compile: bool = False,
) -> dict[str, Any]:
    """Train ThinkingLM with a Trainer; time ``steps`` full cycles after ``warmup`` steps."""
    torch.manual_seed(seed)
    module = ThinkingLM(model=model, compile=compile)  # as `module.compile=true` trains
    clock = _StepClock(_sync(device))
    trainer = L.Trainer(
        accelerator="gpu" if device.type == "cuda" else "cpu",
        devices=1,
        precision=precision,
        # One step more than timed: its start closes the last timed cycle.
        max_steps=warmup + steps + 1,
        max_epochs=-1,
        gradient_clip_val=clip,
        limit_val_batches=0,
        num_sanity_val_steps=0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[clock],
        deterministic=False,
        benchmark=False,
    )
    trainer.fit(module, train_dataloaders=_loader(batches[: warmup + steps + 1]))
    return _cycles(clock.times, warmup, steps)


def run_plain(
    batches: list[dict[str, torch.Tensor]],
    model: dict[str, Any],
    optim: dict[str, Any],
    precision: str,
    warmup: int,
    steps: int,
    clip: float,
    seed: int,
    device: torch.device,
    compile: bool = False,
) -> dict[str, Any]:
    """The minimal loop a nanoGPT user writes, with ThinkingLM's exact settings."""
    torch.manual_seed(seed)
    net = TinyThinkLM(ModelConfig(**model)).to(device)
    net.train()
    opt, sched = make_optimizer(net, optim, warmup + steps + 1)
    fwd = _maybe_compile(net, compile)
    dtype = PRECISIONS[precision]
    sync = _sync(device)
    times = []
    for batch in _loader(batches[: warmup + steps]):
        sync()
        times.append((time.perf_counter(), time.process_time()))
        inputs = batch["inputs"].to(device, non_blocking=True)
        targets = batch["targets"].to(device, non_blocking=True)
        with torch.autocast(device.type, dtype=dtype or torch.float32, enabled=dtype is not None):
            logits = fwd(inputs)  # (B, T, V)
            loss = F.cross_entropy(
                logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE_INDEX
            )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
    sync()
    times.append((time.perf_counter(), time.process_time()))
    return _cycles(times, warmup, steps)


# -----------------------------------------------------------------------------
# 3. Matmul peak


def matmul_gflops(n: int, dtype: torch.dtype, device: torch.device, repeats: int) -> float:
    """GFLOP/s of an (n, n) @ (n, n) matmul: median of ``repeats`` timed calls."""
    a = torch.randn(n, n, device=device).to(dtype)
    b = torch.randn(n, n, device=device).to(dtype)
    sync = _sync(device)
    a @ b  # warm up the kernel choice
    times = []
    for _ in range(repeats):
        sync()
        t = time.perf_counter()
        a @ b
        sync()
        times.append(time.perf_counter() - t)
    return 2 * n**3 / statistics.median(times) / 1e9


def matmul_peak(
    precision: str, sizes: list[int], device: torch.device, repeats: int
) -> dict[str, Any]:
    """The best square-matmul GFLOP/s over ``sizes`` in this precision's compute dtype."""
    dtype = PRECISIONS[precision] or torch.float32
    by_size = {n: matmul_gflops(n, dtype, device, repeats) for n in sizes}
    best = max(by_size, key=by_size.get)
    return {"gflops": by_size[best], "size": best, "by_size": by_size}


def attention_section(
    model: dict[str, Any], b: DictConfig, device: torch.device, training: dict[str, Any]
) -> dict[str, Any]:
    """Extra: causal SDPA forward + backward at the training shape, q/k/v in each precision.

    On CPU, SDPA runs its flash kernel; at small head sizes its bf16 backward can be
    slower than fp32, which decides whether attention should leave autocast.
    """
    c = ModelConfig(**model)
    shape = (b.batch_size, c.n_head, b.seq_len, c.head_dim)
    sync = _sync(device)
    times: dict[str, list[float]] = {p: [] for p in b.precisions}
    for r in range(b.attention.repeats):
        for precision in b.precisions if r % 2 == 0 else list(reversed(b.precisions)):
            dtype = PRECISIONS[precision] or torch.float32
            q, k, v = (
                torch.randn(shape, device=device, dtype=dtype, requires_grad=True) for _ in range(3)
            )
            for _ in range(2):  # the first call warms up, the second is timed
                sync()
                t = time.perf_counter()
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
                y.backward(torch.ones_like(y))
                sync()
            times[precision].append(1e3 * (time.perf_counter() - t))
    report: dict[str, Any] = {"shape_bhtd": list(shape), "n_layer": c.n_layer, "by_precision": {}}
    for precision, ms in times.items():
        per_layer = spread(ms)
        step_ms = training["by_precision"][precision]["lightning"]["step_ms"]["median"]
        report["by_precision"][precision] = {
            "fwd_bwd_ms_per_layer": per_layer,
            "share_of_step": per_layer["median"] * c.n_layer / step_ms,
        }
    return report


# -----------------------------------------------------------------------------
# 4. Eval


def eval_section(
    dm: ThinkingDataModule,
    net: TinyThinkLM,
    tokenizer: Tokenizer,
    cfg: DictConfig,
    device: torch.device,
) -> dict[str, Any]:
    """Problems/s of greedy answering three ways, interleaved over repeats.

    With random weights every row runs to max_new_tokens; with a trained
    checkpoint (and its own tokenizer) rows stop at eos, as in real evaluation,
    and the accuracy of the batched-cache answers is reported too.
    """
    problems = dm.eval_problems("test")
    modes = {
        "batched_cache": (cfg.batched_problems, cfg.batched_problems, True),
        "batched_no_cache": (cfg.batched_problems, cfg.batched_problems, False),
        "single_no_cache": (cfg.single_problems, 1, False),
    }
    net = net.to(device).eval()
    sync = _sync(device)
    timings: dict[str, list[float]] = {m: [] for m in modes}
    answers: dict[str, list[str]] = {}
    attempts_cache: list = []
    for r in range(cfg.repeats):
        order = list(modes) if r % 2 == 0 else list(reversed(modes))
        for mode in order:
            n, batch_size, use_cache = modes[mode]
            sync()
            t = time.perf_counter()
            attempts = solve(
                net,
                tokenizer,
                problems[:n],
                max_new_tokens=cfg.max_new_tokens,
                batch_size=batch_size,
                use_cache=use_cache,
            )
            sync()
            timings[mode].append(n / (time.perf_counter() - t))
            answers[mode] = [a.completion for a in attempts]
            if mode == "batched_cache":
                attempts_cache = attempts
    n_single = cfg.single_problems
    result: dict[str, Any] = {
        "max_new_tokens": cfg.max_new_tokens,
        "weights": cfg.ckpt or "random init (every row runs to max_new_tokens)",
        "modes": {
            mode: {
                "problems": modes[mode][0],
                "batch_size": modes[mode][1],
                "use_cache": modes[mode][2],
                "problems_per_s": spread(timings[mode]),
            }
            for mode in modes
        },
        "mean_completion_tokens": statistics.mean(
            len(encode(tokenizer, a.completion)) for a in attempts_cache
        ),
        "accuracy_batched_cache": sum(a.correct for a in attempts_cache) / len(attempts_cache),
        # Greedy decoding: all three must write the same completions.
        "same_outputs": answers["batched_cache"] == answers["batched_no_cache"]
        and answers["batched_cache"][:n_single] == answers["single_no_cache"][:n_single],
    }
    cache = statistics.median(timings["batched_cache"])
    result["speedup_cache_vs_no_cache"] = cache / statistics.median(timings["batched_no_cache"])
    result["speedup_cache_vs_single"] = cache / statistics.median(timings["single_no_cache"])
    return result


# -----------------------------------------------------------------------------
# 5. Data


def data_section(dm: ThinkingDataModule, n_batches: int, repeats: int) -> dict[str, Any]:
    """Batches/s of the train loader alone (a fresh epoch each repeat)."""
    rates, first, tokens = [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        it: Iterator = iter(dm.train_dataloader())
        batch = next(it)
        t_first = time.perf_counter()
        first.append(t_first - t)
        for _ in range(n_batches):
            batch = next(it)
            tokens.append(batch["inputs"].numel())
        rates.append(n_batches / (time.perf_counter() - t_first))
    return {
        "batch_size": dm.batch_size,
        "num_workers": dm.num_workers,
        "train_rows": len(dm.rows["train"]),
        "loader_batches_per_s": spread(rates),
        "first_batch_s": spread(first),
        "mean_tokens_per_batch": statistics.mean(tokens),
    }


# -----------------------------------------------------------------------------
# The run


def _setup_data(cfg: DictConfig) -> ThinkingDataModule:
    dm = instantiate(cfg.data, batch_size=cfg.bench.batch_size, _convert_="all")
    if not isinstance(dm, ThinkingDataModule):
        raise BenchConfigError(f"bench needs a ThinkingDataModule, got {type(dm).__name__}")
    t = time.perf_counter()
    dm.setup("fit")
    log.info("Data ready in %.1f s (%s)", time.perf_counter() - t, dm.cache)
    return dm


def _check(cfg: DictConfig, model: dict[str, Any]) -> None:
    bad = [p for p in cfg.bench.precisions if p not in PRECISIONS]
    if bad:
        raise BenchConfigError(
            f"bench.precisions has {bad}; the bench compares {list(PRECISIONS)} "
            f"(both loops autocast the same way)"
        )
    if cfg.bench.seq_len > model["max_seq_len"]:
        raise BenchConfigError(
            f"bench.seq_len={cfg.bench.seq_len} is longer than model.max_seq_len="
            f"{model['max_seq_len']}; lower bench.seq_len or raise model.max_seq_len"
        )
    if cfg.bench.train.steps < 1 or cfg.bench.train.repeats < 1:
        raise BenchConfigError("bench.train.steps and bench.train.repeats must be >= 1")


def time_training(
    batches: list[dict[str, torch.Tensor]],
    model: dict[str, Any],
    optim: dict[str, Any],
    b: DictConfig,
    seed: int,
    device: torch.device,
) -> dict[str, Any]:
    """Every run of every (precision, loop), and the matmul peak, repeat by repeat."""
    tr = b.train
    variants = [(loop, False) for loop in LOOPS]
    if b.compile:
        variants += [(loop, True) for loop in LOOPS]
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {p: {} for p in b.precisions}
    peaks: dict[str, list[dict[str, Any]]] = {p: [] for p in b.precisions}
    for r in range(tr.repeats):
        for precision in b.precisions:
            # The peak is measured next to the runs it divides, under the same load.
            peaks[precision].append(
                matmul_peak(precision, list(b.matmul.sizes), device, b.matmul.repeats)
            )
            # ABBA: alternate which loop goes first, so a drift in load hits both.
            order = variants if r % 2 == 0 else list(reversed(variants))
            for loop, compiled in order:
                name = loop + ("+compile" if compiled else "")
                log.info("repeat %d/%d %s %s", r + 1, tr.repeats, precision, name)
                runs[precision].setdefault(name, []).append(
                    _run(loop, batches, model, optim, precision, tr, seed, device, compiled)
                )
    return {"runs": runs, "peaks": peaks}


def _run(
    loop: str,
    batches: list[dict[str, torch.Tensor]],
    model: dict[str, Any],
    optim: dict[str, Any],
    precision: str,
    tr: DictConfig,
    seed: int,
    device: torch.device,
    compiled: bool = False,
) -> dict[str, Any]:
    common = dict(
        batches=batches,
        model=model,
        precision=precision,
        warmup=tr.warmup,
        steps=tr.steps,
        clip=float(tr.gradient_clip_val),
        seed=seed,
        device=device,
        compile=compiled,
    )
    if loop == "lightning":
        return run_lightning(**common)
    return run_plain(optim=optim, **common)


def _step_time(run: dict[str, Any]) -> float:
    """A run's step time: the median of its timed steps (a stray slow step doesn't count)."""
    return statistics.median(run["step_seconds"])


def _clean(runs: list[dict[str, Any]], threshold: float) -> list[dict[str, Any]]:
    """The runs that had the cores to themselves (cpu share >= threshold), or all if none did.

    On a shared machine one other process can make a two-thread step 5x slower;
    such a run measures the neighbour, not the loop. Every run stays in the JSON.
    """
    return [r for r in runs if r["cpu_share"] >= threshold] or runs


def loop_summary(
    runs: list[dict[str, Any]], tokens_per_step: int, threshold: float
) -> dict[str, Any]:
    kept = _clean(runs, threshold)
    return {
        "tokens_per_s": spread([tokens_per_step / _step_time(r) for r in kept]),
        "step_ms": spread([1e3 * _step_time(r) for r in kept]),
        "warmup_s": spread([r["warmup_seconds"] for r in kept]),
        "cpu_share": spread([r["cpu_share"] for r in runs]),
        "clean_runs": sum(r["cpu_share"] >= threshold for r in runs),
        "runs": len(runs),
        "all_tokens_per_s": [tokens_per_step / _step_time(r) for r in runs],
    }


def paired_ratio(
    num: list[dict[str, Any]], den: list[dict[str, Any]], threshold: float = 0.0
) -> dict[str, Any]:
    """Speed of ``num`` over speed of ``den``, repeat by repeat (both saw about the same load).

    Only pairs in which both runs were clean count, unless no pair was.
    """
    pairs = list(zip(num, den, strict=True))
    clean = [(n, d) for n, d in pairs if min(n["cpu_share"], d["cpu_share"]) >= threshold]
    ratio = spread([_step_time(d) / _step_time(n) for n, d in clean or pairs])
    ratio["clean_pairs"] = len(clean)
    return ratio


def training_report(
    timed: dict[str, Any], b: DictConfig, optim: dict[str, Any], headline: str, clean: float
) -> dict[str, Any]:
    """Section 1: tokens/s per loop and the per-repeat ratio Lightning / plain.

    ``clean``: the cpu share below which a run counts as disturbed (0 keeps all).
    """
    tr = b.train
    tokens_per_step = b.batch_size * b.seq_len
    report: dict[str, Any] = {
        "batches": (
            f"{tr.warmup + tr.steps + 1} fixed batches of {b.batch_size} x {b.seq_len} tokens: "
            f"real training rows packed end to end, loss on every position"
        ),
        "batch_size": b.batch_size,
        "seq_len": b.seq_len,
        "tokens_per_step": tokens_per_step,
        "warmup_steps": tr.warmup,
        "timed_steps": tr.steps,
        "repeats": tr.repeats,
        "clean_cpu_share": clean,
        "optimizer": {**optim, "foreach": True, "gradient_clip_val": tr.gradient_clip_val},
        "by_precision": {},
    }
    for precision, runs in timed["runs"].items():
        entry: dict[str, Any] = {
            name: loop_summary(rs, tokens_per_step, clean) for name, rs in runs.items()
        }
        entry["ratio_lightning_vs_plain"] = paired_ratio(runs["lightning"], runs["plain"], clean)
        if "plain+compile" in runs:
            entry["ratio_compile_vs_eager_plain"] = paired_ratio(
                runs["plain+compile"], runs["plain"], clean
            )
            entry["ratio_compile_vs_eager_lightning"] = paired_ratio(
                runs["lightning+compile"], runs["lightning"], clean
            )
        report["by_precision"][precision] = entry
    report["headline_precision"] = headline
    report["headline_ratio"] = report["by_precision"][headline]["ratio_lightning_vs_plain"][
        "median"
    ]
    return report


def time_overhead(
    o: DictConfig, optim: dict[str, Any], dm: ThinkingDataModule, seed: int, device: torch.device
) -> dict[str, Any]:
    """Lightning's per-step cost in milliseconds, from a model so small that compute is ~0.

    At the real size the framework's cost hides inside the noise of a shared
    machine; with a micro model each step is a few ms and the difference shows.
    The framework's work is single-threaded Python, so this runs on ``o.num_threads``
    (1 by default): a one-thread process barely notices other processes on the
    machine, where two threads that must meet at every op stall whenever one of
    them is descheduled.
    """
    model = OmegaConf.to_container(o.model, resolve=True)
    batches = packed_batches(dm, o.warmup + o.steps + 1, o.batch_size, o.seq_len, seed)
    runs: dict[str, list[dict[str, Any]]] = {loop: [] for loop in LOOPS}
    threads = torch.get_num_threads()
    torch.set_num_threads(o.num_threads or threads)
    try:
        for r in range(o.repeats):
            for loop in LOOPS if r % 2 == 0 else reversed(LOOPS):
                runs[loop].append(_run(loop, batches, model, optim, "32-true", o, seed, device))
    finally:
        torch.set_num_threads(threads)
    step_ms = {loop: spread([1e3 * _step_time(r) for r in rs]) for loop, rs in runs.items()}
    return {
        "model": model,
        "batch_size": o.batch_size,
        "seq_len": o.seq_len,
        "precision": "32-true",
        "num_threads": o.num_threads or threads,
        "step_ms": step_ms,
        "overhead_ms": spread(
            [
                1e3 * (_step_time(lt) - _step_time(p))
                for lt, p in zip(runs["lightning"], runs["plain"], strict=True)
            ]
        ),
    }


def precision_report(training: dict[str, Any], default: str, device: torch.device) -> dict:
    """Section 2: what ``trainer.precision=auto`` picks and what it buys over fp32."""
    tps = {p: e["lightning"]["tokens_per_s"]["median"] for p, e in training["by_precision"].items()}
    fast = cpu_has_fast_bf16() if device.type == "cpu" else torch.cuda.is_bf16_supported()
    report: dict[str, Any] = {
        "fast_bf16": fast,
        "device": device.type,
        "default": default,
        "lightning_tokens_per_s": tps,
        "fastest": max(tps, key=tps.get),
    }
    if "32-true" in tps and default in tps:
        report["default_vs_fp32"] = tps[default] / tps["32-true"]
    return report


def mfu_report(
    timed: dict[str, Any],
    training: dict[str, Any],
    flops_per_token: int,
    sizes: list[int],
    gpu_peaks: dict[str, float] | None,
) -> dict[str, Any]:
    """Section 3: achieved FLOP/s over the matmul peak measured in this run (and a data sheet)."""
    report: dict[str, Any] = {
        "flops_per_token": flops_per_token,
        "formula": "6N + 12*L*d_model*T (PaLM appendix B), TinyThinkLM.flops_per_token",
        "by_precision": {},
    }
    for precision, peaks in timed["peaks"].items():
        peak = max(p["gflops"] for p in peaks)  # a peak: the best repeat, not the typical one
        entry: dict[str, Any] = {
            "matmul_peak_gflops": spread([p["gflops"] for p in peaks]),
            "matmul_by_size_gflops": {str(n): max(p["by_size"][n] for p in peaks) for n in sizes},
            "peak_gflops": peak,
        }
        if gpu_peaks:
            entry["nominal_peak_gflops"] = gpu_peaks[precision] * 1e3
        for name, e in training["by_precision"][precision].items():
            if "tokens_per_s" not in e:
                continue
            achieved = e["tokens_per_s"]["median"] * flops_per_token / 1e9
            entry[name] = {"achieved_gflops": achieved, "mfu_measured_peak": achieved / peak}
            if gpu_peaks:
                entry[name]["mfu_nominal_peak"] = achieved / entry["nominal_peak_gflops"]
        report["by_precision"][precision] = entry
    return report


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def run_bench(cfg: DictConfig) -> dict[str, Any]:
    """Run all five sections; return the report (``main`` prints and writes it)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    if cfg.get("num_threads"):
        torch.set_num_threads(int(cfg.num_threads))
    torch.set_flush_denormal(True)  # as train.py does: both loops run like real training
    b = cfg.bench
    device = _device(b.device)
    model = OmegaConf.to_container(cfg.model, resolve=True)
    _check(cfg, model)
    default = choose_precision("auto", "gpu" if device.type == "cuda" else "cpu")
    headline = default if default in b.precisions else b.precisions[0]
    report: dict[str, Any] = {"header": {**machine_header(device), "default_precision": default}}
    report["config"] = OmegaConf.to_container(b, resolve=True)

    dm = _setup_data(cfg)
    n_batches = b.train.warmup + b.train.steps + 1
    batches = packed_batches(dm, n_batches, b.batch_size, b.seq_len, cfg.seed)
    optim = ThinkingLM(model=model).hparams.optim  # the module's own settings, not a copy
    timed = time_training(batches, model, optim, b, cfg.seed, device)

    # On a GPU the host thread mostly waits: its cpu share says nothing about neighbours.
    clean = b.train.clean_cpu_share if device.type == "cpu" else 0.0
    training = training_report(timed, b, optim, headline, clean)
    overhead = time_overhead(b.overhead, optim, dm, cfg.seed, device)
    headline_step_ms = training["by_precision"][headline]["lightning"]["step_ms"]["median"]
    overhead["share_of_headline_step"] = overhead["overhead_ms"]["median"] / headline_step_ms
    training["overhead"] = overhead
    report["training"] = training
    report["precision"] = precision_report(training, default, device)
    gpu = report["header"].get("gpu")
    report["mfu"] = mfu_report(
        timed,
        training,
        TinyThinkLM(ModelConfig(**model)).flops_per_token(b.seq_len),
        list(b.matmul.sizes),
        nominal_gpu_tflops(gpu) if gpu else None,
    )

    if b.attention.repeats:
        report["attention"] = attention_section(model, b, device, training)

    if b.eval.ckpt:
        loaded = load_checkpoint(b.eval.ckpt)
        net, tokenizer = loaded.model, loaded.tokenizer
    else:
        torch.manual_seed(cfg.seed)
        net, tokenizer = TinyThinkLM(ModelConfig(**model)), dm.tokenizer
    report["eval"] = eval_section(dm, net, tokenizer, b.eval, device)

    # Section 5: the loader alone vs what the Lightning loop eats at the headline precision.
    data = data_section(dm, b.data.batches, b.data.repeats)
    data["training_batches_per_s"] = 1e3 / headline_step_ms
    data["training_precision"] = headline
    data["headroom"] = data["loader_batches_per_s"]["median"] / data["training_batches_per_s"]
    report["data"] = data

    elapsed = time.perf_counter() - started
    report["header"]["load_average_end"] = load_average()
    report["header"]["elapsed_s"] = elapsed
    report["header"]["cpu_share"] = (time.process_time() - cpu_started) / (
        elapsed * torch.get_num_threads()
    )
    return report


# -----------------------------------------------------------------------------
# Rendering: one list of tables, printed with rich and written as markdown


def _n(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}"


def _range(s: dict[str, Any], digits: int = 0) -> str:
    return f"{_n(s['min'], digits)}-{_n(s['max'], digits)}"


Section = tuple[str, list[str], list[list[str]]]


def tables(report: dict[str, Any]) -> list[Section]:
    """(title, columns, rows) per section, shared by the terminal and the markdown output."""
    return [
        _machine_table(report["header"]),
        _training_table(report["training"]),
        _overhead_table(report["training"]["overhead"]),
        _precision_table(report["precision"]),
        _mfu_table(report["mfu"]),
        _eval_table(report["eval"]),
        _data_table(report["data"]),
        *([_attention_table(report["attention"])] if "attention" in report else []),
    ]


def _machine_table(h: dict[str, Any]) -> Section:
    rows = [
        ["cpu", f"{h['cpu_model']} ({h['cpu_count']} cores)"],
        ["threads", f"{h['num_threads']} intra-op, {h['num_interop_threads']} inter-op"],
        ["torch / lightning / python", f"{h['torch']} / {h['lightning']} / {h['python']}"],
        ["device", h.get("gpu", h["device"])],
        ["bf16 cpu flags", ", ".join(h["cpu_bf16_flags"]) or "none"],
        ["load average (1/5/15 min) start", str(h["load_average_start"])],
        ["load average (1/5/15 min) end", str(h.get("load_average_end"))],
        ["cpu share of this process", f"{h.get('cpu_share', 0):.0%}"],
        ["elapsed", f"{h.get('elapsed_s', 0):.0f} s"],
    ]
    return (f"Machine ({h['started']})", ["", ""], rows)


def _training_table(tr: dict[str, Any]) -> Section:
    rows = []
    for precision, e in tr["by_precision"].items():
        for name, v in e.items():
            if name.startswith("ratio"):
                continue
            rows.append(
                [
                    precision,
                    name,
                    _n(v["tokens_per_s"]["median"]),
                    _range(v["tokens_per_s"]),
                    _n(v["step_ms"]["median"]),
                    f"{v['cpu_share']['median']:.0%}",
                    f"{v['clean_runs']}/{v['runs']}",
                    f"{v['warmup_s']['median']:.1f}",
                ]
            )
        for key, label in (
            ("ratio_lightning_vs_plain", "lightning / plain"),
            ("ratio_compile_vs_eager_plain", "compile / eager (plain)"),
            ("ratio_compile_vs_eager_lightning", "compile / eager (lightning)"),
        ):
            if key in e:
                r = e[key]
                clean = f"{r['clean_pairs']} pairs"
                rows.append(
                    [precision, label, f"{r['median']:.3f}x", _range(r, 3), "", "", clean, ""]
                )
    title = (
        f"1. Training: tokens/s, median over clean runs (cpu share >= "
        f"{tr['clean_cpu_share']:.0%}) of {tr['repeats']} repeats, each run the median of "
        f"{tr['timed_steps']} steps; batch {tr['batch_size']} x seq {tr['seq_len']}"
    )
    cols = ["precision", "loop", "tokens/s", "min-max", "step ms", "cpu share", "clean", "warmup s"]
    return (title, cols, rows)


def _overhead_table(o: dict[str, Any]) -> Section:
    m = o["model"]
    rows = [[loop, _n(v["median"], 2), _range(v, 2)] for loop, v in o["step_ms"].items()]
    rows.append(
        ["lightning - plain", _n(o["overhead_ms"]["median"], 2), _range(o["overhead_ms"], 2)]
    )
    rows.append(["share of the headline step", f"{o['share_of_headline_step']:.2%}", ""])
    title = (
        f"1b. Lightning's own cost per step: micro model (d_model {m['d_model']}, "
        f"{m['n_layer']} layers), batch {o['batch_size']} x seq {o['seq_len']}, fp32, "
        f"{o['num_threads']} thread(s)"
    )
    return (title, ["", "step ms", "min-max"], rows)


def _precision_table(p: dict[str, Any]) -> Section:
    rows = [[f"{k} tokens/s (lightning)", _n(v)] for k, v in p["lightning_tokens_per_s"].items()]
    label = (
        "bf16 supported (CUDA)"
        if p.get("device") == "cuda"
        else "fast bf16 hardware (AMX / AVX-512 BF16)"
    )
    rows.append([label, str(p["fast_bf16"])])
    rows.append(["trainer.precision=auto picks", p["default"]])
    if "default_vs_fp32" in p:
        rows.append(["default / fp32", f"{p['default_vs_fp32']:.2f}x"])
    return ("2. Precision", ["", ""], rows)


def _mfu_table(m: dict[str, Any]) -> Section:
    rows = []
    for precision, e in m["by_precision"].items():
        peak = e["matmul_peak_gflops"]
        for name, v in e.items():
            if not (isinstance(v, dict) and "achieved_gflops" in v):
                continue
            nominal = f"{v['mfu_nominal_peak']:.2%}" if "mfu_nominal_peak" in v else "-"
            rows.append(
                [
                    precision,
                    name,
                    _n(v["achieved_gflops"], 1),
                    f"{_n(e['peak_gflops'])} (repeats {_range(peak)})",
                    f"{v['mfu_measured_peak']:.1%}",
                    nominal,
                ]
            )
    title = f"3. MFU: {_n(m['flops_per_token'])} training FLOPs per token ({m['formula']})"
    cols = ["precision", "loop", "GFLOP/s", "matmul peak GFLOP/s (best)", "MFU", "MFU nominal"]
    return (title, cols, rows)


def _eval_table(ev: dict[str, Any]) -> Section:
    rows = [
        [
            mode,
            str(v["problems"]),
            str(v["batch_size"]),
            "yes" if v["use_cache"] else "no",
            _n(v["problems_per_s"]["median"], 2),
            _range(v["problems_per_s"], 2),
        ]
        for mode, v in ev["modes"].items()
    ]
    rows.append(
        ["cache / no cache (batched)", "", "", "", f"{ev['speedup_cache_vs_no_cache']:.1f}x", ""]
    )
    rows.append(
        ["batched cache / single no cache", "", "", "", f"{ev['speedup_cache_vs_single']:.1f}x", ""]
    )
    title = (
        f"4. Eval: greedy answering, max_new_tokens {ev['max_new_tokens']}, weights: "
        f"{ev['weights']}; mean completion {ev['mean_completion_tokens']:.0f} tokens, "
        f"accuracy {ev['accuracy_batched_cache']:.0%}; identical outputs in all modes: "
        f"{ev['same_outputs']}"
    )
    return (title, ["mode", "problems", "batch", "kv cache", "problems/s", "min-max"], rows)


def _data_table(d: dict[str, Any]) -> Section:
    rows = [
        [
            "train loader alone",
            _n(d["loader_batches_per_s"]["median"], 1),
            _range(d["loader_batches_per_s"], 1),
        ],
        [
            f"training consumes (lightning, {d['training_precision']})",
            _n(d["training_batches_per_s"], 2),
            "",
        ],
        ["headroom (loader / training)", f"{d['headroom']:,.0f}x", ""],
        ["first batch of an epoch (ms)", _n(d["first_batch_s"]["median"] * 1e3), ""],
    ]
    title = (
        f"5. Data: batches/s, batch {d['batch_size']}, {d['num_workers']} workers, "
        f"{d['train_rows']:,} train rows, {d['mean_tokens_per_batch']:,.0f} tokens/batch"
    )
    return (title, ["", "batches/s", "min-max"], rows)


def _attention_table(a: dict[str, Any]) -> Section:
    rows = [
        [
            precision,
            _n(v["fwd_bwd_ms_per_layer"]["median"], 1),
            _range(v["fwd_bwd_ms_per_layer"], 1),
            f"{v['share_of_step']:.0%}",
        ]
        for precision, v in a["by_precision"].items()
    ]
    title = (
        f"6. Extra: causal SDPA forward + backward, q/k/v of shape {tuple(a['shape_bhtd'])} "
        f"(B, heads, T, head_dim), x {a['n_layer']} layers per step"
    )
    return (title, ["q/k/v precision", "ms per layer", "min-max", "share of lightning step"], rows)


def print_report(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(width=None if Console().is_terminal else 140)
    for title, columns, rows in tables(report):
        table = Table(title=title, title_justify="left", show_header=any(columns))
        for i, col in enumerate(columns):
            table.add_column(col, justify="left" if i == 0 else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    tr = report["training"]
    console.print(
        f"Headline ({tr['headline_precision']}): Lightning runs at "
        f"{tr['headline_ratio']:.3f}x the plain PyTorch loop."
    )


def to_markdown(report: dict[str, Any]) -> str:
    parts = ["# tinythink bench", ""]
    for title, columns, rows in tables(report):
        parts += [f"## {title}", ""]
        header = [c or " " for c in columns]
        parts.append("| " + " | ".join(header) + " |")
        parts.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(columns))) + "|")
        parts += ["| " + " | ".join(row) + " |" for row in rows]
        parts.append("")
    tr = report["training"]
    parts.append(
        f"Headline ({tr['headline_precision']}): Lightning runs at "
        f"{tr['headline_ratio']:.3f}x the plain PyTorch loop."
    )
    return "\n".join(parts) + "\n"


def write_report(report: dict[str, Any], out_dir: Path) -> None:
    atomic_write_json(out_dir / "bench.json", report)
    atomic_write_text(out_dir / "bench.md", to_markdown(report))


def _quiet_lightning() -> None:
    """The bench builds many short Trainers: drop their per-fit banners and hints."""
    for name in ("lightning.pytorch", "lightning.fabric", "lightning"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="lightning")
    warnings.filterwarnings("ignore", message=".*does not have many workers.*")


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="bench")
def main(cfg: DictConfig) -> None:
    _quiet_lightning()
    report = run_bench(cfg)
    out_dir = Path(HydraConfig.get().runtime.output_dir)  # logs/bench/<timestamp>
    write_report(report, out_dir)
    print_report(report)
    print(f"Wrote {out_dir / 'bench.json'} and {out_dir / 'bench.md'}", flush=True)


if __name__ == "__main__":
    main()
