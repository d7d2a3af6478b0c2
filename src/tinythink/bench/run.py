"""One bench run: the data, then every section in turn, into one report dict."""

from __future__ import annotations

import logging
import time
import warnings
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from tinythink.bench.batches import packed_batches
from tinythink.bench.config import BenchConfigError, check_config
from tinythink.bench.data_speed import data_section
from tinythink.bench.eval_speed import eval_section
from tinythink.bench.kernels import attention_section
from tinythink.bench.machine import load_average, machine_header, resolve_device
from tinythink.bench.mfu import mfu_report, nominal_gpu_tflops
from tinythink.bench.overhead import time_overhead
from tinythink.bench.references import references_section
from tinythink.bench.training import precision_report, time_training, training_report
from tinythink.checkpoints import load_checkpoint
from tinythink.data.datamodule import ThinkingDataModule
from tinythink.devices import choose_precision
from tinythink.model import ModelConfig, TinyThinkLM

log = logging.getLogger("tinythink.bench")  # one name for the package's log lines

SECTIONS = ("training", "precision", "mfu", "eval", "data", "references")


def _setup_data(cfg: DictConfig) -> ThinkingDataModule:
    dm = instantiate(cfg.data, batch_size=cfg.bench.batch_size, _convert_="all")
    if not isinstance(dm, ThinkingDataModule):
        raise BenchConfigError(f"bench needs a ThinkingDataModule, got {type(dm).__name__}")
    t = time.perf_counter()
    dm.setup("fit")
    log.info("Data ready in %.1f s (%s)", time.perf_counter() - t, dm.cache)
    return dm


def run_bench(cfg: DictConfig) -> dict[str, Any]:
    """Run all five sections; return the report (``__main__`` prints and writes it)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    if cfg.get("num_threads"):
        torch.set_num_threads(int(cfg.num_threads))
    torch.set_flush_denormal(True)  # as train.py does: both loops run like real training
    b = cfg.bench
    device = resolve_device(b.device)
    model = OmegaConf.to_container(cfg.model, resolve=True)
    check_config(cfg, model)
    default = choose_precision("auto", "gpu" if device.type == "cuda" else "cpu")
    headline = default if default in b.precisions else b.precisions[0]
    report: dict[str, Any] = {"header": {**machine_header(device), "default_precision": default}}
    report["config"] = OmegaConf.to_container(b, resolve=True)

    dm = _setup_data(cfg)
    n_batches = b.train.warmup + b.train.steps + 1
    batches = packed_batches(dm, n_batches, b.batch_size, b.seq_len, cfg.seed)
    optim = OmegaConf.to_container(cfg.module.optim, resolve=True)  # conf/module, as train.py
    timed = time_training(batches, model, optim, b, cfg.seed, device)

    # On a GPU the host thread mostly waits: its cpu share says nothing about neighbours.
    clean = b.train.clean_cpu_share if device.type == "cpu" else 0.0
    training = training_report(timed, b, optim, headline, clean)
    overhead = time_overhead(b.overhead, model, optim, dm, cfg.seed, device)
    headline_step_ms = training["by_precision"][headline]["lightning"]["step_ms"]["median"]
    overhead["share_of_headline_step"] = overhead["overhead_ms"]["median"] / headline_step_ms
    training["overhead"] = overhead
    report["training"] = training
    report["precision"] = precision_report(
        training, default, device, report["header"]["cpu_fast_bf16"]
    )
    gpu = report["header"].get("gpu")
    report["mfu"] = mfu_report(
        timed,
        training,
        TinyThinkLM(ModelConfig(**model)).flops_per_token(b.seq_len),
        list(b.matmul.sizes),
        nominal_gpu_tflops(gpu) if gpu else None,
    )

    if b.references.repeats:
        report["references"] = references_section(
            batches, model, optim, b, headline, cfg.seed, device
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


def quiet_lightning() -> None:
    """The bench builds many short Trainers: drop their per-fit banners and hints."""
    for name in ("lightning.pytorch", "lightning.fabric", "lightning"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="lightning")
    warnings.filterwarnings("ignore", message=".*does not have many workers.*")
