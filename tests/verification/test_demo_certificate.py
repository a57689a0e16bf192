"""Done when (issue #15): a certificate printed by the demo is verified by scanning its QR into the public
page; revoking its decision changes the page's answer. One demo on SQLite, one certificate."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from states import State
from webapp import create_app
from workflow import decision_queries, demo, directory, documents
from workflow.models import Nomination, RegisterEntry, User

from ..documents.conftest import soffice_or_skip, stored
from ..documents.test_verification_qr import _pgm

pytestmark = [pytest.mark.pdf, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def _scan(ctx, document_id: int, tmp_path) -> str:
    """What a phone reads from the printed page: the QR decoded from the PDF rendered at 200 dpi."""
    zxingcpp = pytest.importorskip("zxingcpp")
    pdf = tmp_path / "giay-khen.pdf"
    pdf.write_bytes(stored(ctx, document_id)[1])
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-singlefile", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True)
    width, height, pixels = _pgm(tmp_path / "page.pgm")
    [found] = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))
    return found.text


def test_a_demo_certificate_scanned_into_the_public_page_is_valid_until_its_decision_is_revoked(ctx, clock, tmp_path):
    soffice_or_skip()
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    clock.set(date(2026, 12, 1))
    demo.build(ctx)
    token = directory.create_token(ctx, "thuky")
    with ctx.db.reading() as s:
        nom = s.scalars(select(Nomination).join(RegisterEntry, RegisterEntry.nomination_id == Nomination.id)
                        .where(Nomination.state == State.AWARDED, Nomination.nominee_type == "individual",
                               RegisterEntry.doc_type == "certificate").order_by(Nomination.id.desc())).first()
        nomination_id, decision_id, name = nom.id, nom.decision_id, nom.nominee_name
        secretary = s.scalars(select(User.id).where(User.username == "thuky")).one()
        head = next(u["id"] for u in decision_queries.signers(s) if u["capacity"] == "head")
    certificate = documents.generate(ctx, secretary, "certificate", nomination_id=nomination_id, pdf=True)
    address = _scan(ctx, certificate, tmp_path)
    assert address.startswith(ctx.settings.base_url + "/xac-minh/")

    web = create_app(context=ctx).test_client()  # not logged in: the public page
    page = web.get(urlsplit(address).path).get_data(as_text=True)
    assert "Hợp lệ" in page and name in page

    r = web.post(f"/api/v1/decisions/{decision_id}/revoke", headers={"Authorization": f"Bearer {token}"},
                 json={"reason": "Hồ sơ kê khai không trung thực", "signed_on": clock.today().isoformat(),
                       "signer_user_id": head})
    assert r.status_code == 201, r.get_data(as_text=True)
    page = web.get(urlsplit(address).path).get_data(as_text=True)
    assert "Đã bị thu hồi" in page and f"Quyết định số {r.get_json()['number']}" in page and "Hợp lệ" not in page
