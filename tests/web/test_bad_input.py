"""Input no database can store is a 4xx on pages and API alike, never a 500 (and, on SQLite, never
silently kept): NUL bytes, lone surrogates, names longer than their column, JSON nested deep."""
from __future__ import annotations

import io

import pytest

from workflow import directory
from workflow.errors import Invalid

from .conftest import Browser, csrf_of


@pytest.fixture
def token(ctx, make):
    a = make.agency()
    make.a = a
    return {"Authorization": "Bearer " + directory.create_token(ctx, make.username(a.secretary))}


def test_a_nul_byte_in_a_query_parameter_is_refused_on_the_api_and_the_pages(app, make, token):
    api = app.test_client()
    for url in ("/api/v1/people?q=a%00b", "/api/v1/initiatives?q=%00", "/api/v1/nominations?state=%00"):
        response = api.get(url, headers=token)
        assert response.status_code == 400 and response.json["code"] == "invalid_characters", url
    page = Browser(app.test_client()).login(make.username(make.a.secretary))
    for url in ("/registers/initiatives?q=%00", "/nominations?q=x%00", "/reports/history?q=%00"):
        response = page.get(url)
        assert response.status_code == 400, url
        assert "ký tự không hợp lệ" in response.get_data(as_text=True)


def test_a_nul_byte_in_the_login_form_is_refused_before_login(app, make):
    make.agency()
    client = app.test_client()
    csrf = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "admin\x00", "password": "x", "csrf_token": csrf})
    assert response.status_code == 400


def test_a_lone_surrogate_in_json_is_refused(app, token):
    body = b'{"title": "S\\udbd4", "field": "e_government", "year": 2025}'
    response = app.test_client().post("/api/v1/initiatives", data=body, content_type="application/json",
                                      headers=token)
    assert response.status_code == 400 and response.json["code"] == "invalid_characters"


def test_json_nested_a_thousand_deep_is_refused(app, token):
    body = '{"title": ' + "[" * 1000 + "]" * 1000 + "}"
    response = app.test_client().post("/api/v1/initiatives", data=body, content_type="application/json",
                                      headers=token)
    assert response.status_code == 400 and response.json["code"] == "json_too_deep"


def test_an_upload_name_over_255_characters_is_refused(app, make, token):
    a = make.a
    nid = make.nomination(a, person_id=a.staff_person)
    data = {"kind": "achievement_report", "file": (io.BytesIO(b"%PDF-1.4 test"), "b" * 300 + ".pdf")}
    response = app.test_client().post(f"/api/v1/nominations/{nid}/documents", data=data, headers=token,
                                      content_type="multipart/form-data")
    assert response.status_code == 400 and response.json["code"] == "filename_too_long"


def test_text_longer_than_its_column_is_refused_by_the_use_case(ctx):
    with pytest.raises(Invalid) as refused:
        directory.create_person(ctx, None, full_name="Nguyễn " * 40)
    assert refused.value.code == "full_name_too_long" and "200 ký tự" in refused.value.message


def test_a_wrong_method_names_the_allowed_ones_in_allow(app, token):
    client = app.test_client()
    api = client.put("/api/v1/initiatives", headers=token)
    assert api.status_code == 405 and set(api.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert api.json["code"] == "method_not_allowed"
    page = client.delete("/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]
