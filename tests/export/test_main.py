"""export.py's refusals that a subprocess cannot stage: a runtime that is not installed."""

from __future__ import annotations

import pytest

from tests.conftest import compose_in
from tinythink.export import main


def test_a_format_whose_packages_are_missing_says_how_to_install_them(tmp_path, monkeypatch):
    monkeypatch.setattr(main, "_installed", lambda module: module not in ("onnx", "onnxruntime"))
    cfg = compose_in(
        "export", tmp_path / "run", "ckpt=x.ckpt", f"out={tmp_path / 'o'}", "format=onnx"
    )
    with pytest.raises(main.ExportSettingsError) as err:
        main.export(cfg)
    assert str(err.value) == (
        'format=onnx needs onnx, onnxruntime, not installed here: pip install -e ".[export]"'
    )
    assert not (tmp_path / "o").exists()
