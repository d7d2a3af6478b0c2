"""The bench's one renderer: a list of tables, printed with rich and written as markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tinythink.utils import atomic_write_json, atomic_write_text


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
        *([_references_table(report["references"])] if "references" in report else []),
        *([_attention_table(report["attention"])] if "attention" in report else []),
    ]


def _references_table(ref: dict[str, Any]) -> Section:
    """Section 7: tinythink's step against the models a user would otherwise train."""
    rows = []
    for name, m in ref["models"].items():
        ratio = ref["ratios"].get(f"tinythink_vs_{name}")
        rows.append(
            [
                name,
                _n(m["num_params"]),
                _n(m["tokens_per_s"]),
                f"{ratio['median']:.2f}x" if ratio else "",
                f"{m['first_loss']:.2f}",
            ]
        )
    for name, why in ref["skipped"].items():
        rows.append([name, "", "skipped", why, ""])
    title = (
        f"7. References: training tokens/s at the same shape, plain loop, {ref['precision']} "
        f"(first loss vs uniform {ref['uniform_loss']:.2f})"
    )
    return (title, ["model", "params", "tokens/s", "tinythink is", "first loss"], rows)


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
    """The tables and the headline on the terminal (140 columns when piped to a file)."""
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
    """The same tables and headline as bench.md."""
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
    """bench.json (every figure of every repeat) and bench.md (the tables) in ``out_dir``."""
    atomic_write_json(out_dir / "bench.json", report)
    atomic_write_text(out_dir / "bench.md", to_markdown(report))
