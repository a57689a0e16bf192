"""Pages ask on every request whether the database holds `thidua demo` data: the answer comes from a
partial index of the audit log (one row at most), with the mark written out in the query."""
from __future__ import annotations

from workflow.agency import demo_data_present
from workflow.audit import audit
from workflow.models.audit import DEMO_MARK


def test_demo_data_is_present_once_the_demo_mark_is_in_the_log_and_not_before(ctx):
    with ctx.db.transaction() as s:
        audit(s, ctx, actor_id=None, action="update_campaign", entity_type="campaign", entity_id=None)
    with ctx.db.reading() as s:
        assert not demo_data_present(s)
    with ctx.db.transaction() as s:
        audit(s, ctx, actor_id=None, action=DEMO_MARK, entity_type="campaign", entity_id=None)
    with ctx.db.reading() as s:
        assert demo_data_present(s)
