"""``train.py --help`` and ``eval.py --help``: Hydra's help, without importing torch."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_script


@pytest.mark.parametrize(
    ("script", "shown"),
    [("train.py", ("model: micro, small, tiny", "trainer: cpu")), ("eval.py", ("ckpt: ???",))],
)
def test_help_shows_the_config(script, shown):
    result = run_script(script, "--help")
    assert result.returncode == 0, result.stderr
    name = script.removesuffix(".py")
    assert result.stdout.startswith(f"{name} is powered by Hydra."), result.stdout[:200]
    for text in shown:
        assert text in result.stdout


@pytest.mark.parametrize("script", ["train.py", "eval.py"])
def test_help_imports_no_torch_or_lightning(script):
    code = (
        "import runpy, sys\n"
        f"sys.argv = [{script!r}, '--help']\n"
        "try:\n"
        f"    runpy.run_path({str(ROOT / script)!r}, run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'torch', 'lightning', 'wandb'} & set(sys.modules)\n"
        "print('heavy:', sorted(heavy), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "heavy: []" in result.stderr, result.stderr[-2000:]
