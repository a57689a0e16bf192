"""Preview (nothing written) and apply (one transaction, one audit row per record) of an import."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ..actors import load_actor
from ..audit import audit
from ..errors import Conflict, Forbidden, Invalid, Problem
from .headers import Layout, find_layout
from .tables import read_table
from .values import RowRefused

IMPORTERS = ("admin", "council_secretary")
REASON_TITLES = {
    "unknown_department": "phòng không có trong danh mục", "bad_date": "ngày không hợp lệ",
    "duplicate": "trùng dòng trong tệp", "missing_name": "thiếu tên", "invalid_name": "tên không hợp lệ",
    "ambiguous_name": "trùng họ tên, cần phân biệt", "unknown_person": "không tìm thấy cán bộ",
    "bad_value": "giá trị không hợp lệ", "bad_decision": "quyết định thiếu số hoặc ngày",
    "missing_author": "thiếu tác giả",
}
STATUS_TITLES = {"create": "Tạo mới", "update": "Cập nhật", "unchanged": "Không đổi", "refused": "Từ chối"}


@dataclass
class RowResult:
    """What importing one row would do (preview) or did (apply)."""

    line: int
    status: str                       # create | update | unchanged | refused
    label: str
    reason: str = ""
    code: str = ""
    changes: dict = field(default_factory=dict)   # column title -> [before, after]
    # Writes the row in the apply transaction: returns (object, audit action, entity type, payload).
    write: Callable[[Session], tuple] | None = field(default=None, repr=False, compare=False)

    @property
    def status_title(self) -> str:
        return STATUS_TITLES[self.status]

    def as_dict(self) -> dict:
        return {"line": self.line, "status": self.status, "status_title": self.status_title, "label": self.label,
                "reason": self.reason, "code": self.code, "changes": self.changes}


@dataclass
class ImportResult:
    kind: str
    title: str
    filename: str
    sha256: str
    rows: list[RowResult]
    columns: dict[str, str]           # column title -> header text found in the file
    ignored_columns: list[str]
    header_lines: list[int]
    applied: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUS_TITLES}

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "refused"]

    @property
    def refusal_summary(self) -> dict[str, int]:
        """{reason title: rows refused for it}, most frequent first."""
        counts: dict[str, int] = {}
        for r in self.refused:
            title = REASON_TITLES.get(r.code, r.code)
            counts[title] = counts.get(title, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

    @property
    def changed(self) -> list[RowResult]:
        return [r for r in self.rows if r.status in ("create", "update")]

    @property
    def fingerprint(self) -> str:
        """Identifies what the preview promised; apply refuses if the data moved since."""
        body = json.dumps([[r.line, r.status, r.code, r.changes] for r in self.rows], default=str, sort_keys=True)
        return hashlib.sha256((self.sha256 + body).encode()).hexdigest()[:32]


def _require_importer(session: Session, user_id: int):
    user, actor = load_actor(session, user_id)
    if not any(actor.has(r) for r in IMPORTERS):
        raise Forbidden("not_allowed", "Chỉ Văn phòng (Thư ký Hội đồng) hoặc quản trị được nhập dữ liệu từ tệp.")
    return user


def _plan(session: Session, ctx, kind, data: bytes, filename: str, options: dict,
          progress: Callable[[int, int], None] | None) -> ImportResult:
    """Plan every row; `progress(done, total)` is called after each."""
    table = read_table(data, filename)
    layout: Layout = find_layout(table, kind.columns, kind.title)
    if not layout.data:
        raise Invalid(Problem("empty_file", f"Tệp không có dòng dữ liệu nào dưới dòng tiêu đề ({kind.title})."))
    planner = kind.planner(session, ctx, layout, options)
    rows, total = [], len(layout.data)
    for done, raw in enumerate(layout.data, start=1):
        try:
            rows.append(planner.plan(raw))
        except RowRefused as refused:
            rows.append(RowResult(raw.line, "refused", planner.label(raw), refused.message, refused.code))
        if progress:
            progress(done, total)
    return ImportResult(kind.name, kind.title, filename, hashlib.sha256(data).hexdigest(), rows,
                        layout.found, layout.ignored, layout.header_lines)


def preview(ctx, user_id: int, kind, data: bytes, filename: str, options: dict | None = None,
            progress=None) -> ImportResult:
    """What importing the file would do, row by row; nothing is written."""
    with ctx.db.reading() as s:
        _require_importer(s, user_id)
        return _plan(s, ctx, kind, data, filename, options or {}, progress)


def apply(ctx, user_id: int, kind, data: bytes, filename: str, options: dict | None = None, *,
          expect: str | None = None, progress=None) -> ImportResult:
    """Write every created/updated row in one transaction; refused rows are skipped and reported."""
    result = _apply(ctx, user_id, kind, data, filename, options, expect=expect, progress=progress)
    if len(result.changed) >= BULK_ROWS:
        ctx.db.analyze()  # many new rows: the planner's statistics are stale (SQLite has none at first)
    return result


BULK_ROWS = 1000


def _apply(ctx, user_id: int, kind, data: bytes, filename: str, options: dict | None, *,
           expect: str | None, progress) -> ImportResult:
    with ctx.db.transaction() as s:
        user = _require_importer(s, user_id)
        result = _plan(s, ctx, kind, data, filename, options or {}, progress)
        if expect and expect != result.fingerprint:
            raise Conflict("import_changed", "Dữ liệu đã thay đổi kể từ lúc xem trước; hãy xem trước lại rồi xác nhận.")
        written = [(row, *row.write(s)) for row in result.changed]
        s.flush()  # one batch of INSERTs gives every new record its id
        for row, obj, action, entity_type, payload in written:
            audit(s, ctx, actor_id=user.id, action=action, entity_type=entity_type, entity_id=obj.id,
                  payload={**payload, "import": {"kind": kind.name, "file": filename, "line": row.line}})
        if written:  # a file that changes nothing leaves no trace: importing twice is a no-op
            audit(s, ctx, actor_id=user.id, action=f"import_{kind.name.replace('-', '_')}", entity_type="import",
                  entity_id=None, comment=filename,
                  payload={"kind": kind.name, "file": filename, "sha256": result.sha256, "counts": result.counts,
                           "refused": [{"line": r.line, "code": r.code, "reason": r.reason} for r in result.refused]})
        result.applied = True
        return result
