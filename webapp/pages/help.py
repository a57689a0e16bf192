"""Help: the workflow diagram, drawn from the very table the engine runs on."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from states import CHAIN, FORWARD_ACTION, TRANSITIONS, Action, State

from ..diagram import workflow_svg

bp = Blueprint("help", __name__, url_prefix="/help")

WHO = {
    Action.DEPARTMENT_REVIEW: "Trưởng phòng của đối tượng được đề nghị",
    Action.COUNCIL_REVIEW: "Thư ký Hội đồng TĐKT (ghi nhận cuộc họp và biểu quyết)",
    Action.HEAD_APPROVE: "Thủ trưởng cơ quan, hoặc cấp phó ký thay (KT.)",
    Action.AWARD: "Thư ký Hội đồng TĐKT (ghi số, ngày quyết định)",
    Action.SEND_BACK: "Người xử lý bước tiếp theo; bắt buộc ghi lý do",
    Action.REJECT: "Người xử lý bước tiếp theo; bắt buộc ghi lý do",
    Action.WITHDRAW: "Trưởng phòng của đối tượng được đề nghị",
    Action.HOLD: "Thư ký Hội đồng hoặc Thủ trưởng; bắt buộc ghi lý do (kỷ luật, thanh tra, khiếu nại)",
    Action.RESUME: "Thư ký Hội đồng hoặc Thủ trưởng",
}


def workflow_diagram(current: str | None = None):
    """The engine's own table, drawn as SVG (the chain reads left to right like a sentence)."""
    return workflow_svg(current)


def _sources(action: Action) -> list[str]:
    out = []
    for t in TRANSITIONS:
        if t["trigger"] != action:
            continue
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        out += [State(s).title for s in sources if State(s).title not in out]
    return out


@bp.get("/workflow")
@login_required
def workflow():
    rows = [{"title": a.title, "who": WHO[a], "from": _sources(a)} for a in Action]
    return render_template("help/workflow.html", diagram=workflow_diagram(), rows=rows,
                           chain=[(s.title, FORWARD_ACTION[s].title if s in FORWARD_ACTION else None) for s in CHAIN])
