"""Importing the initiative register with its recognition, appraisal and contest decisions."""
from __future__ import annotations

import re

from sqlalchemy import select

from ..models import INITIATIVE_FIELDS, Initiative, InitiativeAuthor
from ..text import fold, nfc
from . import values as v
from .base import DEPARTMENT_ALIASES, STT, YEAR_ALIASES, Kind, Planner, changes
from .engine import RowResult
from .headers import Column
from .values import RowRefused

# Each decision: (field prefix, title, the words its column titles use).
DECISIONS = (
    ("recognition", "Công nhận tại cơ quan", ("cong nhan", "cong nhan tai co quan", "cong nhan cap co quan",
                                              "cong nhan sang kien", "co quan cong nhan")),
    ("appraisal", "Thẩm định của Sở Nội vụ", ("tham dinh", "tham dinh cua so noi vu", "so noi vu tham dinh",
                                              "ket qua tham dinh")),
    ("contest_recognition", "Công nhận tại cuộc thi của Sở Nội vụ", (
        "cong nhan tai cuoc thi", "so noi vu cong nhan tai cuoc thi", "cong nhan cua so noi vu tai cuoc thi",
        "cong nhan cuoc thi", "cuoc thi cong nhan", "giai tai cuoc thi")),
)


def _decision_aliases(words: tuple[str, ...], part: str) -> tuple[str, ...]:
    out = []
    for w in words:
        if part == "number":
            out += [f"so qd {w}", f"so quyet dinh {w}", f"{w} so", f"qd {w} so", f"quyet dinh {w} so",
                    f"so van ban {w}", f"van ban {w} so", f"qd {w}", f"quyet dinh {w}", f"{w} so qd",
                    f"{w} so quyet dinh", f"so hieu qd {w}"]
        else:
            out += [f"ngay {w}", f"{w} ngay", f"qd {w} ngay", f"quyet dinh {w} ngay", f"ngay qd {w}",
                    f"ngay quyet dinh {w}", f"van ban {w} ngay", f"ngay ky qd {w}", f"{w} ngay ky",
                    f"{w} ngay qd", f"{w} ngay quyet dinh"]
    return tuple(out)


COLUMNS = [
    STT,
    Column("title", "Tên sáng kiến", (
        "ten sang kien", "ten sang kien giai phap", "ten mo hinh giai phap sang kien", "ten giai phap sang kien",
        "sang kien", "ten de tai sang kien", "ten mo hinh sang kien", "ten sang kien mo hinh giai phap",
        "ten mo hinh sang kien giai phap", "ten"), required=True),
    Column("field", "Lĩnh vực", ("linh vuc", "linh vuc cchc", "thuoc linh vuc", "linh vuc cai cach")),
    Column("topic", "Chủ đề", ("chu de", "noi dung", "tom tat", "tom tat noi dung", "noi dung chinh")),
    Column("year", "Năm", YEAR_ALIASES),
    Column("authors", "Tác giả", ("tac gia", "tac gia dong tac gia", "ca nhan tac gia", "ho va ten tac gia",
                                  "tac gia sang kien", "nguoi thuc hien", "tac gia dong tac gia sang kien")),
    Column("department", "Phòng (tập thể)", DEPARTMENT_ALIASES + ("tap the", "don vi tac gia", "phong chu tri",
                                                                  "tap the tac gia")),
    *[Column(f"{p}_{part}", f"{title} — {'số' if part == 'number' else 'ngày'}", _decision_aliases(words, part))
      for p, title, words in DECISIONS for part in ("number", "date")],
]
# "12/QĐ-BDT ngày 05/6/2024" typed in one cell
_NUMBER_AND_DATE = re.compile(r"^(.+?)[,;]?\s+ng[aà]y\s+(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})$", re.IGNORECASE)
_TITLES = re.compile(r"^(ths|ts|pgs ts|ks|cn|ong|ba|anh|chi|dong chi|d c)\.?\s+", re.IGNORECASE)
_NOTE = re.compile(r"^(.*?)\s*\(([^)]*)\)\s*$")


