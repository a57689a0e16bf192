"""records: replaced and withdrawn dossier files; award decisions and the document register

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01

- document.superseded_by_id: the file that replaced this one (who replaced it, and when);
  existing replaced files get the next file of their kind, owner and origin.
- document.withdrawn_at / withdrawn_by_id / withdrawal_reason: a wrong upload withdrawn by its
  uploader before the step that relied on it.
- register_entry (sổ đăng ký văn bản, Decree 30/2020 Art. 15-16) and award_decision; existing
  award numbers enter the register (one decision per number and date, its signer and capacity
  from the approvals; a number already used that year is kept without a sequence place), and
  each awarded certificate gets its "số vào sổ"; nomination.decision_id points at the decision.
- council_member (roster: council role, title, term) and meeting_attendance; council_meeting gets
  start/end time, place, chair and secretary, and whether attendance is by name. Existing
  meetings keep their typed counts; the roster is built from the users in office on the council
  (head: chủ tịch, deputies: phó chủ tịch, secretary: thư ký, members: ủy viên) and listed on each
  existing meeting with presence not recorded (nobody's presence is invented).
- council_vote.tally: "paper" for the totals typed from paper ballots (per-member ballots later).
- department_proposal: each nomination's list line frozen at its department review; nominations
  reviewed before this revision get one from their latest department review in the audit log,
  worded from the directory as it stands now (the best record there is).
- export_job: the cycle's dossier archive built in the background, with its progress.
"""
from datetime import UTC, datetime
import re
from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_OWNER = ("nomination_id", "cycle_id", "department_id", "council_meeting_id")


def _document_columns() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
    _backfill_replacements()
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_document_superseded_by_id_document'), 'document',
                                    ['superseded_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_document_withdrawn_by_id_user_account'), 'user_account',
                                    ['withdrawn_by_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_document_replaced_is_superseded'),
                                         "superseded_by_id IS NULL OR superseded")
        batch_op.create_check_constraint(
            op.f('ck_document_withdrawn_has_reason'),
            "withdrawn_at IS NULL OR (superseded AND NOT generated AND withdrawn_by_id IS NOT NULL"
            " AND withdrawal_reason IS NOT NULL)")


