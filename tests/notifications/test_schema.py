"""The notification columns of migration 0002 match the models, and the migration can go down and up."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from workflow import schema
from workflow.models import Base


def test_models_and_migrations_agree(ctx):
    with ctx.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                "include_name": schema.include_name}), Base.metadata)
    assert diff == []


def test_migration_0002_goes_down_and_up_again(ctx):
    engine = ctx.db.engine
    cfg = schema.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert "transport" not in {c["name"] for c in inspect(engine).get_columns("outbox_message")}
    schema.upgrade(engine)
    assert "sent_on" in {c["name"] for c in inspect(engine).get_columns("reminder_sent")}
    assert schema.is_up_to_date(engine)
