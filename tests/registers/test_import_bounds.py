"""Spreadsheets are read in streaming mode with caps checked while reading; abandoned uploads are removed."""
from __future__ import annotations

import io
import os
import time
import tracemalloc

import pytest
from openpyxl import Workbook

from workflow.errors import Invalid
from workflow.imports import preview_file, staging, tables


def far_cell_sheet(cell: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Ngày sinh"])
    ws.append([1, "Nguyễn Văn An", "01/02/1990"])
    ws[cell] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_5_kb_sheet_with_a_cell_at_cv99000_is_refused_in_bounded_memory(ctx, make):
    a = make.agency()
    data = far_cell_sheet("CV99000")
    assert len(data) < 6_000
    tracemalloc.start()
    try:
        with pytest.raises(Invalid) as caught:
            preview_file(ctx, a.admin, "people", data, "can-bo.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_many_columns"
    assert "CV99000" in caught.value.message and "60 cột" in caught.value.message
    assert peak < 30_000_000, f"peak {peak / 1e6:.1f} MB"  # the normal loader took 2.1 GB


def test_a_cell_below_the_row_cap_is_refused_with_the_cap_in_the_message(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 500)
    with pytest.raises(Invalid) as caught:
        tables.read_table(far_cell_sheet("B600"), "can-bo.xlsx")
    assert caught.value.code == "too_many_rows" and "tối đa 500" in caught.value.message


def test_formatting_far_away_without_a_value_does_not_count_and_merges_still_fill():
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CÁN BỘ"])
    ws.merge_cells("A1:C1")
    ws.append(["STT", "Họ và tên", "Phòng"])
    ws.append([1, "Nguyễn Văn An", "Phòng Chính sách"])
    ws.append([2, "Lê Thị Hoà", None])
    ws.merge_cells("C3:C4")  # the department written once for a block of rows
    ws["CV5000"].number_format = "0.00"  # styled, empty
    out = io.BytesIO()
    wb.save(out)
    table = tables.read_table(out.getvalue(), "x.xlsx")
    assert [r.cells for r in table.rows] == [
        ["DANH SÁCH CÁN BỘ"] * 3, ["STT", "Họ và tên", "Phòng"],
        [1, "Nguyễn Văn An", "Phòng Chính sách"], [2, "Lê Thị Hoà", "Phòng Chính sách"]]
    assert table.merged_header_cells == 2


def test_uploads_nobody_confirmed_are_removed_after_a_day(settings):
    folder = staging.upload_dir(settings)
    old, fresh = folder / "3-aaaa.xlsx", folder / "3-bbbb.xlsx"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert staging.purge_stale_uploads(settings) == 1
    assert not old.exists() and fresh.exists()