def _backfill_replacements() -> None:
    """A replaced file's successor: the next file of the same kind, owner and origin."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, kind, generated, superseded, " + ", ".join(_OWNER) + " FROM document"
        " WHERE kind <> 'other' ORDER BY id")).mappings().all()
    by_group: dict[tuple, list] = {}
    for r in rows:
        by_group.setdefault((r["kind"], bool(r["generated"]), *(r[k] for k in _OWNER)), []).append(r)
    for group in by_group.values():
        for older, newer in zip(group, group[1:]):
            if older["superseded"]:
                bind.execute(sa.text("UPDATE document SET superseded_by_id = :n WHERE id = :o"),
                             {"n": newer["id"], "o": older["id"]})


def _register_tables() -> None:
    op.create_table('register_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("doc_type IN ('decision', 'certificate')", name=op.f('ck_register_entry_doc_type')),
    sa.CheckConstraint('seq IS NULL OR seq >= 1', name=op.f('ck_register_entry_seq')),
    sa.CheckConstraint("doc_type <> 'certificate' OR nomination_id IS NOT NULL",
                       name=op.f('ck_register_entry_certificate_has_awardee')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_register_entry_nomination_id_nomination')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_register_entry_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entry')),
    sa.UniqueConstraint('doc_type', 'year', 'seq', name=op.f('uq_register_entry_doc_type_year_seq')),
    sa.UniqueConstraint('doc_type', 'nomination_id', name=op.f('uq_register_entry_doc_type_nomination_id'))
    )
    op.create_table('award_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('signer_person_id', sa.Integer(), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.String(length=10), nullable=False),
    sa.Column('mixed_capacity_note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("capacity IN ('head', 'deputy')", name=op.f('ck_award_decision_capacity')),
    sa.ForeignKeyConstraint(['entry_id'], ['register_entry.id'], name=op.f('fk_award_decision_entry_id_register_entry')),
    sa.ForeignKeyConstraint(['cycle_id'], ['review_cycle.id'], name=op.f('fk_award_decision_cycle_id_review_cycle')),
    sa.ForeignKeyConstraint(['signer_person_id'], ['person.id'], name=op.f('fk_award_decision_signer_person_id_person')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_award_decision_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_decision')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_award_decision_entry_id'))
    )
    with op.batch_alter_table('award_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_decision_cycle_id'), ['cycle_id'], unique=False)
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_nomination_decision_id'), ['decision_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_nomination_decision_id_award_decision'), 'award_decision',
                                    ['decision_id'], ['id'])
    _backfill_register()
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_nomination_awarded_has_registered_decision'),
                                         "state <> 'awarded' OR decision_id IS NOT NULL")


_nomination = sa.table('nomination', sa.column('id', sa.Integer), sa.column('state', sa.String),
                       sa.column('cycle_id', sa.Integer), sa.column('award_form', sa.String),
                       sa.column('person_id', sa.Integer), sa.column('department_id', sa.Integer),
                       sa.column('approved_by_id', sa.Integer), sa.column('approved_for_head', sa.Boolean),
                       sa.column('decision_number', sa.String), sa.column('decision_date', sa.Date),
                       sa.column('decision_id', sa.Integer))
_entry = sa.table('register_entry', sa.column('issued_on', sa.Date), sa.column('created_at', sa.DateTime),
                  *(sa.column(c) for c in ('id', 'doc_type', 'year', 'seq', 'number', 'summary', 'signer_name',
                                           'recipients', 'note', 'nomination_id', 'created_by_id')))
_decision = sa.table('award_decision', sa.column('created_at', sa.DateTime),
                     *(sa.column(c) for c in ('id', 'entry_id', 'cycle_id', 'signer_person_id', 'signer_name',
                                              'capacity', 'mixed_capacity_note', 'created_by_id')))


def _now(bind):
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if bind.dialect.name == 'sqlite' else now


def _insert(bind, table, values: dict) -> int:
    return bind.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()


def _backfill_register() -> None:
    """Each awarded (number, date) becomes one registered decision; each certificate gets its number."""
    bind = op.get_bind()
    now = _now(bind)
    signers = {r.id: (r.person_id, r.full_name or r.display_name or r.username) for r in bind.execute(sa.text(
        "SELECT u.id, u.person_id, u.display_name, u.username, p.full_name FROM user_account u"
        " LEFT JOIN person p ON p.id = u.person_id"))}
    names = {r.id: r.name for r in bind.execute(sa.text(
        "SELECT n.id, COALESCE(p.full_name, d.name) AS name FROM nomination n LEFT JOIN person p"
        " ON p.id = n.person_id JOIN department d ON d.id = n.department_id"))}
    awarded = bind.execute(sa.select(_nomination).where(_nomination.c.decision_number.is_not(None),
                                                        _nomination.c.decision_date.is_not(None))
                           .order_by(_nomination.c.decision_date, _nomination.c.id)).all()
    groups: dict[tuple, list] = {}
    for n in awarded:
        groups.setdefault((n.decision_number.strip(), n.decision_date), []).append(n)
    used: set[tuple] = set()
    for (number, on), noms in groups.items():
        match = re.match(r"\s*0*(\d{1,6})(?!\d)", number)
        seq = int(match.group(1)) if match and int(match.group(1)) > 0 else None
        note = ""
        if seq is not None and ('decision', on.year, seq) in used:
            seq, note = None, "Số đã dùng trong năm trước khi có sổ; giữ nguyên như đã ghi."
        if seq is not None:
            used.add(('decision', on.year, seq))
        capacities = {("deputy" if n.approved_for_head else "head", n.approved_by_id) for n in noms}
        first = noms[0]
        person_id, signer = signers.get(first.approved_by_id, (None, ""))
        entry_id = _insert(bind, _entry, dict(
            doc_type='decision', year=on.year, seq=seq, number=number, issued_on=on,
            summary="Quyết định khen thưởng", signer_name=signer, recipients="", note=note,
            nomination_id=None, created_by_id=None, created_at=now))
        decision_id = _insert(bind, _decision, dict(
            entry_id=entry_id, cycle_id=first.cycle_id, signer_person_id=person_id, signer_name=signer,
            capacity="deputy" if first.approved_for_head else "head",
            mixed_capacity_note="Dữ liệu cũ: các hồ sơ được phê duyệt với thẩm quyền khác nhau."
            if len(capacities) > 1 else None, created_by_id=None, created_at=now))
        bind.execute(_nomination.update().where(_nomination.c.id.in_([n.id for n in noms]))
                     .values(decision_id=decision_id))
        for n in noms:
            if n.state == 'awarded' and n.award_form == 'agency_certificate':
                year_seq = 1 + max((k[2] for k in used if k[:2] == ('certificate', on.year)), default=0)
                used.add(('certificate', on.year, year_seq))
                _insert(bind, _entry, dict(
                    doc_type='certificate', year=on.year, seq=year_seq, number=f"{year_seq:02d}", issued_on=on,
                    summary=f"Giấy khen: {names.get(n.id, '')} (Quyết định số {number})", signer_name=signer,
                    recipients="", note="", nomination_id=n.id, created_by_id=None, created_at=now))


def _council_tables() -> None:
    op.create_table('council_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('council_role', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('term_from', sa.Date(), nullable=False),
    sa.Column('term_to', sa.Date(), nullable=True),
    sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("council_role IN ('chair', 'vice_chair', 'secretary', 'member')",
                       name=op.f('ck_council_member_council_role')),
    sa.CheckConstraint('term_to IS NULL OR term_from <= term_to', name=op.f('ck_council_member_term')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_council_member_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_member'))
    )
    with op.batch_alter_table('council_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_member_person_id'), ['person_id'], unique=False)
    op.create_table('meeting_attendance',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meeting.id'],
                            name=op.f('fk_meeting_attendance_meeting_id_council_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['council_member.id'],
                            name=op.f('fk_meeting_attendance_member_id_council_member')),
    sa.PrimaryKeyConstraint('meeting_id', 'member_id', name=op.f('pk_meeting_attendance'))
    )
    with op.batch_alter_table('council_meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('ends_at', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('place', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('attendance_by_name', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('chair_member_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('secretary_member_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('council_meeting', schema=None) as batch_op:
        batch_op.alter_column('place', server_default=None)
        batch_op.alter_column('attendance_by_name', server_default=None)
        batch_op.create_foreign_key(batch_op.f('fk_council_meeting_chair_member_id_council_member'),
                                    'council_member', ['chair_member_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_council_meeting_secretary_member_id_council_member'),
                                    'council_member', ['secretary_member_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_council_meeting_times'),
                                         "starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at")
    with op.batch_alter_table('council_vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tally', sa.String(length=10), nullable=False, server_default='paper'))
    with op.batch_alter_table('council_vote', schema=None) as batch_op:
        batch_op.alter_column('tally', server_default=None)
        batch_op.create_check_constraint(op.f('ck_council_vote_tally'), "tally IN ('paper', 'ballots')")
    _backfill_roster()


_ROLE_ORDER = (('agency_head', 'chair'), ('deputy_head', 'vice_chair'), ('council_secretary', 'secretary'),
               ('council_member', 'member'))


def _backfill_roster() -> None:
    """The roster from the users in office on the council; each existing meeting lists it, presence unknown."""
    bind = op.get_bind()
    meetings = bind.execute(sa.text("SELECT id, held_on FROM council_meeting")).all()
    if not meetings:
        return
    held = [m.held_on if not isinstance(m.held_on, str) else datetime.fromisoformat(m.held_on).date()
            for m in meetings]
    rows = bind.execute(sa.text(
        "SELECT u.person_id, r.role, p.position FROM user_account u JOIN user_role r ON r.user_id = u.id"
        " JOIN person p ON p.id = u.person_id WHERE u.active AND u.person_id IS NOT NULL")).all()
    roles: dict[int, set] = {}
    positions = {}
    for r in rows:
        roles.setdefault(r.person_id, set()).add(r.role)
        positions[r.person_id] = r.position or ''
    member = sa.table('council_member', sa.column('person_id'), sa.column('council_role'), sa.column('title'),
                      sa.column('term_from', sa.Date), sa.column('created_at', sa.DateTime), sa.column('id'))
    attendance = sa.table('meeting_attendance', sa.column('meeting_id'), sa.column('member_id'),
                          sa.column('present'))
    now = _now(bind)
    for person_id, held_roles in sorted(roles.items()):
        council_role = next((c for role, c in _ROLE_ORDER if role in held_roles), None)
        if council_role is None:
            continue
        member_id = _insert(bind, member, dict(person_id=person_id, council_role=council_role,
                                               title=positions[person_id], term_from=min(held), created_at=now))
        for m in meetings:
            bind.execute(attendance.insert().values(meeting_id=m.id, member_id=member_id, present=None))


def _proposal_table() -> None:
    op.create_table('department_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('nominee_type', sa.String(length=12), nullable=False),
    sa.Column('award_form', sa.String(length=30), nullable=False),
    sa.Column('line', sa.String(length=500), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('sort_key', sa.String(length=400).with_variant(sa.String(length=400, collation='C'), 'postgresql'),
              nullable=False),
    sa.Column('reviewed_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'],
                            name=op.f('fk_department_proposal_nomination_id_nomination')),
    sa.ForeignKeyConstraint(['cycle_id'], ['review_cycle.id'], name=op.f('fk_department_proposal_cycle_id_review_cycle')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                            name=op.f('fk_department_proposal_department_id_department')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'],
                            name=op.f('fk_department_proposal_reviewed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_proposal'))
    )
    with op.batch_alter_table('department_proposal', schema=None) as batch_op:
        batch_op.create_index('ix_department_proposal_cycle_department', ['cycle_id', 'department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_department_proposal_nomination_id'), ['nomination_id'], unique=False)
    _backfill_proposals()


def _backfill_proposals() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT n.id, n.cycle_id, n.department_id, n.nominee_type, n.award_form, n.summary, a.at, a.actor_id,"
        " p.full_name, p.gender, p.position, p.sort_key AS person_key, d.name AS dept_name,"
        " d.sort_key AS dept_key, pd.name AS person_dept"
        " FROM audit_log a JOIN nomination n ON n.id = a.nomination_id JOIN department d ON d.id = n.department_id"
        " LEFT JOIN person p ON p.id = n.person_id LEFT JOIN department pd ON pd.id = p.department_id"
        " WHERE a.action = 'department_review' AND a.entity_type = 'nomination' ORDER BY a.id")).all()
    table = sa.table('department_proposal', sa.column('nomination_id'), sa.column('cycle_id'),
                     sa.column('department_id'), sa.column('nominee_type'), sa.column('award_form'),
                     sa.column('line'), sa.column('note'), sa.column('sort_key'),
                     sa.column('reviewed_at', workflow.models.base.UTCDateTime(timezone=True)),
                     sa.column('reviewed_by_id'))
    identities = [(r.valid_from if not isinstance(r.valid_from, str) else datetime.fromisoformat(r.valid_from).date(),
                   r.head_title) for r in bind.execute(sa.text(
                       "SELECT valid_from, head_title FROM agency_identity ORDER BY valid_from DESC"))]
    for r in rows:
        if r.nominee_type == 'collective':
            line, key = r.dept_name, f"0{r.dept_key}"
        else:
            honorific = {"nam": "Ông", "nu": "Bà"}.get(r.gender or "", "Ông/Bà")
            unit = r.person_dept or r.dept_name
            line = f"{honorific} {r.full_name}" + (f", {r.position} {unit}" if r.position else f", {unit}")
            key = f"1{r.person_key}"
        at = r.at if not isinstance(r.at, str) else datetime.fromisoformat(r.at)
        head_title = next((title for since, title in identities if since <= at.date()),
                          identities[-1][1] if identities else "Thủ trưởng cơ quan")
        note = (f"Đề nghị tặng Giấy khen của {head_title}" if r.award_form == 'agency_certificate'
                else "Đề nghị cấp trên khen thưởng")
        bind.execute(table.insert().values(
            nomination_id=r.id, cycle_id=r.cycle_id, department_id=r.department_id, nominee_type=r.nominee_type,
            award_form=r.award_form, line=line, note=f"{note}. {r.summary}" if r.summary else note,
            sort_key=key, reviewed_at=at if at.tzinfo else at.replace(tzinfo=UTC), reviewed_by_id=r.actor_id))


def _export_table() -> None:
    op.create_table('export_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_export_job_state')),
    sa.CheckConstraint("kind IN ('cycle_dossier')", name=op.f('ck_export_job_kind')),
    sa.CheckConstraint("state <> 'done' OR file_name IS NOT NULL", name=op.f('ck_export_job_done_has_file')),
    sa.ForeignKeyConstraint(['cycle_id'], ['review_cycle.id'], name=op.f('fk_export_job_cycle_id_review_cycle')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'],
                            name=op.f('fk_export_job_requested_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job'))
    )


def upgrade() -> None:
    _document_columns()
    _register_tables()
    _council_tables()
    _proposal_table()
    _export_table()


def downgrade() -> None:
    op.drop_table('export_job')
    with op.batch_alter_table('department_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_proposal_nomination_id'))
        batch_op.drop_index('ix_department_proposal_cycle_department')
    op.drop_table('department_proposal')
    with op.batch_alter_table('council_vote', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_council_vote_tally'), type_='check')
        batch_op.drop_column('tally')
    with op.batch_alter_table('council_meeting', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_council_meeting_times'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_council_meeting_secretary_member_id_council_member'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_council_meeting_chair_member_id_council_member'), type_='foreignkey')
        for column in ('updated_at', 'secretary_member_id', 'chair_member_id', 'attendance_by_name', 'place',
                       'ends_at', 'starts_at'):
            batch_op.drop_column(column)
    op.drop_table('meeting_attendance')
    with op.batch_alter_table('council_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_member_person_id'))
    op.drop_table('council_member')
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_nomination_awarded_has_registered_decision'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_nomination_decision_id_award_decision'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_nomination_decision_id'))
        batch_op.drop_column('decision_id')
    with op.batch_alter_table('award_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_decision_cycle_id'))
    op.drop_table('award_decision')
    op.drop_table('register_entry')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_document_withdrawn_has_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_document_replaced_is_superseded'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_document_withdrawn_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_document_superseded_by_id_document'), type_='foreignkey')
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('superseded_by_id')
