"""Importing the directory: departments, then people (staff lists as agencies keep them)."""
from __future__ import annotations

import re

from sqlalchemy import select

from ..email_address import parse_email
from ..models import Department, Person
from ..text import fold, nfc
from ..units import initial_version
from . import values as v
from .base import BIRTH_ALIASES, DEPARTMENT_ALIASES, NAME_ALIASES, STT, Kind, Planner, changes
from .engine import RowResult
from .headers import Column
from .names import PersonRef
from .values import RowRefused

# Letters (any script), spaces, and the few marks names carry; no digits, no colons.
_NAME = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*$")

PEOPLE_COLUMNS = [
    STT,
    Column("full_name", "Họ và tên", NAME_ALIASES, required=True),
    Column("birth_date", "Ngày sinh", BIRTH_ALIASES),
    Column("gender", "Giới tính", ("gioi tinh", "nam nu", "phai")),
    Column("department", "Phòng", DEPARTMENT_ALIASES),
    Column("position", "Chức vụ", ("chuc vu", "chuc danh", "chuc vu chuc danh", "chuc vu hien tai")),
    Column("email", "Email", ("email", "e mail", "thu dien tu", "dia chi email", "dia chi thu dien tu")),
    Column("hometown", "Quê quán", ("que quan", "nguyen quan")),
    Column("residence", "Nơi ở", ("noi o", "noi o hien nay", "cho o hien nay", "dia chi", "thuong tru",
                                  "noi thuong tru", "dia chi thuong tru", "tru quan")),
    Column("qualifications", "Trình độ chuyên môn", ("trinh do chuyen mon", "trinh do", "trinh do chuyen mon nghiep vu",
                                                     "chuyen mon", "hoc van")),
]


def valid_name(name: str) -> str:
    if not name:
        raise RowRefused("missing_name", "Thiếu họ và tên.")
    if not _NAME.match(name) or len(name) > 200:
        raise RowRefused("invalid_name", f"“{name}” không phải họ và tên hợp lệ.")
    return name


class PeoplePlanner(Planner):
    FIELDS = ("birth_date", "gender", "department_id", "position", "email", "hometown", "residence",
              "qualifications")

    def __init__(self, session, ctx, layout, options):
        super().__init__(session, ctx, layout, options)
        self.current = {p.id: {f: getattr(p, f) for f in self.FIELDS} for p in session.scalars(select(Person))}
        self.titles = {**layout.titles, "department_id": self.title("department")}

    def _values(self, raw) -> dict:
        email = self.text(raw, "email") or None
        if email:
            try:
                email = parse_email(email).normalized
            except ValueError as exc:
                raise RowRefused("bad_value", f"Cột “{self.title('email')}”: {exc}") from None
        return {
            "birth_date": v.a_date(self.cell(raw, "birth_date"), self.title("birth_date")),
            "gender": v.gender(self.cell(raw, "gender"), self.title("gender")),
            "department_id": self.directory.department(self.text(raw, "department"), self.title("department")),
            "position": self.text(raw, "position") or None, "email": email,
            "hometown": self.text(raw, "hometown") or None, "residence": self.text(raw, "residence") or None,
            "qualifications": self.text(raw, "qualifications") or None,
        }

    def plan(self, raw) -> RowResult:
        name = valid_name(self.text(raw, "full_name"))
        values = self._values(raw)
        ref = self.directory.person(name, birth_date=values["birth_date"], department_id=values["department_id"],
                                    must_exist=False)
        if ref is not None and ref.id is None:
            raise RowRefused("duplicate", f"Trùng với dòng {ref.row} của tệp (cùng họ tên và ngày sinh).")
        if ref is None:
            ref = PersonRef(None, name, values["birth_date"], values["department_id"], row=raw.line)
            self.directory.add_person(ref)
            shown = {"Họ và tên": ["", name]} | changes({}, self._shown(values), self.titles)
            return RowResult(raw.line, "create", name, changes=shown, write=lambda s: self._create(s, name, values))
        self.once(ref.id, raw.line)
        diff = changes(self._shown(self.current[ref.id]), self._shown(values), self.titles)
        if not diff:
            return RowResult(raw.line, "unchanged", ref.full_name)
        return RowResult(raw.line, "update", ref.full_name, changes=diff,
                         write=lambda s: self._update(s, ref.id, values))

    def _shown(self, values: dict) -> dict:
        """Values as the preview shows them: the department's name, "Nam"/"Nữ"."""
        shown = dict(values)
        shown["department_id"] = self.directory.department_names.get(values["department_id"])
        shown["gender"] = {"nam": "Nam", "nu": "Nữ"}.get(values["gender"])
        return shown

    def _create(self, s, name, values):
        person = Person(full_name=name, active=True, **values)
        s.add(person)
        return person, "create_person", "person", {"full_name": name, "department_id": values["department_id"]}

    def _update(self, s, person_id, values):
        person = s.get(Person, person_id)
        given = {k: val for k, val in values.items() if val not in (None, "")}
        previous = {k: v_show(getattr(person, k)) for k in given}
        for key, val in given.items():
            setattr(person, key, val)
        return person, "update_person", "person", {"changes": {k: v_show(val) for k, val in given.items()},
                                                    "previous": previous}


