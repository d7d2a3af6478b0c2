"""``python export.py ckpt=PATH format=hf|gguf|onnx out=DIR``: write, check, then move into place.

The export is written into a hidden folder beside ``out``, loaded back in its
runtime and compared with the model (:mod:`tinythink.export.check`); only when
it matches does it become ``out``. A user mistake (no checkpoint, an unknown
format, an ``out`` that exists, a runtime that is not installed) is one
``error:`` line and exit 2 with nothing written; an export that does not match
its model is a bug, and stays a traceback.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import sys
import warnings
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from tinythink.checkpoints import CheckpointError, Loaded, load_checkpoint
from tinythink.cli import CONFIG_DIR
from tinythink.data.jsonl import read_handwritten
from tinythink.export import FORMATS, check
from tinythink.export.card import Provenance, model_card, provenance
from tinythink.export.hf import write_meta
from tinythink.utils import discard_run_dir

log = logging.getLogger(__name__)

# The packages each format is written and checked with (import name: pip name).
REQUIRED = {
    "hf": {"transformers": "transformers", "safetensors": "safetensors"},
    "gguf": {"gguf": "gguf"},
    "onnx": {"onnx": "onnx", "onnxscript": "onnxscript", "onnxruntime": "onnxruntime"},
}
LLAMA_CPP = "llama_cpp"  # optional: the GGUF check runs in llama.cpp when it is installed


class ExportSettingsError(ValueError):
    """A setting the export cannot run with; the message is the whole error line."""


def check_settings(cfg: DictConfig) -> Path:
    """Refuse what cannot work before the checkpoint is read; return ``out``."""
    for key, example in (
        ("ckpt", "logs/train/runs/<run>/checkpoints/best.ckpt"),
        ("out", "models/my-model"),
    ):
        if OmegaConf.is_missing(cfg, key) or cfg[key] in (None, ""):
            raise ExportSettingsError(
                f"{key} is required: python export.py ckpt={example if key == 'ckpt' else '...'}"
                f" format={cfg.format} out={example if key == 'out' else '...'}"
            )
    if cfg.format not in FORMATS:
        raise ExportSettingsError(
            f"format={cfg.format} is not a format export.py writes; choose one of "
            f"{', '.join(FORMATS)}"
        )
    out = Path(str(cfg.out))
    if out.exists() and not out.is_dir():
        raise ExportSettingsError(f"out={out} is a file; out is the folder the export goes in")
    if out.exists() and not cfg.overwrite:
        raise ExportSettingsError(
            f"out={out} already exists; choose a new folder, or pass overwrite=true to "
            "replace it (the old one stays until the new export has passed its check)"
        )
    questions = cfg.check.questions
    if isinstance(questions, bool) or not isinstance(questions, int) or questions < 1:
        raise ExportSettingsError(
            f"check.questions must be a whole number of at least 1, got {questions!r}; "
            "e.g. check.questions=8 (or check.enabled=false to skip the check)"
        )
    missing = [pip for name, pip in REQUIRED[cfg.format].items() if not _installed(name)]
    if missing:
        raise ExportSettingsError(
            f"format={cfg.format} needs {', '.join(missing)}, not installed here: "
            'pip install -e ".[export]"'
        )
    return out


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def export(cfg: DictConfig) -> check.Parity | None:
    out = check_settings(cfg)
    source = Path(str(cfg.ckpt))
    loaded = load_checkpoint(source)
    name = cfg.name or out.resolve().name
    origin = (
        Provenance(source, None, "unknown", cfg.commit)
        if source.is_dir()
        else provenance(source, cfg.commit)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        log.info("Writing %s (%s) from %s", out, cfg.format, source)
        artefact = write(cfg.format, loaded, partial, name, origin)
        parity = None
        if cfg.check.enabled:
            parity = run_check(cfg.format, artefact, loaded, cfg.check.questions)
            log.info("Checked in %s", parity)
            if not parity.ok:
                raise RuntimeError(
                    f"the {cfg.format} export does not compute what the model does: {parity}; "
                    f"questions that differ: {parity.different[:3]}"
                )
        if out.exists():
            shutil.rmtree(out)
        partial.rename(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    report(out, cfg.format, parity)
    return parity


def write(fmt: str, loaded: Loaded, folder: Path, name: str, origin: Provenance) -> Path:
    """Write ``fmt`` into ``folder``; the path its runtime opens."""
    (folder / "README.md").write_text(model_card(loaded, name, origin, fmt))
    write_meta(loaded, folder)
    if fmt == "hf":
        from tinythink.export.hf import write_hf

        write_hf(loaded, folder)
        return folder
    # Beside the model: the tokenizer, and what eval/generate would need to rebuild it.
    (folder / "tokenizer.json").write_text(loaded.tokenizer.to_str(pretty=False))
    if fmt == "gguf":
        from tinythink.export.gguf import FILE, write_gguf

        write_gguf(loaded, folder / FILE, name)
        return folder / FILE
    from tinythink.export.onnx import FILE, write_onnx

    with warnings.catch_warnings(), _quiet("torch.onnx", "onnxscript"):
        warnings.simplefilter("ignore")  # torch.export's deprecation chatter
        write_onnx(loaded, folder / FILE)
    return folder / FILE


def run_check(fmt: str, artefact: Path, loaded: Loaded, n: int) -> check.Parity:
    questions = [p.question for p in read_handwritten()[:n]]
    budget = int(loaded.hparams["eval"]["max_new_tokens"])
    if fmt == "hf":
        runtime = check.hf_runtime(artefact, loaded)
    elif fmt == "onnx":
        runtime = check.onnx_runtime(artefact, loaded)
    elif _installed(LLAMA_CPP):
        runtime = check.llama_cpp_runtime(artefact, loaded)
    else:
        log.warning(
            "llama-cpp-python is not installed, so the GGUF file was checked by reading it "
            "back, not by running it: pip install llama-cpp-python (compiles llama.cpp, ~7 min)"
        )
        runtime = check.gguf_reader_runtime(artefact, loaded)
    return check.compare(loaded, questions, runtime, budget)


class _quiet:
    """Raise the given loggers to ERROR for the duration of a block."""

    def __init__(self, *names: str) -> None:
        self.loggers = [logging.getLogger(n) for n in names]

    def __enter__(self) -> None:
        self.levels = [lg.level for lg in self.loggers]
        for lg in self.loggers:
            lg.setLevel(logging.ERROR)

    def __exit__(self, *exc: object) -> None:
        for lg, level in zip(self.loggers, self.levels, strict=True):
            lg.setLevel(level)


def report(out: Path, fmt: str, parity: check.Parity | None) -> None:
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"Exported {fmt} to {out} ({size / 1e6:.1f} MB)")
    print(f"Checked: {parity}" if parity else "Not checked (check.enabled=false)")
    if fmt == "hf":
        print(
            f'Ask it: python generate.py --ckpt {out} "Tom has 3 apples and eats 1. How many are left?"'
        )


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="export")
def main(cfg: DictConfig) -> None:
    try:
        export(cfg)
    except (CheckpointError, ExportSettingsError) as err:
        discard_run_dir(Path(cfg.paths.run_dir))
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)
