"""The workflow diagram as SVG, laid out here rather than by a graph library (whose layout crossed
edges and stacked labels): the chain left to right, one step back drawn dashed beneath it, and
every move that applies to several open states drawn once, from the box around them.

Everything is read from the transition table the engine runs on (`states.TRANSITIONS`).
"""
from __future__ import annotations

from markupsafe import Markup, escape

from states import CHAIN, FORWARD_ACTION, TRANSITIONS, Action, State
from states.machine import OPEN_CHAIN

BOX_W, BOX_H, GAP, LEFT, TOP = 130, 48, 95, 20, 86
SIDE_TOP, SIDE_H = 346, 44
FONT = 14  # px, and never scaled down: a narrow screen scrolls the picture instead


def _wrap(text: str, width: int) -> list[str]:
    """Split a label into lines of at most `width` characters, at spaces."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line]


def _text(x: float, y: float, text: str, width: int, anchor: str = "middle", cls: str = "") -> str:
    rows = _wrap(text, width)
    spans = "".join(f'<tspan x="{x:.0f}" dy="{0 if i == 0 else 1.2}em">{escape(r)}</tspan>' for i, r in enumerate(rows))
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}" class="{cls}">{spans}</text>'


def _box(x: float, y: float, w: float, h: float, title: str, cls: str, rounded: int) -> str:
    return (f'<g class="node {cls}"><rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="{rounded}"/>'
            + _text(x + w / 2, y + h / 2 + (5 if len(_wrap(title, 16)) == 1 else -3), title, 16) + "</g>")


def _moves() -> dict[Action, list[tuple[State, State]]]:
    moves: dict[Action, list[tuple[State, State]]] = {}
    for t in TRANSITIONS:
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        moves.setdefault(Action(t["trigger"]), []).extend((State(s), State(t["dest"])) for s in sources)
    return moves


def workflow_svg(current: str | None = None) -> Markup:
    """The diagram, with `current` (a state value) highlighted."""
    x_of = {s: LEFT + i * (BOX_W + GAP) for i, s in enumerate(CHAIN)}
    width = x_of[CHAIN[-1]] + BOX_W + LEFT
    open_states = set(OPEN_CHAIN)
    body = []
    # the box around the open states: moves that apply to all of them start from it
    ox, oy = LEFT - 10, TOP - 76
    ow, oh = x_of[OPEN_CHAIN[-1]] + BOX_W + 10 - ox, BOX_H + 76 + 92
    body.append(f'<rect class="open" x="{ox}" y="{oy}" width="{ow}" height="{oh}" rx="10"/>')
    body.append(_text(ox + 12, oy + 18, "Đang xét — nét đứt: Trả lại để bổ sung (về bước liền trước)", 80,
                      anchor="start", cls="caption"))
    moves = _moves()
    for state in CHAIN:
        cls = "done" if state == State.AWARDED else "step"
        body.append(_box(x_of[state], TOP, BOX_W, BOX_H, state.title, cls + (" current" if state == current else ""), 6))
    for state, action in FORWARD_ACTION.items():
        dest = next(d for s, d in moves[action] if s == state)
        x1, x2, y = x_of[state] + BOX_W, x_of[dest], TOP + BOX_H / 2
        body.append(f'<line class="edge" x1="{x1}" y1="{y}" x2="{x2 - 2}" y2="{y}" marker-end="url(#arrow)"/>')
        body.append(_text((x1 + x2) / 2, TOP - 2 - (16 if len(_wrap(action.title, 13)) > 1 else 0),
                          action.title, 13, cls="label"))
    for src, dest in moves.get(Action.SEND_BACK, []):
        x1, x2, y = x_of[src] + BOX_W / 2 - 10, x_of[dest] + BOX_W / 2 + 10, TOP + BOX_H
        body.append(f'<path class="edge back" d="M{x1},{y} C{x1},{y + 60} {x2},{y + 60} {x2},{y + 2}" '
                    f'marker-end="url(#arrow)"/>')
    # side states in a row under the open box, each reached by one labelled arrow
    side = [a for a in moves if a not in FORWARD_ACTION.values() and a != Action.SEND_BACK]
    targets = []
    for action in side:
        for dest in dict.fromkeys(d for _, d in moves[action]):
            if dest not in open_states and dest not in targets:
                targets.append(dest)
    slot = ow / max(1, len(targets))
    side_x = {d: ox + slot * i + (slot - 170) / 2 for i, d in enumerate(targets)}
    for dest in targets:
        body.append(_box(side_x[dest], SIDE_TOP, 170, SIDE_H, dest.title,
                         "side" + (" current" if dest == current else ""), 22))
    for action in side:
        pairs = moves[action]
        sources, dests = {s for s, _ in pairs}, {d for _, d in pairs}
        if dests <= open_states and len(sources) == 1:  # back into the open states (resume)
            (src,) = sources
            x = side_x[src] + 170 - 16
            body.append(f'<line class="edge back" x1="{x}" y1="{SIDE_TOP}" x2="{x}" y2="{oy + oh + 2}" '
                        f'marker-end="url(#arrow)"/>')
            body.append(_text(x + 8, SIDE_TOP - 44, f"{action.title} (về bước đã dừng)", 18, anchor="start",
                              cls="label"))
            continue
        (dest,) = dests
        x = side_x[dest] + 40
        note = "" if sources == open_states else " (từ: " + ", ".join(s.title for s in OPEN_CHAIN if s in sources) + ")"
        body.append(f'<line class="edge" x1="{x}" y1="{oy + oh}" x2="{x}" y2="{SIDE_TOP - 2}" marker-end="url(#arrow)"/>')
        body.append(_text(x + 8, oy + oh + 22, action.title + note, 18, anchor="start", cls="label"))
    height = SIDE_TOP + SIDE_H + 12
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="wf-t" font-size="{FONT}" '
            f'font-family="system-ui, Arial, sans-serif"><title id="wf-t">Sơ đồ quy trình xét khen thưởng</title>'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#495057"/></marker></defs>')
    return Markup(head + "".join(body) + "</svg>")
