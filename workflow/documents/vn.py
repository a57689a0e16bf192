"""Vietnamese administrative wording: dates with Decree 30's leading zeros, counts, titles, file names."""
from __future__ import annotations

import re
from datetime import date

from ..text import fold, nfc

# Where a fact is unknown the document keeps a dotted blank to fill in by hand, as paper forms do.
BLANK = "…………………"


def day_month(d: date) -> tuple[str, str]:
    """Days 1-9 and months 1-2 take a leading zero (Decree 30/2020, Appendix I)."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"{d.day:02d}", month


def long_date(d: date | None) -> str:
    """'ngày 05 tháng 02 năm 2025'; a dotted blank for a date still to be set."""
    if d is None:
        return "ngày      tháng      năm 20…"
    day, month = day_month(d)
    return f"ngày {day} tháng {month} năm {d.year}"


def place_date(place: str, d: date | None) -> str:
    """The place-and-date line: 'Quảng Ngãi, ngày 05 tháng 02 năm 2025'."""
    return f"{place}, {long_date(d)}"


def place_date_draft(place: str, d: date) -> str:
    """A draft for signature: the day is left blank for the clerk, month and year given."""
    return f"{place}, ngày       tháng {day_month(d)[1]} năm {d.year}"


def short_date(d: date | None) -> str:
    """'05/02/2025' in references (decision dates, birth dates)."""
    if d is None:
        return BLANK
    day, month = day_month(d)
    return f"{day}/{month}/{d.year}"


def iso_date(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def count(n: int) -> str:
    """Counts under ten keep a leading zero in administrative prose: '02 tập thể'."""
    return f"{n:02d}"


def how_many(collectives: int, individuals: int) -> str:
    """'01 tập thể và 03 cá nhân', naming only the groups that are there."""
    parts = [f"{count(collectives)} tập thể"] if collectives else []
    if individuals or not collectives:
        parts.append(f"{count(individuals)} cá nhân")
    return " và ".join(parts)


def upper(text: str | None) -> str:
    return (nfc(text) or "").upper()


def lower_first(text: str | None) -> str:
    text = nfc(text) or ""
    return text[:1].lower() + text[1:]


def authority(head_title: str, short_name: str) -> str:
    """'Giám đốc Sở' + 'Sở Dân tộc và Tôn giáo' -> 'Giám đốc Sở Dân tộc và Tôn giáo'."""
    words, body = head_title.split(), short_name.split()
    if words and body and words[-1].lower() == body[0].lower():
        words = words[:-1]
    return " ".join(words + body)


def honorific(gender: str | None) -> str:
    return {"nam": "Ông", "nu": "Bà"}.get(gender or "", "Ông/Bà")


def gender_title(gender: str | None) -> str:
    return {"nam": "Nam", "nu": "Nữ"}.get(gender or "", BLANK)


def or_blank(value) -> str:
    value = nfc(str(value)) if value not in (None, "") else ""
    return value or BLANK


def number_line(number: str | None, doc_type: str, symbol: str) -> str:
    """'Số: 12/QĐ-BDT'; a blank number for the clerk to fill when the document is issued."""
    number = nfc(number) or ""
    if not number:
        return f"Số:         /{doc_type}-{symbol}"
    if "/" not in number:
        number = f"{number}/{doc_type}-{symbol}"
    return f"Số: {number}"


def slug(text: str, limit: int = 60) -> str:
    """An ASCII file-name part: 'Lê Thị Hoà & Co' -> 'le-thi-hoa-co'."""
    value = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return value[:limit].rstrip("-") or "tai-lieu"


# --- agency names in title blocks ---------------------------------------------------------------

NBSP = "\u00a0"
# Words that open a unit's name and form a group of their own.
_LEADS = ("ỦY BAN NHÂN DÂN", "UBND TỈNH", "UBND", "VĂN PHÒNG", "THANH TRA", "HỘI ĐỒNG", "PHÒNG", "SỞ", "BAN")


def _groups(segment: list[str]) -> list[list[str]]:
    text = " ".join(segment)
    lead = next((w for w in _LEADS if text == w or text.startswith(w + " ")), None)
    groups, rest = [], segment
    if lead:
        n = len(lead.split())
        groups.append(segment[:n])
        rest = segment[n:]
    # Vietnamese compounds are mostly two syllables: "DÂN TỘC", "TÔN GIÁO", "KẾ HOẠCH".
    pairs = [rest[i:i + 2] for i in range(0, len(rest), 2)]
    if len(pairs) > 1 and len(pairs[-1]) == 1:
        last = pairs.pop()
        pairs[-1] = pairs[-1] + last
    return groups + pairs


def agency_line(text: str | None) -> str:
    """Upper-case agency name whose line may break only between word groups: the words inside a
    group are joined by no-break spaces ('SỞ DÂN TỘC / VÀ TÔN GIÁO', never 'TÔN / GIÁO')."""
    words = upper(text).split()
    groups: list[list[str]] = []
    segment: list[str] = []
    pending_and = False

    def flush():
        nonlocal segment, pending_and
        if segment:
            found = _groups(segment)
            if pending_and:
                found[0] = ["VÀ"] + found[0]
            groups.extend(found)
        segment, pending_and = [], False

    for w in words:
        if w == "-":
            flush()
            if groups:
                groups[-1].append("-")
        elif w == "VÀ":
            flush()
            pending_and = True
        else:
            segment.append(w)
    flush()
    return " ".join(NBSP.join(g) for g in groups)


# Widths (cm) of the short line under the agency name; the template holds one alternative each.
RULE_WIDTHS = (1.0, 1.3, 1.6, 2.0, 2.4, 2.8)
_CELL_CM = 6.2  # the agency column of the title block, less its padding
_CAP_CM, _SPACE_CM = 0.31, 0.12  # Times New Roman 13 pt bold capitals, roughly


def name_width_cm(text: str | None) -> float:
    """The printed width of the longest line of an agency name (wrapped between word groups)."""
    lines, current = [], 0.0
    for group in agency_line(text).split(" "):
        width = sum(_SPACE_CM if ch == NBSP else _CAP_CM for ch in group)
        if current and current + _SPACE_CM + width > _CELL_CM:
            lines.append(current)
            current = width
        else:
            current = current + _SPACE_CM + width if current else width
    lines.append(current)
    return max(lines)


def rule_choice(text: str | None) -> int:
    """Index into RULE_WIDTHS: the line under the agency name between 1/3 and 1/2 of its width."""
    target = name_width_cm(text) * 0.42
    return min(range(len(RULE_WIDTHS)), key=lambda i: abs(RULE_WIDTHS[i] - target))
