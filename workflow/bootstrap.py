"""`thidua init`: the latest schema, then the agency identities and campaigns of config.toml."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from . import schema
from .audit import audit
from .models import AgencyIdentity, Campaign, ReviewCycle

CALENDAR_FIELDS = {
    "registration_deadline": "registration_deadline",
    "dossier_deadline": "dossier_deadline",
    "council_meeting": "council_meeting_on",
    "ceremony": "ceremony_on",
}


def _on(year: int, month_day: str) -> date:
    month, day = (int(x) for x in month_day.split("-"))
    return date(year, month, day)


def cycle_dates(calendar: dict, year: int) -> dict:
    return {column: _on(year, calendar[key]) for key, column in CALENDAR_FIELDS.items() if calendar.get(key)}


def init(ctx) -> dict:
    """Migrate, then add what config.toml declares and the database lacks. Safe to run again."""
    ctx.settings.instance_path.mkdir(parents=True, exist_ok=True)
    schema.upgrade(ctx.db.engine)
    added = {"identities": 0, "campaigns": 0, "cycles": 0}
    with ctx.db.transaction() as s:
        known = set(s.scalars(select(AgencyIdentity.valid_from)))
        for row in ctx.settings.section("agency").get("identities", []):
            if row["valid_from"] in known:
                continue
            identity = AgencyIdentity(**row)
            s.add(identity)
            s.flush()
            audit(s, ctx, actor_id=None, action="create_agency_identity", entity_type="agency_identity",
                  entity_id=identity.id, payload={"valid_from": row["valid_from"].isoformat(), "name": row["name"]})
            added["identities"] += 1
        for spec in ctx.settings.raw.get("campaigns", []):
            campaign = s.scalars(select(Campaign).where(Campaign.code == spec["code"])).first()
            if campaign is None:
                campaign = Campaign(code=spec["code"], name=spec["name"], start_year=spec["start_year"],
                                    end_year=spec["end_year"], plan_reference=spec.get("plan_reference", ""),
                                    thematic=bool(spec.get("thematic", True)))
                s.add(campaign)
                s.flush()
                audit(s, ctx, actor_id=None, action="create_campaign", entity_type="campaign",
                      entity_id=campaign.id, payload={"code": campaign.code})
                added["campaigns"] += 1
            have = {(c.kind, c.year) for c in campaign.cycles}
            wanted = [("annual", y, spec["annual_calendar"]) for y in range(campaign.start_year, campaign.end_year + 1)]
            wanted.append(("final", campaign.end_year, spec["final_calendar"]))
            for kind, year, calendar in wanted:
                if (kind, year) in have:
                    continue
                cycle = ReviewCycle(campaign_id=campaign.id, kind=kind, year=year, **cycle_dates(calendar, year))
                s.add(cycle)
                s.flush()
                audit(s, ctx, actor_id=None, action="create_cycle", entity_type="review_cycle", entity_id=cycle.id,
                      payload={"campaign": campaign.code, "kind": kind, "year": year})
                added["cycles"] += 1
    return added
