"""The planner gets statistics: after a bulk import, at scheduler start and with the daily sweep."""
from __future__ import annotations

from sqlalchemy import text


def test_optimize_gives_sqlite_its_first_statistics_and_analyze_runs_on_both(ctx, make):
    make.agency()
    ctx.db.optimize()
    ctx.db.optimize()  # the second time only PRAGMA optimize: cheap
    ctx.db.analyze()
    with ctx.db.engine.connect() as conn:
        if ctx.db.is_sqlite:
            assert conn.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar() > 0
        else:
            analysed = conn.execute(text(
                "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'person'")).scalar()
            assert analysed is not None
