"""Importing what an agency already keeps in Excel: departments, people, contest results,
initiatives and task ratings. `preview` writes nothing; `apply` writes in one transaction.
"""
from __future__ import annotations

from .contests import CONTEST_RESULTS
from .engine import IMPORTERS, STATUS_TITLES, ImportResult, RowResult, apply, preview
from .initiatives import INITIATIVES
from .people import DEPARTMENTS, PEOPLE
from .ratings import TASK_RATINGS_KIND

KINDS = {k.name: k for k in (DEPARTMENTS, PEOPLE, CONTEST_RESULTS, INITIATIVES, TASK_RATINGS_KIND)}
KIND_TITLES = {
    "departments": "Danh sách phòng",
    "people": "Danh sách cán bộ",
    "contest-results": "Kết quả cuộc thi",
    "initiatives": "Sổ sáng kiến",
    "task-ratings": "Xếp loại hoàn thành nhiệm vụ",
}


def preview_file(ctx, user_id: int, kind: str, data: bytes, filename: str, options: dict | None = None,
                 progress=None) -> ImportResult:
    """What importing `data` as `kind` would do; nothing is written."""
    return preview(ctx, user_id, KINDS[kind], data, filename, options, progress)


def apply_file(ctx, user_id: int, kind: str, data: bytes, filename: str, options: dict | None = None,
               expect: str | None = None, progress=None) -> ImportResult:
    """Import `data` as `kind` in one transaction (refused rows skipped); see ImportResult."""
    return apply(ctx, user_id, KINDS[kind], data, filename, options, expect=expect, progress=progress)


__all__ = [
    "IMPORTERS",
    "KINDS",
    "KIND_TITLES",
    "STATUS_TITLES",
    "ImportResult",
    "RowResult",
    "apply_file",
    "preview_file",
]
