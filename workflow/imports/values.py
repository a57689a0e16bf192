"""Cell values as spreadsheets give them: Excel serial dates, text dates, decimal commas.

Each parser returns the typed value or raises `RowRefused` with the reason a user reads.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from ..models import CONTEST_KINDS, INITIATIVE_FIELDS, TASK_RATINGS
from ..text import fold, nfc

# Excel's day 0 (its 1900 leap-year bug makes 1899-12-30 the right base after February 1900).
_EXCEL_EPOCH = date(1899, 12, 30)
# Serials between 1950 and 2100: a bare number outside this range is not a date.
_SERIAL_RANGE = (18264, 73051)
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORDY = re.compile(r"^ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})$")


class RowRefused(Exception):
    """This row cannot be imported; `code` is stable, `message` is for the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def text(value) -> str:
    """Any cell as trimmed NFC text ('' for empty); whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value)) or ""


def a_date(value, column: str) -> date | None:
    """A date from a datetime cell, an Excel serial, or text dd/mm/yyyy (also yyyy-mm-dd)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value, column, value)
    raw = text(value)
    if not raw:
        return None
    if raw.isdigit():
        return _serial(int(raw), column, raw)
    for pattern, order in ((_DMY, "dmy"), (_YMD, "ymd"), (_WORDY, "dmy")):
        m = pattern.match(raw if pattern is not _WORDY else fold(raw))
        if m:
            parts = [int(x) for x in m.groups()]
            d, mth, y = parts if order == "dmy" else (parts[2], parts[1], parts[0])
            try:
                return date(y, mth, d)
            except ValueError:
                break
    raise RowRefused("bad_date", f"Cột “{column}”: “{raw}” không phải ngày hợp lệ (dạng ngày/tháng/năm).")


def _serial(number, column: str, shown) -> date:
    if not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        raise RowRefused("bad_date", f"Cột “{column}”: “{shown}” không phải ngày hợp lệ (dạng ngày/tháng/năm).")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def year(value, column: str) -> int | None:
    """A year 2000–2100 from a number, text, or a date cell."""
    if value is None or value == "":
        return None
    if isinstance(value, (datetime, date)):
        return value.year
    raw = text(value)
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    raise RowRefused("bad_value", f"Cột “{column}”: “{raw}” không phải năm hợp lệ (2000–2100).")


def number(value, column: str) -> float | None:
    """A score: 9.5, '9,5' (Vietnamese decimal comma) or '9.5'."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raw = text(value).replace(" ", "")
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        result = Decimal(raw)
    except InvalidOperation:
        raise RowRefused("bad_value", f"Cột “{column}”: “{text(value)}” không phải số.") from None
    if not result.is_finite() or abs(result) >= 10**6:
        raise RowRefused("bad_value", f"Cột “{column}”: “{text(value)}” không phải số hợp lệ.")
    return float(result)


_YES = {"co", "x", "1", "yes", "true", "dat", "tham gia", "da tham gia", "v"}
_NO = {"khong", "0", "no", "false", "khong tham gia", "chua tham gia"}


def yes_no(value, column: str, default: bool) -> bool:
    raw = fold(text(value))
    if not raw:
        return default
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise RowRefused("bad_value", f"Cột “{column}”: “{text(value)}” phải là “có” hoặc “không”.")


_GENDERS = {"nam": "nam", "nu": "nu", "n": "nu", "male": "nam", "female": "nu"}


def gender(value, column: str) -> str | None:
    raw = fold(text(value))
    if not raw:
        return None
    if raw in _GENDERS:
        return _GENDERS[raw]
    raise RowRefused("bad_value", f"Cột “{column}”: giới tính “{text(value)}” phải là “Nam” hoặc “Nữ”.")


# Abbreviations used in appraisal lists: HTXSNV, HTTNV, HTNV, KHTNV.
_RATING_WORDS = {
    "htxsnv": "excellent", "xuat sac": "excellent", "hoan thanh xuat sac": "excellent",
    "httnv": "good", "tot": "good", "hoan thanh tot": "good",
    "htnv": "completed", "hoan thanh": "completed",
    "khtnv": "not_completed", "khong hoan thanh": "not_completed",
}


def rating(value, column: str) -> str:
    raw = fold(text(value))
    if raw in TASK_RATINGS:
        return raw
    for code, title in TASK_RATINGS.items():
        if raw == fold(title):
            return code
    raw = raw.removesuffix(" nhiem vu").removesuffix(" nv").strip()
    if raw in _RATING_WORDS:
        return _RATING_WORDS[raw]
    raise RowRefused("bad_value", f"Cột “{column}”: xếp loại “{text(value)}” không hợp lệ"
                                  " (Hoàn thành xuất sắc / tốt / hoàn thành / không hoàn thành nhiệm vụ).")


# Key words of the plan's seven fields, checked in this order.
_FIELD_WORDS = (
    ("chinh quyen dien tu", "e_government"), ("chinh quyen so", "e_government"), ("dien tu", "e_government"),
    ("thu tuc", "procedures"), ("the che", "institutions"), ("to chuc bo may", "organisation"),
    ("bo may", "organisation"), ("cong vu", "civil_service"), ("tai chinh", "public_finance"),
    ("chi dao", "direction"),
)


def initiative_field(value, column: str) -> str:
    raw = fold(text(value))
    if raw in INITIATIVE_FIELDS:
        return raw
    if raw.isdigit() and 1 <= int(raw) <= len(INITIATIVE_FIELDS):
        return list(INITIATIVE_FIELDS)[int(raw) - 1]
    for words, code in _FIELD_WORDS:
        if words in raw:
            return code
    raise RowRefused("bad_value", f"Cột “{column}”: lĩnh vực “{text(value)}” không thuộc 7 lĩnh vực của Kế hoạch.")


def contest_kind(value, column: str, default: str) -> str:
    raw = fold(text(value))
    if not raw:
        return default
    if raw in CONTEST_KINDS:
        return raw
    if "viet" in raw or "sang kien" in raw:
        return "written_initiative"
    if "truc tuyen" in raw or "online" in raw or "tim hieu" in raw:
        return "online_cchc"
    raise RowRefused("bad_value", f"Cột “{column}”: cuộc thi “{text(value)}” không rõ"
                                  " (trực tuyến tìm hiểu CCHC hoặc cuộc thi viết sáng kiến).")
