"""Backup and restore of one instance: the database and the documents folder, in the right order.

Backup dumps the database first, then copies the documents: files are content-addressed and
never rewritten, so every row in the dump names a file that already exists when the copy
runs (the other order could save a row whose file was written after the copy). Restore
puts the documents back first, then the database, so no restored row ever lacks its file.
SQLite uses its online backup API (safe while the service runs); PostgreSQL pg_dump -Fc /
pg_restore. The archive is one .tar file with a small manifest.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from . import schema
from .audit import verify_chain
from .errors import Invalid, Problem
from .models import Document

MANIFEST = "thidua-backup.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


@dataclass(frozen=True)
class RestoreReport:
    documents: int            # files put back
    missing_files: list[str]  # document rows whose file is absent or differs after the restore
    audit_rows: int
    audit_break: str | None


def _kind(ctx) -> str:
    return "sqlite" if ctx.db.is_sqlite else "postgresql"


def _sqlite_path(ctx) -> str:
    return make_url(ctx.db.url).database


def _libpq_url(ctx) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore read it (no +driver)."""
    return make_url(ctx.db.url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(args: list[str], what: str) -> None:
    try:
        subprocess.run(args, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise Invalid(Problem("tool_missing", f"Không tìm thấy chương trình {args[0]} (cần cho {what}).")) from None
    except subprocess.CalledProcessError as exc:
        raise Invalid(Problem("tool_failed", f"{what} thất bại: {exc.stderr.strip()[:500]}")) from None


def _dump_database(ctx, target: Path) -> None:
    if ctx.db.is_sqlite:
        source, copy = sqlite3.connect(_sqlite_path(ctx)), sqlite3.connect(target)
        try:
            source.backup(copy)  # a consistent snapshot even while the service writes
        finally:
            copy.close()
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(ctx)], "Sao lưu cơ sở dữ liệu")


def backup(ctx, out: Path) -> int:
    """Write the archive `out` (database first, then documents); returns how many documents it holds."""
    out = Path(out)
    if out.exists():
        raise Invalid(Problem("exists", f"Tệp {out} đã có; hãy chọn tên khác (không ghi đè bản sao lưu cũ)."))
    out.parent.mkdir(parents=True, exist_ok=True)
    kind = _kind(ctx)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        dump = Path(tmp) / DUMPS[kind]
        _dump_database(ctx, dump)
        partial = Path(tmp) / "partial.tar"
        count = 0
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=DUMPS[kind])
            documents = ctx.settings.upload_dir
            if documents.is_dir():
                for path in sorted(p for p in documents.rglob("*") if p.is_file()):
                    tar.add(path, arcname=f"documents/{path.relative_to(documents).as_posix()}")
                    count += 1
            manifest = json.dumps({"database": kind, "schema": schema.head_revision(), "documents": count},
                                  ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(manifest)
            tar.addfile(info, fileobj=io.BytesIO(manifest))
        os.replace(partial, out)  # a half-written archive never carries the final name
    return count


def restore(ctx, archive: Path) -> RestoreReport:
    """Replace this instance's database and add the archive's documents. The service must be stopped."""
    kind = _kind(ctx)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(root, filter="data")  # refuses absolute paths, "..", links out of the folder
        except (tarfile.TarError, OSError) as exc:
            raise Invalid(Problem("unreadable_backup", f"Không đọc được tệp sao lưu {archive}: {exc}")) from None
        try:
            manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise Invalid(Problem("not_a_backup", f"{archive} không phải bản sao lưu của thidua.")) from None
        if manifest.get("database") != kind:
            raise Invalid(Problem("wrong_database", f"Bản sao lưu là của {manifest.get('database')}, "
                                                    f"còn cơ sở dữ liệu đang cấu hình là {kind}."))
        # Documents first: when the rows come back, their files are already there.
        restored = _restore_documents(root / "documents", ctx.settings.upload_dir)
        ctx.db.dispose()
        if ctx.db.is_sqlite:
            source, target = sqlite3.connect(root / DUMPS[kind]), sqlite3.connect(_sqlite_path(ctx))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  f"--dbname={_libpq_url(ctx)}", str(root / DUMPS[kind])], "Khôi phục cơ sở dữ liệu")
    return _check(ctx, restored)


def _restore_documents(source: Path, target: Path) -> int:
    count = 0
    if not source.is_dir():
        return 0
    for path in source.rglob("*"):
        if path.is_file():
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
            count += 1
    return count


def _check(ctx, restored: int) -> RestoreReport:
    """After a restore: every document row has its file with its hash, and the audit chain holds."""
    missing = []
    with ctx.db.reading() as s:
        for stored_name, sha in s.execute(select(Document.stored_name, Document.sha256)):
            path = ctx.settings.upload_dir / stored_name
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                missing.append(stored_name)
        checked, broken = verify_chain(s)
    return RestoreReport(restored, missing, checked, broken.message if broken else None)
