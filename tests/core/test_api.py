"""The JSON API: every endpoint answers, every status code of issue #2, no 500 on bad input."""
from datetime import date

import pytest
from openapi_spec_validator import validate

from states import State
from webapp import create_app
from workflow import directory
from workflow.models import Nomination


class Api:
    def __init__(self, ctx, make):
        self.ctx = ctx
        self.make = make
        app = create_app(context=ctx)
        app.config["TESTING"] = True
        self.client = app.test_client()
        self.app = app
        self._tokens = {}

    def headers(self, user_id):
        if user_id not in self._tokens:
            self._tokens[user_id] = directory.create_token(self.ctx, self.make.username(user_id))
        return {"Authorization": f"Bearer {self._tokens[user_id]}"}

    def get(self, user_id, url, **kw):
        return self.client.get(url, headers=self.headers(user_id), **kw)

    def post(self, user_id, url, **kw):
        return self.client.post(url, headers=self.headers(user_id), **kw)

    def act(self, user_id, nid, action, **body):
        version = body.pop("version", None) or self.make.version(nid)
        return self.post(user_id, f"/api/v1/nominations/{nid}/actions", json={"action": action, "version": version,
                                                                              **body})


@pytest.fixture
def api(ctx, make):
    return Api(ctx, make)


@pytest.fixture
def a(make):
    return make.agency()


def error_codes(response):
    return [e["code"] for e in response.get_json()["errors"]]


def test_a_nomination_is_driven_from_registered_to_awarded_by_the_right_users(api, make, a):
    cycle = make.cycle()
    make.prize(a, a.staff_person)
    r = api.post(a.head, "/api/v1/nominations", json={"cycle_id": cycle, "nominee_type": "individual",
                                                      "person_id": a.staff_person, "award_form": "agency_certificate"})
    assert r.status_code == 201, r.get_json()
    nid = r.get_json()["id"]
    assert r.get_json()["allowed_actions"] == ["department_review", "reject", "withdraw"]
    r = api.post(a.head, f"/api/v1/nominations/{nid}/documents",
                 data={"kind": "achievement_report", "file": (__import__("io").BytesIO(b"PK\x03\x04 report"), "bctt.docx")})
    assert r.status_code == 201, r.get_json()
    doc_id = r.get_json()["id"]
    r = api.post(a.head, f"/api/v1/cycles/{cycle}/departments/{a.department_id}/documents",
                 data={"kind": "department_minutes", "file": (__import__("io").BytesIO(b"%PDF bb"), "bien ban.pdf")})
    assert r.status_code == 201
    assert api.act(a.head, nid, "department_review").status_code == 200
    seated = make.roster(a, 7)
    r = api.post(a.secretary, f"/api/v1/cycles/{cycle}/council-meetings",
                 json={"held_on": "2025-11-20", "starts_at": "14:00", "ends_at": "16:00", "place": "Phòng họp",
                       "chair_member_id": seated[0], "secretary_member_id": seated[1],
                       "present_member_ids": seated[:6]})
    assert r.status_code == 201 and r.get_json()["quorum_met"] is True
    assert r.get_json()["members_present"] == 6 and r.get_json()["members_total"] == 7
    meeting = r.get_json()["id"]
    r = api.post(a.secretary, f"/api/v1/council-meetings/{meeting}/votes",
                 json={"nomination_id": nid, "votes_for": 5, "votes_against": 1})
    assert r.status_code == 201 and r.get_json()["votes"][0]["passed"] is True
    assert api.act(a.secretary, nid, "council_review", meeting_id=meeting).status_code == 200
    assert api.act(a.deputy, nid, "head_approve").status_code == 200
    r = api.act(a.secretary, nid, "award", decision_number="15/QĐ-SDTTG", decision_date="2025-11-20")
    assert r.status_code == 200
    body = r.get_json()
    assert body["state"] == "awarded" and body["decision_number"] == "15/QĐ-SDTTG"
    assert [h["to_state"] for h in body["history"] if h["to_state"]] == [
        "registered", "department_reviewed", "council_reviewed", "head_approved", "awarded"]
    assert any((h["on_behalf_of"] or "").startswith("KT. Giám đốc Sở (được phân công") for h in body["history"])
    # the timeline shows the emails sent about it (here to the secretary, the head, the department)
    assert body["emails"] and all(m["subject"] for m in body["emails"])
    download = api.get(a.head, f"/api/v1/documents/{doc_id}")
    assert download.status_code == 200 and download.data == b"PK\x03\x04 report"