def v_show(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


PEOPLE = Kind("people", "danh sách cán bộ", PEOPLE_COLUMNS, PeoplePlanner)


# --- departments ---------------------------------------------------------------------------

DEPARTMENT_COLUMNS = [
    STT,
    Column("code", "Mã phòng", ("ma phong", "ma", "ma don vi", "ky hieu", "ma phong ban")),
    Column("name", "Tên phòng", ("ten phong", "phong", "ten don vi", "don vi", "phong ban", "ten phong ban"),
           required=True),
    Column("functions", "Chức năng, nhiệm vụ", ("chuc nang", "chuc nang nhiem vu", "nhiem vu")),
    Column("address", "Địa chỉ", ("dia chi", "dia chi tru so", "tru so", "dia diem tru so")),
    Column("phone", "Điện thoại", ("dien thoai", "so dien thoai", "dt")),
    Column("email", "Email", ("email", "e mail", "thu dien tu", "dia chi email")),
]
CONTACT_FIELDS = ("address", "phone", "email")


def initials(name: str) -> str:
    """'Phòng Kế hoạch - Tài chính' -> 'KHTC' (the word "Phòng" left out)."""
    words = [w for w in fold(name).replace("-", " ").split() if w != "phong"]
    return "".join(w[0] for w in words).upper() or "P"


class DepartmentPlanner(Planner):
    label_field = "name"

    def __init__(self, session, ctx, layout, options):
        super().__init__(session, ctx, layout, options)
        self.current = {d.id: {"code": d.code, "name": d.name, "functions": d.functions, "address": d.address,
                               "phone": d.phone, "email": d.email}
                        for d in session.scalars(select(Department))}

    def _code(self, name: str) -> str:
        base, n = initials(name), 1
        code = base
        while self.directory.has_department_code(code):
            n += 1
            code = f"{base}{n}"
        return code

    def plan(self, raw) -> RowResult:
        name = self.text(raw, "name")
        if not name:
            raise RowRefused("missing_name", "Thiếu tên phòng.")
        code = self.text(raw, "code")
        functions = self.text(raw, "functions") or None
        contact = {f: self.text(raw, f) or None for f in CONTACT_FIELDS}
        if contact["email"] and ("@" not in contact["email"] or " " in contact["email"]):
            raise RowRefused("bad_value", f"Cột “{self.title('email')}”: “{contact['email']}” không phải địa chỉ email.")
        existing = (self.directory.department(code, self.title("code")) if code and
                    self.directory.has_department_code(code) else self.directory.department_by_name(name))
        if existing is None:
            code = code or self._code(name)
            self.once(("new", fold(name)), raw.line)
            self.directory.add_department(("row", raw.line), code, name)
            values = {"code": code, "name": name, "functions": functions, **contact}
            return RowResult(raw.line, "create", name, changes=changes({}, values, self.layout.titles),
                             write=lambda s: self._create(s, values))
        if not isinstance(existing, int):
            raise RowRefused("duplicate", f"Trùng với dòng {existing[1]} của tệp.")
        self.once(existing, raw.line)
        values = {"name": nfc(name), "functions": functions, **{k: v for k, v in contact.items() if v}}
        diff = changes(self.current[existing], values, self.layout.titles)
        if not diff:
            return RowResult(raw.line, "unchanged", name)
        return RowResult(raw.line, "update", name, changes=diff, write=lambda s: self._update(s, existing, values))

    def _create(self, s, values):
        dept = Department(code=values["code"], name=values["name"], functions=values["functions"] or "", active=True)
        for f in CONTACT_FIELDS:
            if values.get(f):
                setattr(dept, f, values[f])
        dept.versions.append(initial_version(values["name"]))
        s.add(dept)
        return dept, "create_department", "department", {"code": dept.code, "name": dept.name}

    def _update(self, s, dept_id, values):
        dept = s.get(Department, dept_id)
        previous = {"name": dept.name, "functions": dept.functions}
        dept.name = values["name"]
        if values["functions"]:
            dept.functions = values["functions"]
        for f in CONTACT_FIELDS:
            if values.get(f):
                setattr(dept, f, values[f])
        return dept, "update_department", "department", {"name": dept.name, "previous": previous}


DEPARTMENTS = Kind("departments", "danh sách phòng", DEPARTMENT_COLUMNS, DepartmentPlanner)
