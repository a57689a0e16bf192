"""planner statistics on nomination (cycle_id, state) taken together

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-01

PostgreSQL estimates `cycle_id = ? AND state = ?` as if the two were independent: at 1M nominations
it expected 139,173 awarded nominations in the current cycle (there were 11), so for "the cycle's
awarded ones in id order" it walked the primary key past 800,000 rows of other cycles (0.76 s)
instead of reading the (cycle_id, state, id) index. Extended statistics (most common value pairs)
give it the real combination. SQLite has no such statistics; nothing to do there.
"""
from alembic import op


revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE STATISTICS IF NOT EXISTS st_nomination_cycle_state (mcv, dependencies) "
                   "ON cycle_id, state FROM nomination")
        op.execute("ANALYZE nomination")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_nomination_cycle_state")
