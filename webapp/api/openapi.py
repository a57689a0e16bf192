"""GET /api/v1/openapi.json: the API described as OpenAPI 3.1 (a test keeps it equal to the routes)."""
from __future__ import annotations

from flask import jsonify

from states import Action, State
from workflow.models import AWARD_FORMS, CONTEST_KINDS, INITIATIVE_FIELDS, TASK_RATINGS

from . import bp

ERR = {"$ref": "#/components/schemas/Error"}
OBJ = {"type": "object"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _responses(ok: int, *errors: int, schema: dict | None = None) -> dict:
    titles = {200: "OK", 201: "Đã tạo", 401: "Chưa xác thực", 403: "Không có quyền", 404: "Không tìm thấy",
              409: "Xung đột (phiên bản cũ hoặc trạng thái không cho phép)", 422: "Dữ liệu/điều kiện không đạt"}
    out = {str(ok): {"description": titles[ok], **_json(schema or OBJ)}}
    for code in (401, *errors):
        out[str(code)] = {"description": titles[code], **_json(ERR)}
    return out


def _op(summary: str, ok: int = 200, errors=(403, 404, 422), body: dict | None = None,
        params: list | None = None, multipart: bool = False, schema: dict | None = None) -> dict:
    op = {"summary": summary, "responses": _responses(ok, *errors, schema=schema)}
    if params:
        op["parameters"] = params
    if body is not None:
        media = "multipart/form-data" if multipart else "application/json"
        op["requestBody"] = {"required": True, "content": {media: {"schema": body}}}
    return op


def _path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _query(name: str, kind: str = "integer", description: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}, "description": description}


def _props(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


INT, STR, BOOL, DATE = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}, {"type": "string", "format": "date"}
UPLOAD = _props(["kind", "file"], kind=STR, file={"type": "string", "format": "binary"})
ACTION_BODY = _props(["action", "version"], action={"enum": [a.value for a in Action]}, version=INT, comment=STR,
                     meeting_id=INT, decision_number=STR, decision_date=DATE)
NOMINATION_REF = {"$ref": "#/components/schemas/Nomination"}


def _generate(*kinds: str) -> dict:
    return _props(["kind"], kind={"enum": list(kinds)}, pdf=BOOL)


