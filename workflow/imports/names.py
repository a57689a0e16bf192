"""Who a name in a spreadsheet means: matching people and departments of the directory.

A name is compared first by its syllables (case, composed/decomposed Unicode and the old
or new tone placement "Hoà"/"Hòa" do not matter, but "Hà" and "Hạ" differ). A name typed
without any diacritics falls back to `fold`. When two people still match, the row says
so and asks for a birth date or a department rather than guessing.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AgencyIdentity, Department, Person
from ..text import fold, nfc
from .values import RowRefused

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def name_key(name: str | None) -> str:
    """'Lê Thị Hoà' and 'lê thị hòa' -> the same key: each word's letters, then its tone."""
    words = []
    for word in (nfc(name) or "").lower().split(" "):
        decomposed = unicodedata.normalize("NFD", word)
        letters = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        tones = "".join(sorted(c for c in decomposed if c in _TONES))
        words.append(letters + ("|" + tones if tones else ""))
    return " ".join(w for w in words if w)


def has_diacritics(name: str) -> bool:
    return fold(name) != (nfc(name) or "").lower()


@dataclass
class PersonRef:
    id: int | None
    full_name: str
    birth_date: date | None
    department_id: int | None
    row: int | None = None  # the file row that creates this person, before it exists


def _describe(p: PersonRef, departments: dict[int, str]) -> str:
    bits = [departments.get(p.department_id, "chưa thuộc phòng nào")]
    if p.birth_date:
        bits.append(f"sinh {p.birth_date:%d/%m/%Y}")
    return ", ".join(bits)


class Directory:
    """A snapshot of departments and people, kept up to date as the file's own rows add to it."""

    def __init__(self, session: Session):
        self.department_names: dict[int, str] = {}
        self._departments: dict[str, int] = {}
        self._dept_codes: dict[str, int] = {}
        for d in session.execute(select(Department.id, Department.code, Department.name)):
            self.add_department(d.id, d.code, d.name)
        self.agency_names = {fold(n) for row in session.execute(
            select(AgencyIdentity.name, AgencyIdentity.short_name)) for n in row if n}
        self._by_key: dict[str, list[PersonRef]] = defaultdict(list)
        self._by_fold: dict[str, list[PersonRef]] = defaultdict(list)
        self._names: dict[int, str] = {}
        for p in session.execute(select(Person.id, Person.full_name, Person.birth_date, Person.department_id)):
            self.add_person(PersonRef(p.id, p.full_name, p.birth_date, p.department_id))

    # --- departments ---------------------------------------------------------------------
    def add_department(self, dept_id, code: str, name: str) -> None:
        self.department_names[dept_id] = name
        self._departments[fold(name)] = dept_id
        self._dept_codes[fold(code)] = dept_id

    def department(self, value: str, column: str, *, agency_ok: bool = False) -> int | None:
        """The department a cell names, by code or name; None for an empty cell (or the agency itself)."""
        raw = fold(value)
        if not raw:
            return None
        found = self._dept_codes.get(raw) or self._departments.get(raw)
        if found is None and not raw.startswith("phong "):
            found = self._departments.get("phong " + raw)  # "Kế hoạch" for "Phòng Kế hoạch"
        if found is None and agency_ok and raw in self.agency_names:
            return None
        if found is None:
            raise RowRefused("unknown_department", f"Cột “{column}”: không có phòng “{value}” trong danh mục.")
        return found

    def has_department_code(self, code: str) -> bool:
        return fold(code) in self._dept_codes

    def department_by_name(self, name: str) -> int | None:
        return self._departments.get(fold(name))

    # --- people ----------------------------------------------------------------------------
    def add_person(self, ref: PersonRef) -> None:
        if ref.id is not None:
            self._names[ref.id] = ref.full_name
        self._by_key[name_key(ref.full_name)].append(ref)
        self._by_fold[fold(ref.full_name)].append(ref)

    def person_name(self, person_id: int) -> str:
        return self._names.get(person_id, str(person_id))

    def namesakes(self, name: str) -> list[PersonRef]:
        """Everyone the name may mean, before birth date or department narrow it down."""
        exact = self._by_key.get(name_key(name), [])
        if exact or has_diacritics(name):
            return list(exact)
        return list(self._by_fold.get(fold(name), []))

    def person(self, name: str, *, birth_date: date | None = None, department_id: int | None = None,
               must_exist: bool = True) -> PersonRef | None:
        """The one person a name means, narrowed by birth date and department; refuses to guess."""
        found = self.namesakes(name)
        if birth_date:
            found = [p for p in found if p.birth_date in (None, birth_date)]
        if department_id and len(found) > 1:
            found = [p for p in found if p.department_id == department_id] or found
        if len(found) > 1 and birth_date:
            found = [p for p in found if p.birth_date == birth_date] or found
        if len(found) == 1:
            return found[0]
        if not found:
            if not must_exist:
                return None
            hint = f" sinh {birth_date:%d/%m/%Y}" if birth_date else ""
            raise RowRefused("unknown_person", f"Không tìm thấy cán bộ “{name}”{hint} trong danh sách cán bộ.")
        who = "; ".join(_describe(p, self.department_names) for p in found)
        raise RowRefused("ambiguous_name", f"Có {len(found)} người tên “{name}” ({who}): thêm ngày sinh"
                                           " hoặc phòng để phân biệt.")
