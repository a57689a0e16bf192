"""documents: dated department versions, the signer's authority, thematic campaigns, qualifications

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-01

- department_version: a department's name, kind (phòng / văn phòng / thanh tra), head's title
  and existence from a date; documents print the version in force on their date. Each existing
  department gets one version from 2000-01-01 carrying its current name (backfill).
- agency_identity.functions_act / emulation_regulation: the signer's authority cited in decisions.
- campaign.thematic: awards of a thematic movement are marked and do not count toward merit.
- person.qualifications: "Trình độ chuyên môn, nghiệp vụ" of the achievement reports.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BACKFILL_FROM = '2000-01-01'


def upgrade() -> None:
    op.create_table('department_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('head_title', sa.String(length=100), nullable=False),
    sa.Column('dissolved', sa.Boolean(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.CheckConstraint("kind IN ('phong', 'van_phong', 'thanh_tra')", name=op.f('ck_department_version_kind')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_department_version_department_id_department'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['successor_id'], ['department.id'], name=op.f('fk_department_version_successor_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_version')),
    sa.UniqueConstraint('department_id', 'valid_from', name=op.f('uq_department_version_department_id_valid_from'))
    )
    with op.batch_alter_table('department_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_version_department_id'), ['department_id'], unique=False)
    # One version per existing department, its kind and head title read from its name.
    op.execute(f"""
        INSERT INTO department_version (department_id, valid_from, name, kind, head_title, dissolved, note)
        SELECT id, '{BACKFILL_FROM}', name,
               CASE WHEN name LIKE 'Văn phòng%' THEN 'van_phong'
                    WHEN name LIKE 'Thanh tra%' THEN 'thanh_tra' ELSE 'phong' END,
               CASE WHEN name LIKE 'Văn phòng%' THEN 'Chánh Văn phòng'
                    WHEN name LIKE 'Thanh tra%' THEN 'Chánh Thanh tra' ELSE 'Trưởng phòng' END,
               {'NOT active'}, ''
        FROM department""")

    # Plain ADD COLUMN (with a default for the rows already there): a batch copy of a table that
    # others reference would trip SQLite's foreign keys.
    op.add_column('agency_identity', sa.Column('functions_act', sa.String(length=400), nullable=False,
                                               server_default=''))
    op.add_column('agency_identity', sa.Column('emulation_regulation', sa.String(length=400), nullable=False,
                                               server_default=''))
    op.add_column('campaign', sa.Column('thematic', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column('person', sa.Column('qualifications', sa.String(length=300), nullable=True))


def _drop(table: str, column: str) -> None:
    # SQLite (3.35+) and PostgreSQL both drop a plain column in place.
    op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def downgrade() -> None:
    _drop('person', 'qualifications')
    _drop('campaign', 'thematic')
    _drop('agency_identity', 'emulation_regulation')
    _drop('agency_identity', 'functions_act')
    with op.batch_alter_table('department_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_version_department_id'))
    op.drop_table('department_version')
