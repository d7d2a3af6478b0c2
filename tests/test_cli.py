"""cli.py: fast --help (Hydra's, without importing torch) and the preflight check of a command line."""

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


def test_a_log_dir_this_user_cannot_write_is_refused(tmp_path, monkeypatch):
    """Read-only: simulated, since root (as in CI containers) may write anywhere."""
    import os

    from tinythink import cli

    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: p != tmp_path and real_access(p, mode))
    with pytest.raises(cli.UsageError) as err:
        cli.preflight("train", ["train.py", f"paths.log_dir={tmp_path}/logs"])
    assert str(err.value) == (
        f"paths.log_dir={tmp_path}/logs: cannot create it, {tmp_path} is not writable; "
        "point paths.log_dir= (or hydra.run.dir=) at a writable directory"
    )
    assert list(tmp_path.iterdir()) == []