def test_wrong_user_wrong_state_stale_version_and_unmet_criteria_are_refused(api, make, a):
    nid = make.nomination(a, state=State.REGISTERED)
    r = api.act(a.other_head, nid, "department_review")
    assert r.status_code == 404  # another department cannot even see it
    r = api.act(a.secretary, nid, "department_review")
    assert r.status_code == 403 and "Trưởng phòng" in r.get_json()["message"]
    r = api.act(a.secretary, nid, "award", decision_number="1", decision_date="2025-11-20")
    assert r.status_code == 409 and error_codes(r) == ["illegal_transition"]
    r = api.act(a.head, nid, "department_review", version=99)
    assert r.status_code == 409 and error_codes(r) == ["stale_version"]
    r = api.act(a.head, nid, "department_review")
    assert r.status_code == 422
    assert set(error_codes(r)) == {"missing_achievement_report", "missing_department_minutes"}
    assert all(e["message"] for e in r.get_json()["errors"])


def test_unmet_criteria_are_a_422_with_the_reason(api, make, a):
    person = make.person(a.department_id)
    r = api.post(a.head, "/api/v1/nominations", json={"cycle_id": make.cycle(), "nominee_type": "individual",
                                                      "person_id": person, "award_form": "agency_certificate"})
    nid = r.get_json()["id"]
    assert r.get_json()["criteria"]["met"] is False
    r = api.act(a.head, nid, "department_review")
    assert r.status_code == 422 and "criteria_unmet" in error_codes(r)
    assert "Chưa đạt tiêu chuẩn" in r.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("body", [
    None, "not json", [], {"cycle_id": "abc"}, {"cycle_id": 1, "nominee_type": "alien"},
    {"cycle_id": 1, "nominee_type": "individual", "person_id": True, "award_form": "agency_certificate"},
    {"cycle_id": 10**30, "nominee_type": "collective", "department_id": 1, "award_form": "agency_certificate"},
])
def test_malformed_input_never_causes_a_500(api, a, body):
    kwargs = {"data": body, "content_type": "application/json"} if isinstance(body, str) or body is None \
        else {"json": body}
    r = api.post(a.head, "/api/v1/nominations", **kwargs)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["code"]


@pytest.mark.parametrize("url", ["/api/v1/nominations?cursor=%%%", "/api/v1/nominations?state=flying",
                                 "/api/v1/nominations?cycle_id=x", "/api/v1/people?department_id=-1"])
def test_bad_query_parameters_are_422(api, a, url):
    assert api.get(a.secretary, url).status_code == 422


def test_without_a_token_the_api_answers_401(api):
    r = api.client.get("/api/v1/me")
    assert r.status_code == 401 and r.get_json()["code"] == "unauthorized"
    assert api.client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_unknown_nomination_and_unknown_path_are_404(api, a):
    assert api.get(a.secretary, "/api/v1/nominations/424242").status_code == 404
    assert api.get(a.secretary, "/api/v1/nowhere").get_json()["code"] == "not_found"


def test_reference_endpoints_answer_with_real_data(api, make, a):
    me = api.get(a.head, "/api/v1/me").get_json()
    assert "department_head" in me["roles"] and me["headed_department_ids"] == [a.department_id]
    departments = api.get(a.head, "/api/v1/departments").get_json()["items"]
    assert [d["name"] for d in departments] == ["Phòng Chính sách", "Phòng Kế hoạch"]
    people = api.get(a.head, "/api/v1/people?q=le thi hoa").get_json()["items"]
    assert [p["full_name"] for p in people] == ["Lê Thị Hoà"]
    cycles = api.get(a.head, "/api/v1/cycles").get_json()["items"]
    assert {c["title"] for c in cycles} >= {"Sơ kết năm 2026", "Tổng kết giai đoạn 2021-2025"}


def test_nomination_list_filters_searches_without_diacritics_and_pages_by_keyset(api, make, a):
    ids = [make.nomination(a, person_id=make.person(a.department_id, f"Trần Văn Đức {i}")) for i in range(5)]
    ids.append(make.nomination(a, person_id=a.staff_person))
    first = api.get(a.secretary, "/api/v1/nominations?limit=4").get_json()
    assert [n["id"] for n in first["items"]] == sorted(ids, reverse=True)[:4]
    second = api.get(a.secretary, f"/api/v1/nominations?limit=4&cursor={first['next_cursor']}").get_json()
    assert [n["id"] for n in second["items"]] == sorted(ids, reverse=True)[4:]
    assert second["next_cursor"] is None
    found = api.get(a.secretary, "/api/v1/nominations?q=LE THI HOA").get_json()["items"]
    assert [n["nominee_name"] for n in found] == ["Lê Thị Hoà"]
    assert api.get(a.secretary, "/api/v1/nominations?state=awarded").get_json()["items"] == []
    assert len(api.get(a.other_head, "/api/v1/nominations").get_json()["items"]) == 0
    assert len(api.get(a.staff_user, "/api/v1/nominations").get_json()["items"]) == 1


