"""Uploads waiting for the user to confirm an import (after the preview), and their clean-up.

A preview keeps the uploaded file under the instance folder until the user confirms it;
files nobody confirmed are removed after PREVIEW_HOURS, so abandoned uploads (personal
data of staff, often) do not pile up on disk.
"""
from __future__ import annotations

import time
from pathlib import Path

PREVIEW_HOURS = 24


def upload_dir(settings) -> Path:
    """The folder of uploads waiting for confirmation."""
    path = settings.instance_path / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_stale(path: Path, *, hours: float = PREVIEW_HOURS, now: float | None = None) -> bool:
    """Older than the preview's lifetime (by the file's own modification time)."""
    return path.stat().st_mtime < (now or time.time()) - hours * 3600


def purge_stale_uploads(settings, *, hours: float = PREVIEW_HOURS, now: float | None = None) -> int:
    """Delete unconfirmed uploads older than `hours`; returns how many went."""
    removed = 0
    for path in upload_dir(settings).iterdir():
        try:
            if path.is_file() and is_stale(path, hours=hours, now=now):
                path.unlink()
                removed += 1
        except FileNotFoundError:  # confirmed (and removed) meanwhile
            continue
    return removed
