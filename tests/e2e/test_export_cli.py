"""export.py as a user runs it: an export that passed its check, and each mistake one
error line with nothing written (no ``out``, no partial folder, no run dir)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_script
from tests.export.helpers import built_checkpoint

pytest.importorskip("transformers")


def _nothing_written(tmp_path: Path, *keep: str) -> None:
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in keep)
    assert left == [], left  # no out, no .out.partial-*, no logs/export/runs/<run>


def _one_error_line(result) -> str:
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def _export(tmp_path: Path, *args: str):
    return run_script("export.py", *args, f"paths.log_dir={tmp_path / 'logs'}")


def test_export_writes_a_checked_hf_folder_that_generate_answers_from(tmp_path):
    ckpt = built_checkpoint(tmp_path)
    out = tmp_path / "my-model"
    result = _export(tmp_path, f"ckpt={ckpt}", f"out={out}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Exported hf to {out}" in result.stdout
    assert (
        "Checked: transformers " in result.stdout
        and ": 8/8 greedy answers identical" in result.stdout
    )
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "README.md",
        "tinythink.json",
    } <= {p.name for p in out.iterdir()}
    asked = run_script("generate.py", "--ckpt", str(out), "--max-new-tokens", "4", "How many?")
    assert asked.returncode == 0, asked.stderr[-3000:]
    assert asked.stdout.startswith("Q: How many?\n")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["format=tflite"], "error: format=tflite is not a format export.py writes; choose one of hf, gguf, onnx"),
        (["ckpt=null"], "error: ckpt is required: python export.py ckpt=logs/train/runs/<run>/checkpoints/best.ckpt format=hf out=..."),
        (["check.questions=0"], "error: check.questions must be a whole number of at least 1, got 0"),
        (["+quantize=q4"], "error: +quantize=q4: export.py has no setting quantize"),
    ],
)  # fmt: skip
def test_a_bad_setting_is_one_error_line_and_writes_nothing(tmp_path, args, expected):
    ckpt = built_checkpoint(tmp_path)
    result = _export(tmp_path, f"ckpt={ckpt}", f"out={tmp_path / 'out'}", *args)
    assert _one_error_line(result).startswith(expected)
    _nothing_written(tmp_path, "built.ckpt", "logs")
    assert not list((tmp_path / "logs").glob("export/runs/*"))


def test_a_missing_or_corrupt_checkpoint_is_one_error_line(tmp_path):
    result = _export(tmp_path, f"ckpt={tmp_path / 'none.ckpt'}", f"out={tmp_path / 'out'}")
    assert (
        _one_error_line(result)
        == f"error: checkpoint not found: {tmp_path / 'none.ckpt'}; checkpoints there: none"
    )
    (tmp_path / "bad.ckpt").write_bytes(b"\x00" * 64)
    result = _export(tmp_path, f"ckpt={tmp_path / 'bad.ckpt'}", f"out={tmp_path / 'out'}")
    assert _one_error_line(result).startswith(
        f"error: {tmp_path / 'bad.ckpt'} is truncated or corrupt"
    )
    _nothing_written(tmp_path, "bad.ckpt", "logs")


def test_an_existing_out_is_kept_unless_overwrite_is_asked(tmp_path):
    ckpt = built_checkpoint(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    result = _export(tmp_path, f"ckpt={ckpt}", f"out={out}")
    assert _one_error_line(result) == (
        f"error: out={out} already exists; choose a new folder, or pass overwrite=true to "
        "replace it (the old one stays until the new export has passed its check)"
    )
    assert (out / "mine.txt").read_text() == "keep me"
    result = _export(tmp_path, f"ckpt={ckpt}", f"out={out}", "overwrite=true", "format=gguf")
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md", "model.gguf", "tinythink.json", "tokenizer.json"
    ]  # fmt: skip