def test_batch_actions_report_a_result_per_item(api, make, a):
    good = make.nomination(a, state=State.COUNCIL_REVIEWED)
    early = make.nomination(a, state=State.REGISTERED)
    r = api.post(a.agency_head, "/api/v1/nominations/actions",
                 json={"action": "head_approve", "items": [{"nomination_id": good}, {"nomination_id": early}]})
    body = r.get_json()
    assert r.status_code == 200 and body["succeeded"] == 1 and body["failed"] == 1
    assert body["results"][1]["errors"][0]["code"] == "illegal_transition"


def test_registers_endpoints_create_and_list(api, make, a):
    r = api.post(a.secretary, "/api/v1/initiatives", json={
        "title": "Số hoá hồ sơ người có uy tín", "field": "e_government", "year": 2025, "author_ids": [a.staff_person],
        "recognition_number": "7/QĐ-BDT", "recognition_date": "2025-06-01"})
    assert r.status_code == 201 and r.get_json()["authors"][0]["full_name"] == "Lê Thị Hoà"
    r = api.post(a.secretary, "/api/v1/initiatives", json={"title": "X", "field": "e_government", "year": 2025,
                                                           "author_ids": [a.staff_person], "appraisal_number": "1"})
    assert r.status_code == 422
    assert api.get(a.head, "/api/v1/initiatives?q=so hoa").get_json()["items"][0]["recognition_number"] == "7/QĐ-BDT"
    r = api.post(a.secretary, "/api/v1/contest-results", json={
        "contest_kind": "online_cchc", "year": 2025, "person_id": a.staff_person, "prize": "Giải Nhì", "score": 98.5})
    assert r.status_code == 201 and r.get_json()["prize"] == "Giải Nhì"
    assert len(api.get(a.head, "/api/v1/contest-results?year=2025").get_json()["items"]) == 1
    r = api.post(a.head, "/api/v1/task-ratings", json={"year": 2025, "rating": "excellent",
                                                       "person_id": a.staff_person})
    assert r.status_code == 403
    r = api.post(a.secretary, "/api/v1/task-ratings", json={"year": 2025, "rating": "excellent",
                                                            "department_id": a.department_id})
    assert r.status_code == 201
    assert api.get(a.head, "/api/v1/task-ratings?year=2025").get_json()["items"][0]["rating"] == "excellent"


def test_registration_is_sent_then_refused_with_a_reason_then_approved(api, make, a):
    with make.ctx.db.reading() as s:
        from workflow.models import Campaign
        campaign = s.query(Campaign).filter_by(code="CCHC-2021-2025").one().id
    r = api.post(a.head, "/api/v1/registrations", json={
        "campaign_id": campaign, "department_id": a.department_id, "year": 2025, "collective": True,
        "person_ids": [a.staff_person], "submit": True})
    assert r.status_code == 201 and r.get_json()["state"] == "awaiting"
    reg = r.get_json()["id"]
    r = api.post(a.secretary, f"/api/v1/registrations/{reg}/decision", json={"approve": False})
    assert r.status_code == 422 and error_codes(r) == ["reason_required"]
    r = api.post(a.secretary, f"/api/v1/registrations/{reg}/decision",
                 json={"approve": False, "reason": "Thiếu chỉ tiêu cụ thể"})
    assert r.get_json()["state"] == "refused"
    r = api.post(a.head, "/api/v1/registrations", json={
        "campaign_id": campaign, "department_id": a.department_id, "year": 2025, "collective": True,
        "person_ids": [a.staff_person], "submit": True, "target": "Giấy khen chuyên đề CCHC"})
    assert r.get_json()["state"] == "awaiting"
    r = api.post(a.secretary, f"/api/v1/registrations/{reg}/decision", json={"approve": True})
    assert r.get_json()["state"] == "approved"
    r = api.post(a.secretary, f"/api/v1/registrations/{reg}/decision", json={"approve": True})
    assert r.status_code == 409
    assert api.post(a.other_head, "/api/v1/registrations", json={
        "campaign_id": campaign, "department_id": a.department_id, "year": 2025}).status_code == 403


