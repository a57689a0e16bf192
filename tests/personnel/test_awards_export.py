"""Awards per person for the personnel (CBCCVC) database: one row per award, .xlsx and .csv, secretary only."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select, update

from states import State
from workflow.errors import Forbidden
from workflow.models import AwardDecision, Nomination, Person, PersonalDataAccess
from workflow.reports import exports

from ..web.conftest import app, browser_for, fast_password_hashing  # noqa: F401 - fixtures


def _awarded(ctx, make):
    a = make.agency()
    nid = make.nomination(a, state=State.AWARDED)
    with ctx.db.transaction() as s:
        pid = s.get(Nomination, nid).person_id
        s.execute(update(Person).where(Person.id == pid).values(birth_date=date(1985, 4, 30)))
        name = s.get(Person, pid).full_name
    return a, nid, pid, name


def test_one_row_per_award_with_identifiers_decision_and_agency(ctx, make):
    a, _nid, pid, name = _awarded(ctx, make)
    data = exports.export_csv(ctx, a.secretary, "personnel-awards")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, [row] = rows[0], rows[1:]
    got = dict(zip(header, row))
    assert got["Mã cán bộ (thidua)"] == str(pid) and got["Họ và tên"] == name and got["Ngày sinh"] == "1985-04-30"
    assert got["Số quyết định"] == "12/QĐ-BDT" and got["Ngày quyết định"] == ctx.clock.today().isoformat()
    assert got["Hình thức khen thưởng"].startswith("Giấy khen của") and got["Cơ quan ban hành"]
    assert len(got["Mã xác minh"]) == 10
    wb = load_workbook(io.BytesIO(exports.export(ctx, a.secretary, "personnel-awards")))
    values = [c.value for c in next(r for r in wb.active.iter_rows() if r[0].value == pid)]
    assert name in values and "12/QĐ-BDT" in values
    with ctx.db.reading() as s:  # the birth dates were read: logged
        assert s.scalars(select(PersonalDataAccess.person_id).where(PersonalDataAccess.user_id == a.secretary)).all()


def test_staff_cannot_export_it(ctx, make):
    a, *_ = _awarded(ctx, make)
    with pytest.raises(Forbidden):
        exports.export_csv(ctx, a.staff_user, "personnel-awards")


def test_the_csv_is_served_and_the_cli_writes_it(ctx, make, browser_for, tmp_path, monkeypatch):  # noqa: F811
    a, _, _, name = _awarded(ctx, make)
    secretary = browser_for(a.secretary)
    assert "/reports/export/personnel-awards.csv" in secretary.get("/reports/").get_data(as_text=True)
    r = secretary.get("/reports/export/personnel-awards.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and name in r.get_data().decode("utf-8-sig")
    from workflow.imports import cli
    monkeypatch.setattr(cli, "_ctx", lambda: ctx)
    out = tmp_path / "cbccvc.csv"
    result = CliRunner().invoke(cli.export, ["personnel-awards", "--out", str(out), "--as", make.username(a.secretary)])
    assert result.exit_code == 0, result.output
    assert name in out.read_bytes().decode("utf-8-sig")


def test_an_award_whose_decision_was_revoked_names_the_revoking_decision(ctx, make):
    from workflow import verification
    a, nid, _pid, _name = _awarded(ctx, make)
    rows = list(csv.DictReader(io.StringIO(exports.export_csv(ctx, a.secretary, "personnel-awards").decode("utf-8-sig"))))
    assert rows[0]["Bị thu hồi theo"] == ""
    with ctx.db.reading() as s:
        decision_id = s.get(Nomination, nid).decision_id
    new_id = verification.revoke_decision(ctx, a.secretary, decision_id, signed_on=ctx.clock.today(),
                                          signer_user_id=a.agency_head, reason="Sai đối tượng")
    with ctx.db.reading() as s:
        number = s.get(AwardDecision, new_id).number
    [row] = csv.DictReader(io.StringIO(exports.export_csv(ctx, a.secretary, "personnel-awards").decode("utf-8-sig")))
    assert row["Bị thu hồi theo"] == f"Quyết định số {number} ngày {ctx.clock.today():%d/%m/%Y}"
