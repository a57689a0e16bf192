"""PDF through LibreOffice headless: one process per batch, each with its own profile directory."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import DomainError


class PdfUnavailable(DomainError):
    """No converter on this server: the .docx still works, the PDF cannot be made."""

    status = 503


class PdfFailed(DomainError):
    status = 500


def converter(settings) -> str | None:
    """The soffice executable: [documents] soffice in the settings, else soffice/libreoffice on PATH."""
    configured = settings.section("documents").get("soffice") if settings is not None else None
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_converter(settings) -> str:
    exe = converter(settings)
    if not exe:
        raise PdfUnavailable("pdf_converter_missing",
                             "Máy chủ chưa cài LibreOffice (lệnh soffice) nên không tạo được bản PDF. "
                             "Hãy tải bản .docx, hoặc nhờ quản trị cài LibreOffice.")
    return exe


def convert_files(settings, files: list[Path], out_dir: Path, *, timeout: float | None = None) -> list[Path]:
    """Convert .docx files to PDF into out_dir (one soffice run); returns the PDFs in the same order."""
    if not files:
        return []
    exe = require_converter(settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    # A private profile per run: concurrent conversions never share (or lock) a profile.
    profile = Path(tempfile.mkdtemp(prefix="thidua-lo-profile-"))
    try:
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
               "--nodefault", "--nofirststartwizard", "--convert-to", "pdf", "--outdir", str(out_dir),
               *[str(f) for f in files]]
        output = _run(cmd, timeout or 120 + 3 * len(files))
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdfs = [out_dir / f"{Path(f).stem}.pdf" for f in files]
    missing = [p.name for p in pdfs if not p.is_file()]
    if missing:
        detail = output.decode("utf-8", "replace").strip()[-300:]
        raise PdfFailed("pdf_failed", f"Không chuyển được sang PDF: {', '.join(missing[:5])}. {detail}".strip())
    return pdfs


def _run(cmd: list[str], timeout: float) -> bytes:
    """Run soffice in its own process group, so that a timeout ends soffice.bin too, not just its launcher."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        return proc.communicate(timeout=timeout)[0] or b""
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise PdfFailed("pdf_timeout", "LibreOffice chuyển sang PDF quá lâu; đã dừng.") from None


def docx_to_pdf(settings, items: list[tuple[str, bytes]]) -> list[bytes]:
    """Convert in-memory .docx files (name, bytes) in one batch; returns the PDF bytes in order."""
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        files = []
        for i, (_name, data) in enumerate(items):
            path = src / f"{i:05d}.docx"  # unique stems: equal names never collide
            path.write_bytes(data)
            files.append(path)
        return [p.read_bytes() for p in convert_files(settings, files, Path(tmp) / "pdf")]