def test_upload_refuses_bad_files_with_reasons(api, make, a):
    nid = make.nomination(a)
    io = __import__("io")
    r = api.post(a.head, f"/api/v1/nominations/{nid}/documents",
                 data={"kind": "achievement_report", "file": (io.BytesIO(b"MZ"), "virus.exe")})
    assert r.status_code == 422 and error_codes(r) == ["file_type"]
    r = api.post(a.head, f"/api/v1/nominations/{nid}/documents",
                 data={"kind": "achievement_report", "file": (io.BytesIO(b""), "empty.pdf")})
    assert error_codes(r) == ["file_empty"]
    r = api.post(a.head, f"/api/v1/nominations/{nid}/documents", data={"kind": "council_minutes",
                                                                         "file": (io.BytesIO(b"x"), "a.pdf")})
    assert error_codes(r) == ["document_kind"]
    r = api.post(a.head, f"/api/v1/nominations/{nid}/documents", data={"kind": "achievement_report"})
    assert error_codes(r) == ["file_required"]


def test_openapi_document_is_valid_and_matches_the_routes(api):
    r = api.client.get("/api/v1/openapi.json")
    spec = r.get_json()
    validate(spec)
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    served = set()
    for rule in api.app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule.replace("<int:", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, method))
    assert documented == served


def test_decision_date_must_be_a_date(api, make, a):
    nid = make.nomination(a, state=State.HEAD_APPROVED)
    r = api.act(a.secretary, nid, "award", decision_number="1/QĐ", decision_date="20/11/2025")
    assert r.status_code == 422 and error_codes(r) == ["invalid_decision_date"]
    with make.ctx.db.reading() as s:
        assert s.get(Nomination, nid).state == "head_approved"
    assert date(2025, 11, 20) == make.ctx.clock.today()


def test_documents_are_generated_into_the_dossier_and_downloadable(api, make, a):
    nid = make.nomination(a, person_id=a.staff_person, state=State.AWARDED)
    r = api.post(a.head, f"/api/v1/nominations/{nid}/documents/generate", json={"kind": "achievement_report"})
    assert r.status_code == 201, r.get_json()
    doc = r.get_json()
    assert doc["generated"] and doc["kind"] == "achievement_report" and doc["template_version"]
    assert api.get(a.head, doc["download_url"]).data[:2] == b"PK"  # a .docx is a zip
    r = api.post(a.head, f"/api/v1/cycles/{make.cycle()}/documents/generate", json={"kind": "cycle_list"})
    assert r.status_code == 403
    r = api.post(a.secretary, f"/api/v1/cycles/{make.cycle()}/documents/generate", json={"kind": "cycle_list"})
    assert r.status_code == 201 and r.get_json()["name"].endswith(".xlsx")
    r = api.post(a.secretary, f"/api/v1/nominations/{nid}/documents/generate", json={"kind": "nonsense"})
    assert r.status_code == 422
    r = api.post(a.secretary, f"/api/v1/cycles/{make.cycle()}/documents/archive")
    assert r.status_code == 200 and r.data[:2] == b"PK"


@pytest.mark.parametrize("method, url, body", [
    ("get", "/api/v1/documents/666458816764800251320036055056384", None),
    ("get", "/api/v1/contest-results?person_id=609180440479685294029799424&year=564", None),
    ("get", "/api/v1/task-ratings?year=381737100225563591025098752", None),
    ("post", "/api/v1/council-meetings/1/votes", {"votes_for": 4250171847, "votes_against": 1, "nomination_id": -621}),
    ("post", "/api/v1/nominations/32589158477190044731/actions", {"action": "hold", "version": 1}),
    ("post", "/api/v1/registrations/1/decision", '{"approve": false, "reason": "\\udbd4 lý do"}'),
    ("post", "/api/v1/contest-results", {"contest_kind": "online_cchc", "year": 2025, "person_id": 1,
                                         "score": 1e300}),
    ("post", "/api/v1/initiatives", {"title": "X", "field": "e_government", "year": 2025, "author_ids": [2**40]}),
])
def test_what_a_fuzzer_found_is_a_4xx_not_a_500(api, a, method, url, body):
    """Cases schemathesis found against the OpenAPI document: out-of-range ids, lone surrogates."""
    kwargs = {"json": body} if isinstance(body, dict) else {}
    if isinstance(body, str):  # JSON text with a lone surrogate escape, as a client may send it
        kwargs = {"data": body, "content_type": "application/json"}
    r = getattr(api, method)(a.secretary, url, **kwargs)
    assert 400 <= r.status_code < 500, (r.status_code, r.get_data(as_text=True)[:300])


def test_an_action_with_prefer_minimal_answers_the_new_version_only(api, make, a):
    nid = make.nomination(a, person_id=a.staff_person)
    reply = api.client.post(f"/api/v1/nominations/{nid}/actions",
                            json={"action": "hold", "version": 1, "comment": "Đang xác minh"},
                            headers={**api.headers(a.secretary), "Prefer": "return=minimal"})
    assert reply.status_code == 200 and reply.json == {"id": nid, "version": 2}
    assert reply.headers["Preference-Applied"] == "return=minimal"
