"""The demo is built relative to the day it runs: this year's cycle is under way, its next deadline ahead."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from states import State
from workflow import demo
from workflow.models import Campaign, Nomination, ReviewCycle


@pytest.mark.slow
@pytest.mark.parametrize("today", [date(2026, 12, 1), date(2027, 2, 15), date(2026, 12, 28)])
def test_the_demo_has_this_years_cycle_in_progress_with_its_next_deadline_ahead(ctx, clock, today):
    if not ctx.db.is_sqlite:
        pytest.skip("the demo's dates do not depend on the database; the CLI test builds it on both")
    clock.set(today)
    demo.build(ctx)
    with ctx.db.reading() as s:
        cycle = s.scalars(select(ReviewCycle).where(ReviewCycle.kind == "annual", ReviewCycle.year == today.year)).one()
        states = dict(s.execute(select(Nomination.state, func.count()).where(Nomination.cycle_id == cycle.id)
                                .group_by(Nomination.state)).all())
        assert cycle.dossier_deadline > today
        assert cycle.council_meeting_on > today
        assert states.get(State.REGISTERED, 0) > 0 and states.get(State.DEPARTMENT_REVIEWED, 0) > 0
        # Every earlier year is history: its review has ended in awards.
        for year in range(2021, today.year):
            earlier = s.scalars(select(ReviewCycle).where(ReviewCycle.kind == "annual", ReviewCycle.year == year)).one()
            awarded = s.scalar(select(func.count()).where(Nomination.cycle_id == earlier.id,
                                                          Nomination.state == State.AWARDED))
            assert awarded > 0, year
        final = s.scalars(select(ReviewCycle).join(Campaign).where(
            Campaign.code == "CCHC-2021-2025", ReviewCycle.kind == "final")).one()
        assert s.scalar(select(func.count()).where(Nomination.cycle_id == final.id,
                                                   Nomination.state == State.AWARDED)) > 0
