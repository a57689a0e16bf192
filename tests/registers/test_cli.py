"""`thidua import … [--dry-run]` and `thidua export …` through click."""
from __future__ import annotations

import io

from click.testing import CliRunner
from openpyxl import load_workbook

from workflow.imports.cli import export, import_
from workflow.models import AuditEntry, ContestResult

from .helpers import count, snapshot
from .sheets import csv_bytes


def test_dry_run_prints_the_preview_and_refused_rows_and_writes_nothing(ctx, make, tmp_path):
    make.agency()
    path = tmp_path / "ket-qua.csv"
    path.write_bytes(csv_bytes([["STT", "Họ và tên", "Năm", "Điểm", "Giải"], ["1", "Lê Thị Hòa", "2025", "9,5", "Giải Ba"],
                                ["2", "Người Không Có", "2025", "5", ""]]))
    before = snapshot(ctx, ContestResult, AuditEntry)
    out = CliRunner().invoke(import_, ["contest-results", str(path), "--dry-run"], obj=ctx)

    assert out.exit_code == 0, out.output
    assert "Sẽ tạo mới: 1 · cập nhật: 0 · không đổi: 0 · từ chối: 1" in out.output
    assert "dòng 2     Tạo mới    Lê Thị Hoà — Cuộc thi trực tuyến tìm hiểu CCHC 2025" in out.output
    assert "dòng 3     Người Không Có: Không tìm thấy cán bộ “Người Không Có”" in out.output
    assert "Lý do từ chối: không tìm thấy cán bộ: 1" in out.output
    assert "Chạy thử: chưa ghi gì" in out.output
    assert snapshot(ctx, ContestResult, AuditEntry) == before


def test_import_writes_as_the_named_user_and_a_second_run_changes_nothing(ctx, make, tmp_path):
    a = make.agency()
    path = tmp_path / "kq.csv"
    path.write_bytes(csv_bytes([["Họ và tên", "Điểm"], ["Lê Thị Hoà", "8"]], delimiter=","))
    secretary = make.username(a.secretary)
    first = CliRunner().invoke(import_, ["contest-results", str(path), "--year", "2024", "--as", secretary], obj=ctx)
    assert first.exit_code == 0, first.output
    assert "Đã tạo mới: 1" in first.output and count(ctx, ContestResult) == 1
    with ctx.db.reading() as s:
        assert s.query(AuditEntry).filter_by(action="import_contest_results").one().actor_id == a.secretary
    second = CliRunner().invoke(import_, ["contest-results", str(path), "--year", "2024"], obj=ctx)
    assert "không đổi: 1" in second.output and "Không có gì thay đổi." in second.output
    refused = CliRunner().invoke(import_, ["contest-results", str(path), "--as", make.username(a.head)], obj=ctx)
    assert refused.exit_code != 0 and count(ctx, ContestResult) == 1


def test_export_writes_an_xlsx_for_a_cycle_given_as_a_year(ctx, make, tmp_path):
    a = make.agency()
    make.nomination(a, person_id=a.staff_person)
    out = tmp_path / "de-nghi.xlsx"
    result = CliRunner().invoke(export, ["nominations", "--cycle", "2025", "--out", str(out)], obj=ctx)
    assert result.exit_code == 0, result.output
    ws = load_workbook(io.BytesIO(out.read_bytes())).active
    assert ws[4][4].value == "Lê Thị Hoà"
    final = CliRunner().invoke(export, ["dashboard", "--cycle", "2021-2025", "--out", str(tmp_path / "d.xlsx")], obj=ctx)
    assert final.exit_code == 0, final.output
    assert "Tổng kết giai đoạn 2021-2025" in load_workbook(tmp_path / "d.xlsx").active["A1"].value
