"""Administration from the web app: campaigns, cycle calendars, and the directory, for admins only.

The directory functions trust their caller (the CLI runs as the operator); these wrappers
check that the acting user is an administrator first.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError

from . import directory
from .actors import load_actor
from .audit import audit
from .bootstrap import cycle_dates
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import Campaign, ReviewCycle, User
from .text import nfc

# The calendar a new campaign's cycles start with (editable per cycle afterwards).
DEFAULT_ANNUAL = {"registration_deadline": "03-31", "dossier_deadline": "11-30", "council_meeting": "12-10",
                  "ceremony": "12-20"}
DEFAULT_FINAL = {"registration_deadline": "03-31", "dossier_deadline": "10-31", "council_meeting": "11-15",
                 "ceremony": "12-05"}


def require_admin(ctx, user_id: int) -> None:
    """Forbidden unless the user is an active administrator."""
    with ctx.db.reading() as s:
        _, actor = load_actor(s, user_id)
    if not actor.has("admin"):
        raise Forbidden("not_allowed", "Chỉ quản trị hệ thống được thực hiện thao tác này.")


def create_campaign(ctx, user_id: int, *, code: str, name: str, start_year: int, end_year: int,
                    plan_reference: str = "") -> int:
    """A new campaign with one annual cycle per year and a final cycle, on the default calendar."""
    require_admin(ctx, user_id)
    code, name = nfc(code) or "", nfc(name) or ""
    problems = []
    if not code or not name:
        problems.append(Problem("campaign", "Cần mã và tên phong trào."))
    if not (2000 <= start_year <= end_year <= 2100):
        problems.append(Problem("period", "Giai đoạn không hợp lệ (từ năm phải nhỏ hơn hoặc bằng đến năm)."))
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        campaign = Campaign(code=code, name=name, start_year=start_year, end_year=end_year,
                            plan_reference=nfc(plan_reference) or "")
        s.add(campaign)
        try:
            s.flush()
        except IntegrityError:
            raise Conflict("duplicate_campaign", f"Mã phong trào “{code}” đã tồn tại.") from None
        cycles = [("annual", y, DEFAULT_ANNUAL) for y in range(start_year, end_year + 1)]
        cycles.append(("final", end_year, DEFAULT_FINAL))
        for kind, year, calendar in cycles:
            s.add(ReviewCycle(campaign_id=campaign.id, kind=kind, year=year, **cycle_dates(calendar, year)))
        audit(s, ctx, actor_id=user_id, action="create_campaign", entity_type="campaign", entity_id=campaign.id,
              payload={"code": code, "start_year": start_year, "end_year": end_year})
        return campaign.id


def update_cycle_calendar(ctx, user_id: int, cycle_id: int, *, registration_deadline: date | None,
                          dossier_deadline: date, council_meeting_on: date, ceremony_on: date | None) -> None:
    """Change a cycle's deadlines and meeting dates."""
    require_admin(ctx, user_id)
    problems = []
    if dossier_deadline is None or council_meeting_on is None:
        problems.append(Problem("calendar", "Cần hạn nộp hồ sơ và ngày họp Hội đồng."))
    elif dossier_deadline > council_meeting_on:
        problems.append(Problem("calendar_order", "Hạn nộp hồ sơ phải trước hoặc đúng ngày họp Hội đồng."))
    if problems:
        raise Invalid(problems)
    with ctx.db.transaction() as s:
        cycle = s.get(ReviewCycle, cycle_id)
        if cycle is None:
            raise not_found("kỳ xét")
        before = {k: str(getattr(cycle, k)) for k in ("registration_deadline", "dossier_deadline",
                                                      "council_meeting_on", "ceremony_on")}
        cycle.registration_deadline, cycle.dossier_deadline = registration_deadline, dossier_deadline
        cycle.council_meeting_on, cycle.ceremony_on = council_meeting_on, ceremony_on
        audit(s, ctx, actor_id=user_id, action="update_cycle_calendar", entity_type="review_cycle",
              entity_id=cycle.id, payload={"previous": before, "dossier_deadline": dossier_deadline.isoformat(),
                                           "council_meeting_on": council_meeting_on.isoformat()})


def create_department(ctx, user_id: int, **fields) -> int:
    require_admin(ctx, user_id)
    return directory.create_department(ctx, user_id, **fields)


def set_department_head(ctx, user_id: int, department_id: int, person_id: int | None) -> None:
    require_admin(ctx, user_id)
    directory.set_department_head(ctx, user_id, department_id, person_id)


def create_person(ctx, user_id: int, **fields) -> int:
    require_admin(ctx, user_id)
    return directory.create_person(ctx, user_id, **fields)


def create_user(ctx, user_id: int, **fields) -> int:
    require_admin(ctx, user_id)
    return directory.create_user(ctx, user_id, **fields)


def set_roles(ctx, user_id: int, target_user_id: int, roles: list[str]) -> None:
    require_admin(ctx, user_id)
    if target_user_id == user_id and "admin" not in roles:
        # Keep at least the acting administrator able to come back.
        raise Invalid(Problem("own_admin_role", "Không thể tự bỏ vai trò quản trị của chính mình."))
    directory.set_roles(ctx, user_id, target_user_id, roles)


def set_password(ctx, user_id: int, target_user_id: int, password: str) -> None:
    require_admin(ctx, user_id)
    with ctx.db.reading() as s:
        user = s.get(User, target_user_id)
        if user is None:
            raise not_found("tài khoản")
        username = user.username
    directory.set_password(ctx, user_id, username, password)


# Editing and deactivating the directory: the same use cases, after the administrator check.

def update_department(ctx, user_id: int, department_id: int, **fields) -> None:
    require_admin(ctx, user_id)
    directory.update_department(ctx, user_id, department_id, **fields)


def set_department_active(ctx, user_id: int, department_id: int, active: bool, reason: str = "") -> None:
    require_admin(ctx, user_id)
    directory.set_department_active(ctx, user_id, department_id, active, reason)


def update_person(ctx, user_id: int, person_id: int, **fields) -> None:
    require_admin(ctx, user_id)
    directory.update_person(ctx, user_id, person_id, **fields)


def set_person_active(ctx, user_id: int, person_id: int, active: bool, reason: str = "") -> None:
    require_admin(ctx, user_id)
    directory.set_person_active(ctx, user_id, person_id, active, reason)


def update_user(ctx, user_id: int, target_user_id: int, **fields) -> None:
    require_admin(ctx, user_id)
    directory.update_user(ctx, user_id, target_user_id, **fields)


def set_user_active(ctx, user_id: int, target_user_id: int, active: bool, reason: str = "") -> None:
    require_admin(ctx, user_id)
    directory.set_user_active(ctx, user_id, target_user_id, active, reason)
