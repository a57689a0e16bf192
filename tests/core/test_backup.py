"""`thidua backup` then `thidua restore` gives back every row and every document, on both databases."""
from __future__ import annotations

import hashlib
import shutil
import tarfile

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from webapp.cli import main
from workflow import dossier, registers
from workflow.models import AuditEntry, Base, Document, Person

from ..registers.helpers import people_counted, people_tallies


@pytest.fixture
def run(settings, ctx):
    env = {"THIDUA_DATABASE__URL": settings.database_url, "THIDUA_APP__INSTANCE_PATH": str(settings.instance_path)}
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def snapshot(ctx) -> dict[str, int]:
    with ctx.db.reading() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def upload(ctx, make, a, nid: int, content: bytes, name: str) -> str:
    with ctx.db.transaction() as s:
        doc = dossier.add_document(s, ctx, user_id=a.head, kind="achievement_report", filename=name,
                                   content=content, nomination_id=nid)
        return doc.stored_name


def test_a_backup_restores_every_row_and_every_file_after_loss(ctx, make, run, tmp_path):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person)
    stored = upload(ctx, make, a, nid, "Báo cáo thành tích – bản 1".encode(), "bao-cao.docx")
    registers.save_contest_result(ctx, a.secretary, contest_kind="online_cchc", year=2025, person_id=a.staff_person,
                                  participated=True)
    before = snapshot(ctx)
    with ctx.db.reading() as s:
        tallies = people_tallies(s)
    archive = tmp_path / "sao-luu" / "thidua.tar"

    result = run("backup", archive)
    assert result.exit_code == 0, result.output
    assert "1 tệp tài liệu" in result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0].startswith("database.") and f"documents/{stored}" in names  # the dump comes first

    # what happens after the backup is lost: new rows, and the documents folder
    make.nomination(a)
    upload(ctx, make, a, nid, b"ban 2", "bao-cao-2.docx")
    registers.save_contest_result(ctx, a.secretary, contest_kind="online_cchc", year=2024, person_id=a.staff_person,
                                  participated=True)
    shutil.rmtree(ctx.settings.upload_dir)
    assert snapshot(ctx) != before

    result = run("restore", archive, "--yes")
    assert result.exit_code == 0, result.output
    assert "chuỗi băm nối liền" in result.output
    assert snapshot(ctx) == before
    with ctx.db.reading() as s:
        [doc] = s.scalars(select(Document)).all()
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before["audit_log"]
    path = ctx.settings.upload_dir / doc.stored_name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == doc.sha256
    assert run("audit", "verify").exit_code == 0

    # the people tallies and contest years come back as they were, and their triggers with them
    with ctx.db.reading() as s:
        assert people_tallies(s) == tallies == people_counted(s)
    make.person(a.department_id)
    registers.save_contest_result(ctx, a.secretary, contest_kind="online_cchc", year=2024, person_id=a.staff_person,
                                  participated=True)
    with ctx.db.reading() as s:
        assert s.scalar(select(Person.online_contest_years).where(Person.id == a.staff_person)) == ",2024,2025,"
        assert people_tallies(s) == people_counted(s) != tallies


def test_a_backup_never_overwrites_and_a_foreign_file_is_refused(ctx, run, tmp_path):
    archive = tmp_path / "thidua.tar"
    assert run("backup", archive).exit_code == 0
    again = run("backup", archive)
    assert again.exit_code == 2 and "đã có" in again.output
    junk = tmp_path / "khac.tar"
    with tarfile.open(junk, "w") as tar:
        tar.add(__file__, arcname="readme.txt")
    refused = run("restore", junk, "--yes")
    assert refused.exit_code == 2 and "không phải bản sao lưu" in refused.output
