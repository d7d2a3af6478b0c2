"""Atomic file writes."""

from __future__ import annotations

import os


def test_atomic_files_get_a_plain_files_mode_not_mkstemps_0600(tmp_path):
    from tinythink.utils import atomic_write_text

    umask = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "results.json", "{}")
        assert (tmp_path / "results.json").stat().st_mode & 0o777 == 0o640
        kept = tmp_path / "leaderboard.md"
        kept.write_text("old")
        kept.chmod(0o604)
        atomic_write_text(kept, "new")  # a replaced file keeps its mode
        assert kept.stat().st_mode & 0o777 == 0o604 and kept.read_text() == "new"
    finally:
        os.umask(umask)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaderboard.md", "results.json"]
