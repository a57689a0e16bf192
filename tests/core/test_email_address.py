"""One check of email addresses for forms, imports, the CLI and the relay: CR/LF, syntax, IDN."""
from __future__ import annotations

import pytest

from workflow import directory
from workflow.email_address import normalize_email, parse_email
from workflow.errors import Invalid
from workflow.imports import apply_file
from workflow.models import Person

from ..registers.sheets import xlsx


@pytest.mark.parametrize("raw", ["an@example.vn\r\nBcc: x@y.vn", "an@exam\nple.vn", "an.example.vn", "an@", "@example.vn",
                                 "an @example.vn", "an@example..vn", "an@-example.vn"])
def test_malformed_addresses_are_refused_with_a_vietnamese_reason(raw):
    with pytest.raises(ValueError, match="Địa chỉ thư điện tử không hợp lệ"):
        parse_email(raw)


def test_an_idn_domain_keeps_its_unicode_form_and_gets_an_ascii_one():
    address = parse_email("  An@Bộ-Nội-Vụ.VN ")
    assert address.normalized == "An@bộ-nội-vụ.vn"
    assert address.ascii is not None and address.ascii.startswith("An@xn--") and address.ascii.isascii()


def test_a_unicode_mailbox_is_valid_but_has_no_ascii_form():
    address = parse_email("nguyễn@example.vn")
    assert address.normalized == "nguyễn@example.vn" and address.ascii is None


def test_blank_is_no_address_and_a_bad_one_is_a_field_problem():
    assert normalize_email("  ") is None and normalize_email(None) is None
    with pytest.raises(Invalid) as caught:
        normalize_email("an@example.vn\r\nBcc: x@y.vn")
    assert caught.value.problems[0].code == "email" and "xuống dòng" in caught.value.message


def test_users_and_people_are_refused_a_bad_address_and_stored_normalized(ctx):
    with pytest.raises(Invalid, match="không hợp lệ"):
        directory.create_user(ctx, None, username="vanthu", password="mat-khau-dai", roles=["staff"],
                              email="vt@example.vn\r\nBcc: x@y.vn")
    with pytest.raises(Invalid, match="không hợp lệ"):
        directory.create_person(ctx, None, full_name="Lê Văn Em", email="le-van-em")
    pid = directory.create_person(ctx, None, full_name="Lê Văn Em", email="Em@Bộ-Nội-Vụ.vn")
    with ctx.db.reading() as s:
        assert s.get(Person, pid).email == "Em@bộ-nội-vụ.vn"


def test_an_imported_row_with_a_pasted_line_break_in_its_email_is_refused_alone(ctx, make):
    a = make.agency()
    data = xlsx([["STT", "Họ và tên", "Ngày sinh", "Email"],
                 [1, "Trần Văn Bình", "01/02/1990", "binh@example.vn\r\nBcc: x@y.vn"],
                 [2, "Vũ Thị Dung", "01/02/1991", "dung@example.vn"]])
    result = apply_file(ctx, a.admin, "people", data, "can-bo.xlsx")
    [refused] = result.refused
    assert refused.code == "bad_value" and "không hợp lệ" in refused.reason and refused.label == "Trần Văn Bình"
    assert result.counts["create"] == 1