class InitiativePlanner(Planner):
    label_field = "title"

    def __init__(self, session, ctx, layout, options):
        super().__init__(session, ctx, layout, options)
        self.default_year = options.get("year")
        self.existing: dict[tuple, list[Initiative]] = {}
        for item in session.scalars(select(Initiative)):
            self.existing.setdefault((item.search_title, item.year), []).append(item)

    def _decision(self, raw, prefix: str, title: str) -> tuple[str | None, object]:
        number = self.text(raw, f"{prefix}_number") or None
        when = v.a_date(self.cell(raw, f"{prefix}_date"), self.title(f"{prefix}_date"))
        if number and when is None:
            m = _NUMBER_AND_DATE.match(number)
            if m:
                number, when = m.group(1).strip(), v.a_date(m.group(2).replace(" ", ""), self.title(f"{prefix}_number"))
        if (number is None) != (when is None):
            raise RowRefused("bad_decision", f"{title}: cần cả số và ngày quyết định.")
        return number, when

    def _author(self, text: str, dept: int | None) -> int:
        name, birth, author_dept = _TITLES.sub("", text.strip()), None, dept
        m = _NOTE.match(name)
        if m:  # "Nguyễn Văn An (12/03/1980)" or "Nguyễn Văn An (Phòng Kế hoạch)"
            name, note = m.group(1).strip(), m.group(2).strip()
            try:
                birth = v.a_date(note, self.title("authors"))
            except RowRefused:
                author_dept = self.directory.department(note, self.title("authors"))
        return self.directory.person(name, birth_date=birth, department_id=author_dept).id

    def _values(self, raw) -> dict:
        values = {"field": v.initiative_field(self.cell(raw, "field"), self.title("field")),
                  "topic": self.text(raw, "topic") or None,
                  "department_id": self.directory.department(self.text(raw, "department"), self.title("department"))}
        for prefix, title, _ in DECISIONS:
            values[f"{prefix}_number"], values[f"{prefix}_date"] = self._decision(raw, prefix, title)
        if values["appraisal_number"] and not values["recognition_number"]:
            raise RowRefused("bad_decision", "Sáng kiến phải được công nhận tại cơ quan trước khi được thẩm định.")
        names = [n for n in re.split(r"[;,\n]+", self.text(raw, "authors")) if n.strip()]
        values["author_ids"] = tuple(dict.fromkeys(self._author(n, values["department_id"]) for n in names)) or None
        if not values["author_ids"] and not values["department_id"]:
            raise RowRefused("missing_author", "Cần ít nhất một tác giả (cá nhân hoặc phòng).")
        return values

    def plan(self, raw) -> RowResult:
        title = nfc(self.text(raw, "title"))
        if not title:
            raise RowRefused("missing_name", "Thiếu tên sáng kiến.")
        values = self._values(raw)
        year = (v.year(self.cell(raw, "year"), self.title("year")) or self.default_year
                or (values["recognition_date"].year if values["recognition_date"] else None))
        if not year:
            raise RowRefused("bad_value", "Thiếu năm của sáng kiến (thêm cột “Năm” hoặc ngày công nhận).")
        key = (fold(title), year)
        self.once(key, raw.line)
        found = self.existing.get(key, [])
        if len(found) > 1:
            raise RowRefused("ambiguous_name", f"Sổ đã có {len(found)} sáng kiến “{title}” năm {year}:"
                                               " sửa trực tiếp trên sổ theo dõi.")
        writer = InitiativeWriter(self.ctx, title, year, values)
        shown = self._shown(values)
        if not found:
            return RowResult(raw.line, "create", f"{title} ({year})", changes=changes({}, shown, self.titles_all()),
                             write=writer.create)
        item = found[0]
        diff = changes(self._shown(_current(item)), shown, self.titles_all())
        if not diff:
            return RowResult(raw.line, "unchanged", f"{title} ({year})")
        return RowResult(raw.line, "update", f"{title} ({year})", changes=diff,
                         write=lambda s: writer.update(s, item.id))

    def titles_all(self) -> dict:
        return {**self.layout.titles, "department_id": self.title("department"), "author_ids": self.title("authors"),
                "field": self.title("field")}

    def _shown(self, values: dict) -> dict:
        shown = dict(values)
        shown["field"] = INITIATIVE_FIELDS[values["field"]]
        if values.get("department_id"):
            shown["department_id"] = self.directory.department_names.get(values["department_id"])
        if values.get("author_ids"):
            shown["author_ids"] = tuple(sorted(self.directory.person_name(i) for i in values["author_ids"]))
        return shown


def _current(item: Initiative) -> dict:
    return {"field": item.field, "topic": item.topic or None, "department_id": item.department_id,
            "author_ids": tuple(a.person_id for a in item.authors) or None,
            **{f"{p}_{part}": getattr(item, f"{p}_{part}") for p, _, _ in DECISIONS for part in ("number", "date")}}


class InitiativeWriter:
    """Writes one planned initiative inside the apply transaction."""

    def __init__(self, ctx, title: str, year: int, values: dict):
        self.ctx, self.title, self.year, self.values = ctx, title, year, values

    def create(self, s):
        item = Initiative(title=self.title, year=self.year, topic="", created_at=self.ctx.clock.now())
        s.add(item)
        self._fill(item)
        return item, "create_initiative", "initiative", self._payload()

    def update(self, s, item_id: int):
        item = s.get(Initiative, item_id)
        self._fill(item)
        return item, "update_initiative", "initiative", self._payload()

    def _fill(self, item: Initiative) -> None:
        # Like save_initiative, but an empty cell keeps what the register holds.
        for key, value in self.values.items():
            if value in (None, "") or key == "author_ids":
                continue
            setattr(item, key, value)
        if self.values["author_ids"]:
            item.authors[:] = [InitiativeAuthor(person_id=pid) for pid in self.values["author_ids"]]

    def _payload(self) -> dict:
        v_ = self.values
        return {"title": self.title, "year": self.year, "authors": list(v_["author_ids"] or []),
                "department_id": v_["department_id"], "recognition_number": v_["recognition_number"],
                "appraisal_number": v_["appraisal_number"],
                "contest_recognition_number": v_["contest_recognition_number"]}


INITIATIVES = Kind("initiatives", "sổ sáng kiến", COLUMNS, InitiativePlanner)