def spec() -> dict:
    pid, nid, cid, mid = (_path_param(n) for n in ("registration_id", "nomination_id", "cycle_id", "meeting_id"))
    return {
        "openapi": "3.1.0",
        "info": {"title": "thidua API", "version": "1",
                 "description": "Quy trình thi đua – khen thưởng: đề nghị, xét duyệt, hồ sơ. Lỗi trả về JSON"
                                " với mã `code` ổn định và `errors` (thông điệp tiếng Việt)."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/me": {"get": _op("Người dùng hiện tại", errors=())},
            "/api/v1/departments": {"get": _op("Danh sách phòng", errors=())},
            "/api/v1/people": {"get": _op("Tìm cán bộ (không phân biệt dấu, hoa thường)", errors=(422,),
                                          params=[_query("q", "string"), _query("department_id")])},
            "/api/v1/cycles": {"get": _op("Các kỳ xét", errors=())},
            "/api/v1/nominations": {
                "get": _op("Danh sách đề nghị (phân trang keyset)", errors=(422,), params=[
                    _query("state", "string", "một hoặc nhiều trạng thái, cách nhau bởi dấu phẩy"),
                    _query("cycle_id"), _query("department_id"), _query("nominee_type", "string"),
                    _query("q", "string"), _query("cursor", "string"), _query("limit")]),
                "post": _op("Tạo đề nghị khen thưởng", ok=201, errors=(403, 404, 409, 422), schema=NOMINATION_REF,
                            body=_props(["cycle_id", "nominee_type", "award_form"], cycle_id=INT,
                                        nominee_type={"enum": ["individual", "collective"]}, person_id=INT,
                                        department_id=INT, award_form={"enum": list(AWARD_FORMS)}, summary=STR)),
            },
            "/api/v1/nominations/actions": {
                "post": _op("Một thao tác trên nhiều đề nghị; kết quả từng mục", errors=(403, 422),
                            body=_props(["action", "items"], action={"enum": [a.value for a in Action]},
                                        items={"type": "array", "items": _props(["nomination_id"], nomination_id=INT,
                                                                                version=INT)},
                                        comment=STR, meeting_id=INT, decision_number=STR, decision_date=DATE))},
            "/api/v1/nominations/{nomination_id}": {
                "get": _op("Chi tiết đề nghị: trạng thái, tiêu chuẩn, hồ sơ, lịch sử, thao tác được phép",
                           errors=(404,), params=[nid], schema=NOMINATION_REF)},
            "/api/v1/nominations/{nomination_id}/actions": {
                "post": {**_op("Thực hiện một bước của quy trình", errors=(403, 404, 409, 422), params=[nid],
                               body=ACTION_BODY, schema=NOMINATION_REF),
                         "description": "Trả về toàn bộ hồ sơ sau bước vừa thực hiện. Gửi kèm header"
                                        " `Prefer: return=minimal` để chỉ nhận `{id, version}` (nhanh hơn)."}},
            "/api/v1/nominations/{nomination_id}/documents": {
                "post": _op("Tải lên tài liệu của hồ sơ", ok=201, params=[nid], body=UPLOAD, multipart=True)},
            "/api/v1/cycles/{cycle_id}/departments/{department_id}/documents": {
                "post": _op("Tải lên biên bản/danh sách của Phòng cho kỳ xét", ok=201,
                            params=[cid, _path_param("department_id")], body=UPLOAD, multipart=True)},
            "/api/v1/council-meetings/{meeting_id}/documents": {
                "post": _op("Tải lên tài liệu của cuộc họp Hội đồng", ok=201, params=[mid], body=UPLOAD,
                            multipart=True)},
            "/api/v1/documents/{document_id}": {
                "get": {"summary": "Tải tài liệu về", "parameters": [_path_param("document_id")],
                        "responses": {"200": {"description": "Tệp",
                                              "content": {"application/octet-stream": {"schema": {
                                                  "type": "string", "format": "binary"}}}},
                                      "401": {"description": "Chưa xác thực", **_json(ERR)},
                                      "404": {"description": "Không tìm thấy", **_json(ERR)}}}},
            "/api/v1/nominations/{nomination_id}/documents/generate": {
                "post": _op("Tạo tài liệu của hồ sơ từ mẫu (báo cáo thành tích, giấy khen, quyết định)", ok=201,
                            errors=(403, 404, 422), params=[nid], body=_generate(
                                "achievement_report", "certificate", "award_decision"))},
            "/api/v1/cycles/{cycle_id}/departments/{department_id}/documents/generate": {
                "post": _op("Tạo danh sách đề nghị khen thưởng của Phòng", ok=201, errors=(403, 404, 422),
                            params=[cid, _path_param("department_id")], body=_generate("department_list"))},
            "/api/v1/council-meetings/{meeting_id}/documents/generate": {
                "post": _op("Tạo biên bản họp, tờ trình hoặc quyết định khen thưởng của cuộc họp", ok=201,
                            errors=(403, 404, 422), params=[mid],
                            body=_generate("council_minutes", "request_letter", "award_decision"))},
            "/api/v1/cycles/{cycle_id}/documents/generate": {
                "post": _op("Tạo danh sách toàn cơ quan (.xlsx)", ok=201, errors=(403, 404, 422), params=[cid],
                            body=_generate("cycle_list"))},
            "/api/v1/cycles/{cycle_id}/documents/archive": {
                "post": {"summary": "Tải toàn bộ tài liệu của kỳ xét (.zip)",
                         "parameters": [cid, _query("pdf", "string", "1 để kèm bản PDF")],
                         "responses": {"200": {"description": "Tệp .zip", "content": {"application/zip": {
                             "schema": {"type": "string", "format": "binary"}}}},
                                       "401": {"description": "Chưa xác thực", **_json(ERR)},
                                       "403": {"description": "Không có quyền", **_json(ERR)},
                                       "404": {"description": "Không tìm thấy", **_json(ERR)}}}},
            "/api/v1/cycles/{cycle_id}/council-meetings": {
                "get": _op("Các cuộc họp Hội đồng của kỳ xét", errors=(), params=[cid]),
                "post": _op("Ghi nhận cuộc họp Hội đồng", ok=201, params=[cid],
                            body=_props(["held_on", "members_total", "members_present"], held_on=DATE,
                                        members_total=INT, members_present=INT, chair_name=STR, note=STR))},
            "/api/v1/council-meetings/{meeting_id}": {"get": _op("Cuộc họp và kết quả biểu quyết", errors=(404,),
                                                                 params=[mid])},
            "/api/v1/council-meetings/{meeting_id}/votes": {
                "post": _op("Ghi nhận biểu quyết cho một đề nghị", ok=201, errors=(403, 404, 409, 422), params=[mid],
                            body=_props(["nomination_id", "votes_for", "votes_against"], nomination_id=INT,
                                        votes_for=INT, votes_against=INT))},
            "/api/v1/council-meetings/{meeting_id}/advance": {
                "post": _op("Hội đồng xét tất cả đề nghị đã biểu quyết tại cuộc họp; kết quả từng mục",
                            errors=(403, 404), params=[mid])},
            "/api/v1/initiatives": {
                "get": _op("Sổ sáng kiến", errors=(422,), params=[_query("year"), _query("department_id"),
                                                                 _query("person_id"), _query("q", "string")]),
                "post": _op("Thêm sáng kiến", ok=201, errors=(403, 404, 422), body=_props(
                    ["title", "field", "year"], title=STR, field={"enum": list(INITIATIVE_FIELDS)}, year=INT,
                    topic=STR, department_id=INT, author_ids={"type": "array", "items": INT},
                    recognition_number=STR, recognition_date=DATE, appraisal_number=STR, appraisal_date=DATE,
                    contest_recognition_number=STR, contest_recognition_date=DATE))},
            "/api/v1/contest-results": {
                "get": _op("Kết quả cuộc thi", errors=(422,), params=[_query("year"), _query("person_id"),
                                                                     _query("contest_kind", "string")]),
                "post": _op("Ghi kết quả cuộc thi", ok=201, errors=(403, 404, 422), body=_props(
                    ["contest_kind", "year", "person_id"], contest_kind={"enum": list(CONTEST_KINDS)}, year=INT,
                    person_id=INT, participated=BOOL, score={"type": "number"}, prize=STR, round=STR))},
            "/api/v1/task-ratings": {
                "get": _op("Xếp loại nhiệm vụ hằng năm", errors=(422,), params=[_query("year"), _query("person_id"),
                                                                               _query("department_id")]),
                "post": _op("Ghi xếp loại", ok=201, errors=(403, 404, 422), body=_props(
                    ["year", "rating"], year=INT, rating={"enum": list(TASK_RATINGS)}, person_id=INT,
                    department_id=INT))},
            "/api/v1/registrations": {
                "get": _op("Đăng ký thi đua", errors=(422,), params=[_query("year"), _query("department_id"),
                                                                    _query("campaign_id"), _query("state", "string")]),
                "post": _op("Lưu/gửi đăng ký thi đua của Phòng", ok=201, errors=(403, 404, 409, 422), body=_props(
                    ["campaign_id", "department_id", "year"], campaign_id=INT, department_id=INT, year=INT,
                    collective=BOOL, person_ids={"type": "array", "items": INT}, target=STR, submit=BOOL))},
            "/api/v1/registrations/{registration_id}/decision": {
                "post": _op("Duyệt hoặc từ chối (kèm lý do) bản đăng ký", errors=(403, 404, 409, 422), params=[pid],
                            body=_props(["approve"], approve=BOOL, reason=STR))},
            "/api/v1/openapi.json": {"get": {"summary": "Tài liệu OpenAPI này", "security": [],
                                             "responses": {"200": {"description": "OK", **_json(OBJ)}}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Token tạo bằng `thidua token create USERNAME`."}},
            "schemas": {
                "Error": _props(["code", "message", "errors"], code=STR, message=STR,
                                errors={"type": "array", "items": _props(["code", "message"], code=STR, message=STR)}),
                "Nomination": _props(
                    ["id", "state", "version", "allowed_actions"], id=INT, state={"enum": [s.value for s in State]},
                    version=INT, nominee=OBJ, cycle=OBJ, award_form={"enum": list(AWARD_FORMS)}, criteria=OBJ,
                    documents={"type": "array"}, history={"type": "array"},
                    allowed_actions={"type": "array", "items": {"enum": [a.value for a in Action]}}),
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(spec())
