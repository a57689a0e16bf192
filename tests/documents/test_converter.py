"""The converter's failures, with stand-in `soffice` scripts (no LibreOffice needed)."""
from __future__ import annotations

import os
import time

import pytest

from workflow.config import Settings
from workflow.documents.pdf import PdfFailed, convert_files, converter


def _settings_with(script) -> Settings:
    return Settings.load(overrides={"documents": {"soffice": str(script)}}, environ={})


def _script(tmp_path, body: str):
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan may wait a moment to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_converter_that_makes_no_pdf_is_reported_with_its_output(tmp_path):
    settings = _settings_with(_script(tmp_path, 'echo "Error: source file could not be loaded"'))
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK")
    with pytest.raises(PdfFailed, match="Không chuyển được sang PDF: a.pdf. Error: source file could not be loaded"):
        convert_files(settings, [source], tmp_path / "out")


def test_a_converter_that_hangs_is_stopped_with_everything_it_started(tmp_path):
    marker = tmp_path / "child.pid"
    # like soffice: a launcher whose child does the work (here: sleeps)
    settings = _settings_with(_script(tmp_path, f"sleep 60 & echo $! > {marker}; wait"))
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK")
    started = time.monotonic()
    with pytest.raises(PdfFailed, match="quá lâu"):
        convert_files(settings, [source], tmp_path / "out", timeout=1)
    assert time.monotonic() - started < 10
    child = int(marker.read_text())
    for _ in range(50):
        if not _running(child):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the converter's child process survived the timeout")


def test_the_configured_converter_must_exist(tmp_path):
    assert converter(_settings_with(tmp_path / "nowhere" / "soffice")) is None
