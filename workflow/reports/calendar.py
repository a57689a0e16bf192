"""The deadline calendar: each user's cycle deadlines as an iCalendar (.ics) feed."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlparse

from icalendar import Alarm, Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..actors import load_actor
from ..models import Campaign, ReviewCycle

# Each calendar date of a cycle, what it is called, and the roles it concerns.
DEADLINES = (
    ("registration_deadline", "Hạn đăng ký thi đua", "Các phòng gửi đăng ký thi đua (tập thể, cá nhân) về Văn phòng.",
     {"department_head", "council_secretary", "admin"}),
    ("dossier_deadline", "Hạn nộp hồ sơ đề nghị khen thưởng",
     "Các phòng họp xét và gửi hồ sơ đề nghị khen thưởng về Thư ký Hội đồng TĐKT.",
     {"staff", "department_head", "council_secretary", "admin"}),
    ("council_meeting_on", "Họp Hội đồng Thi đua - Khen thưởng", "Hội đồng xét, đề nghị Thủ trưởng khen thưởng.",
     {"council_secretary", "council_member", "agency_head", "deputy_head", "admin"}),
    ("ceremony_on", "Hội nghị tổng kết, trao khen thưởng", "Công bố quyết định và trao khen thưởng.",
     set()),  # everyone
)
# Deadlines to act by get a reminder the day before; meetings and ceremonies do not.
WITH_ALARM = {"registration_deadline", "dossier_deadline"}


def deadlines_for(s: Session, ctx, user_id: int) -> list[dict]:
    """The dates of recent and coming cycles that concern this user's roles, in date order."""
    _user, actor = load_actor(s, user_id)
    roles = set(actor.roles)
    since = date(ctx.clock.today().year - 1, 1, 1)
    cycles = s.scalars(select(ReviewCycle).join(Campaign).options(joinedload(ReviewCycle.campaign))
                       .where(ReviewCycle.council_meeting_on >= since)).all()
    items = []
    for c in cycles:
        for column, title, description, concerned in DEADLINES:
            when = getattr(c, column)
            if when is None or (concerned and not roles & concerned):
                continue
            items.append({"cycle_id": c.id, "kind": column, "date": when, "title": f"{title} — {c.title}",
                          "description": f"{description}\n{c.campaign.name}"})
    return sorted(items, key=lambda i: (i["date"], i["cycle_id"], i["kind"]))


def ics_for_user(s: Session, ctx, user_id: int) -> bytes:
    """An all-day event per deadline; UIDs are stable so calendar apps update rather than duplicate."""
    host = urlparse(ctx.settings.base_url).hostname or "thidua"
    cal = Calendar()
    cal.add("prodid", "-//thidua//Lịch thi đua khen thưởng//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Lịch thi đua - khen thưởng")
    cal.add("x-wr-timezone", str(ctx.settings.timezone))
    stamp = ctx.clock.now()
    for item in deadlines_for(s, ctx, user_id):
        event = Event()
        event.add("uid", f"cycle-{item['cycle_id']}-{item['kind']}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item["date"])
        event.add("dtend", item["date"] + timedelta(days=1))
        event.add("summary", item["title"])
        event.add("description", item["description"])
        event.add("transp", "TRANSPARENT")
        event.add("url", f"{ctx.settings.base_url}/")
        if item["kind"] in WITH_ALARM:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item["title"])
            alarm.add("trigger", timedelta(days=-1))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
