"""Server-rendered SVG charts for the dashboard: no script, readable at a glance, with a text title
and description for screen readers (the same figures are in the table below each chart)."""
from __future__ import annotations

from markupsafe import Markup, escape

ROW_H, LABEL_W, BAR_W, PAD = 30, 250, 400, 8
STATE_COLOURS = {
    "registered": "#6c757d", "department_reviewed": "#0d6efd", "council_reviewed": "#6610f2",
    "head_approved": "#d63384", "awarded": "#198754", "on_hold": "#fd7e14", "rejected": "#dc3545",
    "withdrawn": "#adb5bd",
}


def percent(rate: float | None) -> str:
    """66,7% — Vietnamese decimal comma."""
    return "—" if rate is None else f"{rate * 100:.1f}%".replace(".", ",")


def _svg(chart_id: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    width = LABEL_W + BAR_W + 120
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
            # drawn at its own size (never scaled down: labels stay ≥ 11 px); a phone scrolls it sideways
            f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" font-size="13" '
            f'font-family="system-ui, sans-serif"><title id="{chart_id}-t">{escape(title)}</title>'
            f'<desc id="{chart_id}-d">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _label(y: float, text: str) -> str:
    return (f'<text x="{LABEL_W - PAD}" y="{y + ROW_H / 2 + 4:.0f}" text-anchor="end">'
            f'{escape(text[:34] + ("…" if len(text) > 34 else ""))}</text>')


def participation(rows, target: float = 1.0) -> Markup:
    """One bar per department: share of active staff who took the online contest, with the 100% target line."""
    body, desc = [], []
    for i, r in enumerate(rows):
        y = PAD + i * ROW_H
        rate = r.participation_rate or 0.0
        colour = "#198754" if rate >= target else "#fd7e14" if rate >= 0.5 else "#dc3545"
        body.append(_label(y, r.name))
        body.append(f'<rect x="{LABEL_W}" y="{y + 5}" width="{BAR_W}" height="{ROW_H - 10}" fill="#eef1f4"/>')
        body.append(f'<rect x="{LABEL_W}" y="{y + 5}" width="{BAR_W * min(rate, 1):.1f}" height="{ROW_H - 10}" '
                    f'fill="{colour}"/>')
        shown = f"{percent(r.participation_rate)} ({r.participants}/{r.active_staff})"
        body.append(f'<text x="{LABEL_W + BAR_W + PAD}" y="{y + ROW_H / 2 + 4:.0f}">{escape(shown)}</text>')
        desc.append(f"{r.name}: {shown}")
    height = PAD * 2 + len(rows) * ROW_H + 18
    x = LABEL_W + BAR_W * target
    body.append(f'<line x1="{x}" x2="{x}" y1="{PAD / 2}" y2="{height - 16}" stroke="#212529" stroke-dasharray="4 3"/>')
    body.append(f'<text x="{x}" y="{height - 3}" text-anchor="end" font-size="11">Chỉ tiêu {percent(target)}</text>')
    return _svg("chart-participation", "Tỷ lệ tham gia cuộc thi trực tuyến tìm hiểu CCHC theo phòng",
                "; ".join(desc), height, body)


def initiatives(rows) -> Markup:
    """Two bars per department: initiatives recognised at the agency, and those appraised by Sở Nội vụ."""
    top = max([r.recognised for r in rows] + [1])
    body, desc = [], []
    for i, r in enumerate(rows):
        y = PAD + i * ROW_H
        body.append(_label(y, r.name))
        half = (ROW_H - 8) / 2
        for j, (value, colour) in enumerate(((r.recognised, "#0d6efd"), (r.appraised, "#20c997"))):
            w = BAR_W * value / top
            body.append(f'<rect x="{LABEL_W}" y="{y + 4 + j * half:.1f}" width="{w:.1f}" height="{half - 1:.1f}" '
                        f'fill="{colour}"/>')
            body.append(f'<text x="{LABEL_W + w + 4:.1f}" y="{y + 4 + j * half + half - 3:.1f}" '
                        f'font-size="11">{value}</text>')
        desc.append(f"{r.name}: {r.recognised} được công nhận, {r.appraised} được thẩm định")
    height = PAD * 2 + len(rows) * ROW_H + 20
    body.append(f'<rect x="{LABEL_W}" y="{height - 14}" width="10" height="10" fill="#0d6efd"/>'
                f'<text x="{LABEL_W + 14}" y="{height - 5}" font-size="11">Được công nhận tại cơ quan</text>'
                f'<rect x="{LABEL_W + 190}" y="{height - 14}" width="10" height="10" fill="#20c997"/>'
                f'<text x="{LABEL_W + 204}" y="{height - 5}" font-size="11">Được Sở Nội vụ thẩm định</text>')
    return _svg("chart-initiatives", "Sáng kiến được công nhận và được thẩm định theo phòng", "; ".join(desc),
                height, body)


def nominations(rows, states: list, titles: dict) -> Markup:
    """One stacked bar per department: its nominations of the cycle by state."""
    top = max([r.nominations for r in rows] + [1])
    body, desc = [], []
    for i, r in enumerate(rows):
        y, x = PAD + i * ROW_H, float(LABEL_W)
        body.append(_label(y, r.name))
        parts = []
        for st in states:
            n = r.by_state.get(st, 0)
            if not n:
                continue
            w = BAR_W * n / top
            body.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="{ROW_H - 10}" '
                        f'fill="{STATE_COLOURS.get(st, "#999")}"><title>{escape(titles[st])}: {n}</title></rect>')
            x += w
            parts.append(f"{titles[st]} {n}")
        body.append(f'<text x="{x + 4:.1f}" y="{y + ROW_H / 2 + 4:.0f}">{r.nominations}</text>')
        desc.append(f"{r.name}: " + (", ".join(parts) or "không có đề nghị"))
    legend_y = PAD * 2 + len(rows) * ROW_H
    lx = 0
    for st in states:
        body.append(f'<rect x="{lx}" y="{legend_y}" width="10" height="10" fill="{STATE_COLOURS.get(st, "#999")}"/>'
                    f'<text x="{lx + 14}" y="{legend_y + 9}" font-size="11">{escape(titles[st])}</text>')
        lx += 14 + 7 * len(titles[st]) + 12
        if lx > LABEL_W + BAR_W:
            legend_y, lx = legend_y + 16, 0
    return _svg("chart-nominations", "Đề nghị khen thưởng của kỳ xét theo trạng thái", "; ".join(desc),
                legend_y + 18, body)
