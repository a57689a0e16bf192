"""The migrations build exactly the models' schema, and imports point one way."""
import ast
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from workflow import schema
from workflow.models import Base

ROOT = Path(__file__).resolve().parents[2]


def test_the_migrations_have_a_single_head():
    assert len(ScriptDirectory.from_config(schema.alembic_config()).get_heads()) == 1


def test_the_migrated_schema_equals_the_models(ctx):
    with ctx.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                "include_name": schema.include_name}), Base.metadata)
    assert diff == []
    assert schema.is_up_to_date(ctx.db.engine)


def test_downgrade_to_nothing_and_upgrade_again(ctx):
    cfg = schema.alembic_config(ctx.db.engine)
    with ctx.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert schema.current_revision(ctx.db.engine) is None
    schema.upgrade(ctx.db.engine)
    assert schema.is_up_to_date(ctx.db.engine)


# states <- workflow <- notifications <- webapp: a package may import only those to its left.
FORBIDDEN = {
    "states": {"workflow", "notifications", "webapp", "flask", "sqlalchemy"},
    "workflow": {"notifications", "webapp", "flask", "flask_login", "flask_wtf", "smtplib"},
    "notifications": {"webapp", "flask"},
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package):
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        bad = set(_imports(path)) & FORBIDDEN[package]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []
