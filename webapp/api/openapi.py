"""GET /api/v1/openapi.json: the API described as OpenAPI 3.1 (a test keeps it equal to the routes)."""
from __future__ import annotations

from flask import jsonify

from states import Action, State
from workflow.models import AWARD_FORMS, CONTEST_KINDS, INITIATIVE_FIELDS, TASK_RATINGS

from . import bp, webhook_docs

ERR = {"$ref": "#/components/schemas/Error"}
OBJ = {"type": "object"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


# Any operation may answer these: unreadable input, no token, unknown address or method, a body
# or address too long, too many requests.
COMMON_ERRORS = (400, 401, 404, 405, 413, 414, 429)
MAX_ID = 2**31 - 1


def _common_responses() -> dict:
    """Shared error answers, under components/responses; 405 names the allowed methods in `Allow`."""
    titles = {400: "Dữ liệu không đọc được (ký tự NUL, mã Unicode hỏng, JSON lồng quá sâu, tên tệp quá dài)",
              401: "Chưa xác thực hoặc token đã bị thu hồi, hết hạn", 403: "Không có quyền (hoặc token chỉ đọc)",
              404: "Không tìm thấy", 405: "Phương thức không được hỗ trợ cho địa chỉ này",
              409: "Xung đột (phiên bản cũ hoặc trạng thái không cho phép)", 413: "Dữ liệu gửi lên quá lớn",
              414: "Địa chỉ quá dài", 422: "Dữ liệu/điều kiện không đạt", 429: "Quá nhiều yêu cầu"}
    out = {str(code): {"description": title, **_json(ERR)} for code, title in titles.items()}
    out["405"]["headers"] = {"Allow": {"description": "Các phương thức được hỗ trợ", "schema": STR}}
    out["401"]["headers"] = {"WWW-Authenticate": {"schema": STR}}
    out["429"]["headers"] = {"Retry-After": {"description": "Số giây cần chờ", "schema": {"type": "integer"}}}
    return out


def _responses(ok: int, *errors: int, schema: dict | None = None) -> dict:
    titles = {200: "OK", 201: "Đã tạo", 202: "Đã nhận, đang xử lý", 204: "Đã xong",
              400: "Dữ liệu không đọc được (ký tự NUL, mã Unicode hỏng, JSON lồng quá sâu, tên tệp quá dài)",
              401: "Chưa xác thực", 403: "Không có quyền", 404: "Không tìm thấy",
              409: "Xung đột (phiên bản cũ hoặc trạng thái không cho phép)", 422: "Dữ liệu/điều kiện không đạt"}
    out = {str(ok): {"description": titles[ok], **({} if ok == 204 else _json(schema or OBJ))}}
    for code in sorted({*COMMON_ERRORS, *errors}):
        out[str(code)] = {"$ref": f"#/components/responses/{code}"}
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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


REGISTER_TYPE = {"name": "doc_type", "in": "query", "schema": {"enum": ["decision", "certificate"]}}


def _path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0,
                                                                      "maximum": MAX_ID}}


def _query(name: str, kind: str = "integer", description: str = "") -> dict:
    schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID} if kind == "integer" else {"type": kind}
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


YEAR_PARAM = {"name": "year", "in": "query", "required": False, "description": "Năm (mặc định: năm nay)",
              "schema": {"type": "integer", "minimum": 1900, "maximum": 2100}}


def _props(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


INT, STR, BOOL, DATE = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}, {"type": "string", "format": "date"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
COUNT = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
YEAR = {"type": "integer", "minimum": 2000, "maximum": 2100}
UPLOAD = _props(["kind", "file"], kind=STR, file={"type": "string", "format": "binary"})
ACTION_BODY = _props(["action", "version"], action={"enum": [a.value for a in Action]}, version=ID, comment=STR,
                     meeting_id=ID, decision_number=STR, decision_date=DATE, decision_id=ID,
                     accept_mixed_capacity=BOOL)
NOMINATION_REF = {"$ref": "#/components/schemas/Nomination"}
TIME = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}
MEETING_BODY = _props(["held_on", "starts_at", "ends_at", "place", "chair_member_id", "secretary_member_id",
                       "present_member_ids"], held_on=DATE, starts_at=TIME, ends_at=TIME, place=STR,
                      chair_member_id=ID, secretary_member_id=ID,
                      present_member_ids={"type": "array", "items": ID}, note=STR)
BINARY = {"type": "string", "format": "binary"}
# What a stored document is served as (the upload extensions of config.toml).
DOWNLOAD_TYPES = ("application/pdf", "application/msword",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
                  "image/jpeg", "image/png", "application/octet-stream")


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
                            body=_props(["cycle_id", "nominee_type", "award_form"], cycle_id=ID,
                                        nominee_type={"enum": ["individual", "collective"]}, person_id=ID,
                                        department_id=ID, award_form={"enum": list(AWARD_FORMS)}, summary=STR)),
            },
            "/api/v1/nominations/actions": {
                "post": _op("Một thao tác trên nhiều đề nghị; kết quả từng mục", errors=(403, 422),
                            body=_props(["action", "items"], action={"enum": [a.value for a in Action]},
                                        items={"type": "array", "items": _props(["nomination_id"], nomination_id=ID,
                                                                                version=ID)},
                                        comment=STR, meeting_id=ID, decision_number=STR, decision_date=DATE,
                                        decision_id=ID, accept_mixed_capacity=BOOL))},
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
            "/api/v1/documents/{document_id}/withdraw": {
                "post": _op("Rút tài liệu tải lên nhầm (người tải lên, trước bước đã dựa vào nó; ghi lý do)",
                            errors=(403, 404, 409, 422), params=[_path_param("document_id")],
                            body=_props(["reason"], reason=STR))},
            "/api/v1/documents/{document_id}": {
                "get": {"summary": "Tải tài liệu về", "parameters": [_path_param("document_id")],
                        "responses": {"200": {"description": "Tệp, với kiểu nội dung thật của nó",
                                              "content": {t: {"schema": BINARY} for t in DOWNLOAD_TYPES}},
                                      **{str(c): {"$ref": f"#/components/responses/{c}"} for c in COMMON_ERRORS}}}},
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
                             "schema": BINARY}}},
                                       **{str(c): {"$ref": f"#/components/responses/{c}"}
                                          for c in (*COMMON_ERRORS, 403)}}}},
            "/api/v1/cycles/{cycle_id}/archive-jobs": {
                "post": _op("Tạo bộ hồ sơ của kỳ xét (bản đã ký, bản dự thảo riêng, danh mục .xlsx) ở chế độ nền",
                            ok=202, errors=(403, 404), params=[cid])},
            "/api/v1/archive-jobs/{job_id}": {
                "get": _op("Tiến độ tạo bộ hồ sơ", errors=(404,), params=[_path_param("job_id")])},
            "/api/v1/archive-jobs/{job_id}/download": {
                "get": {"summary": "Tải bộ hồ sơ (.zip) khi đã xong", "parameters": [_path_param("job_id")],
                        "responses": {"200": {"description": "Tệp .zip", "content": {"application/zip": {
                            "schema": BINARY}}},
                                      **{str(c): {"$ref": f"#/components/responses/{c}"}
                                         for c in (*COMMON_ERRORS, 409)}}}},
            "/api/v1/cycles/{cycle_id}/council-meetings": {
                "get": _op("Các cuộc họp Hội đồng của kỳ xét (Thư ký, thành viên Hội đồng)", errors=(403,),
                           params=[cid]),
                "post": _op("Ghi nhận cuộc họp Hội đồng (số dự họp tính từ danh sách có mặt)", ok=201, params=[cid],
                            body=MEETING_BODY)},
            "/api/v1/council-meetings/{meeting_id}": {
                "get": _op("Cuộc họp, thành viên dự họp và kết quả biểu quyết", errors=(403, 404), params=[mid]),
                "delete": _op("Xóa cuộc họp ghi nhầm (chưa có biểu quyết, tài liệu)", errors=(403, 404, 409),
                              params=[mid])},
            "/api/v1/council-meetings/{meeting_id}/correction": {
                "post": _op("Sửa thông tin cuộc họp (ghi lý do) khi Hội đồng chưa xét hồ sơ theo cuộc họp này",
                            errors=(403, 404, 409, 422), params=[mid],
                            body={**MEETING_BODY, "required": MEETING_BODY["required"] + ["reason"],
                                  "properties": {**MEETING_BODY["properties"], "reason": STR}})},
            "/api/v1/council-members": {
                "get": _op("Thành viên Hội đồng (đương nhiệm vào ngày “on” nếu có)", errors=(422,),
                           params=[_query("on", "string", "YYYY-MM-DD")]),
                "post": _op("Thêm thành viên Hội đồng", ok=201, errors=(403, 404, 422), body=_props(
                    ["person_id", "council_role", "term_from"], person_id=INT,
                    council_role={"enum": ["chair", "vice_chair", "secretary", "member"]}, title=STR,
                    term_from=DATE, term_to=DATE))},
            "/api/v1/tokens": {
                "get": _op("Token API của mình (quản trị: của mọi người)", errors=(422,), params=[_query("user_id")]),
                "post": _op("Tạo token cho chính mình; giá trị token chỉ trả về một lần", ok=201,
                            errors=(403, 404, 422), body=_props([], name=STR, scope={"enum": ["read", "full"]},
                                                                expires_on=DATE))},
            "/api/v1/tokens/{token_id}": {
                "delete": _op("Thu hồi token (có hiệu lực ngay)", ok=204, errors=(403, 404),
                              params=[_path_param("token_id")])},
            "/api/v1/council-meetings/{meeting_id}/votes": {
                "post": _op("Ghi nhận biểu quyết cho một đề nghị", ok=201, errors=(403, 404, 409, 422), params=[mid],
                            body=_props(["nomination_id", "votes_for", "votes_against"], nomination_id=ID,
                                        votes_for=COUNT, votes_against=COUNT))},
            "/api/v1/council-meetings/{meeting_id}/voting": {
                "get": _op("Phiên biểu quyết trên phần mềm: chương trình, ai đã bỏ phiếu, kết quả sau khi kết thúc"
                           " (bỏ phiếu kín: không có phiếu của từng người)", errors=(403, 404), params=[mid]),
                "post": _op("Mở biểu quyết cho cuộc họp (Thư ký): chương trình là các hồ sơ Phòng đã xét đến ngày họp",
                            ok=201, errors=(403, 404, 409), params=[mid])},
            "/api/v1/council-meetings/{meeting_id}/voting/close": {
                "post": _op("Kết thúc biểu quyết và kiểm phiếu vào kết quả của cuộc họp (Thư ký)",
                            errors=(403, 404, 409), params=[mid])},
            "/api/v1/council-meetings/{meeting_id}/ballots": {
                "post": _op("Bỏ phiếu (thành viên có mặt) hoặc Thư ký nhập phiếu giấy của thành viên", ok=201,
                            errors=(403, 404, 409, 422), params=[mid], body=_props(
                                ["choices"], paper_for_member_id=ID,
                                choices={"type": "object", "description": "mã hồ sơ → lựa chọn",
                                         "additionalProperties": {"enum": ["for", "against", "abstain"]}}))},
            "/api/v1/authorisations": {
                "get": _op("Ủy quyền, giao ký thay của Thủ trưởng và người phụ trách phòng (lãnh đạo, Thư ký, quản trị:"
                           " tất cả; Trưởng phòng: của phòng mình)", errors=(403,)),
                "post": _op("Thủ trưởng ghi nhận ủy quyền: KT. (lĩnh vực được phân công) hoặc TUQ. (số, ngày văn bản"
                            " ủy quyền), thao tác, thời hạn", ok=201, errors=(403, 404, 422), body=_props(
                                ["delegate_id", "capacity", "actions", "valid_from", "valid_to"], delegate_id=ID,
                                capacity={"enum": ["kt", "tuq"]}, valid_from=DATE, valid_to=DATE, domain=STR,
                                act_number=STR, act_date=DATE, away={"type": "boolean"},
                                actions={"type": "array", "items": {"enum": ["head_approve", "send_back", "reject"]}}))},
            "/api/v1/authorisations/acting-heads": {
                "post": _op("Trưởng phòng vắng mặt giao người phụ trách phòng (hoặc Thủ trưởng giao cho phòng bất kỳ):"
                            " thực hiện các bước của Phòng trong thời hạn, nhật ký ghi phụ trách thay ai", ok=201,
                            errors=(403, 404, 422), body=_props(["department_id", "delegate_id", "valid_from", "valid_to"],
                                                                 department_id=ID, delegate_id=ID, valid_from=DATE,
                                                                 valid_to=DATE))},
            "/api/v1/authorisations/{authorisation_id}/revoke": {
                "post": _op("Người đã giao (hoặc Thủ trưởng) thu hồi ủy quyền (ghi lý do); hết hiệu lực từ hôm nay",
                            errors=(403, 404, 409, 422), params=[_path_param("authorisation_id")],
                            body=_props(["reason"], reason=STR))},
            "/api/v1/council-meetings/{meeting_id}/advance": {
                "post": _op("Hội đồng xét tất cả đề nghị đã biểu quyết tại cuộc họp; kết quả từng mục",
                            errors=(403, 404), params=[mid])},
            "/api/v1/initiatives": {
                "get": _op("Sổ sáng kiến", errors=(422,), params=[_query("year"), _query("department_id"),
                                                                 _query("person_id"), _query("q", "string")]),
                "post": _op("Thêm sáng kiến", ok=201, errors=(403, 404, 422), body=_props(
                    ["title", "field", "year"], title=STR, field={"enum": list(INITIATIVE_FIELDS)}, year=YEAR,
                    topic=STR, department_id=ID, author_ids={"type": "array", "items": ID},
                    recognition_number=STR, recognition_date=DATE, appraisal_number=STR, appraisal_date=DATE,
                    contest_recognition_number=STR, contest_recognition_date=DATE))},
            "/api/v1/contest-results": {
                "get": _op("Kết quả cuộc thi", errors=(422,), params=[_query("year"), _query("person_id"),
                                                                     _query("contest_kind", "string")]),
                "post": _op("Ghi kết quả cuộc thi", ok=201, errors=(403, 404, 422), body=_props(
                    ["contest_kind", "year", "person_id"], contest_kind={"enum": list(CONTEST_KINDS)}, year=YEAR,
                    person_id=ID, participated=BOOL, score={"type": "number"}, prize=STR, round=STR))},
            "/api/v1/task-ratings": {
                "get": _op("Xếp loại nhiệm vụ hằng năm", errors=(422,), params=[_query("year"), _query("person_id"),
                                                                               _query("department_id")]),
                "post": _op("Ghi xếp loại", ok=201, errors=(403, 404, 422), body=_props(
                    ["year", "rating"], year=YEAR, rating={"enum": list(TASK_RATINGS)}, person_id=ID,
                    department_id=ID))},
            "/api/v1/registrations": {
                "get": _op("Đăng ký thi đua", errors=(422,), params=[_query("year"), _query("department_id"),
                                                                    _query("campaign_id"), _query("state", "string")]),
                "post": _op("Lưu/gửi đăng ký thi đua của Phòng", ok=201, errors=(403, 404, 409, 422), body=_props(
                    ["campaign_id", "department_id", "year"], campaign_id=ID, department_id=ID, year=YEAR,
                    collective=BOOL, person_ids={"type": "array", "items": ID}, target=STR, submit=BOOL))},
            "/api/v1/registrations/{registration_id}/decision": {
                "post": _op("Duyệt hoặc từ chối (kèm lý do) bản đăng ký", errors=(403, 404, 409, 422), params=[pid],
                            body=_props(["approve"], approve=BOOL, reason=STR))},
            "/api/v1/decisions": {
                "get": _op("Các quyết định khen thưởng đã vào sổ", errors=(403,),
                           params=[YEAR_PARAM, _query("cycle_id")]),
                "post": _op("Vào sổ một quyết định khen thưởng (số đề xuất nếu để trống; trùng số bị từ chối)",
                            ok=201, errors=(403, 409, 422), body=_props(
                                ["signed_on", "signer_user_id"], signed_on=DATE, signer_user_id=INT, number=STR,
                                cycle_id=INT, summary=STR))},
            "/api/v1/decisions/{decision_id}": {
                "get": _op("Quyết định: số, ngày, người ký và thẩm quyền ký, các hồ sơ được khen thưởng",
                           errors=(403, 404), params=[_path_param("decision_id")])},
            "/api/v1/decisions/{decision_id}/revoke": {
                "post": _op("Vào sổ quyết định thu hồi một quyết định khen thưởng (Thư ký; ghi lý do). Trang xác"
                            " minh công khai sau đó trả lời “Đã bị thu hồi” kèm quyết định thu hồi; trả về quyết"
                            " định thu hồi mới", ok=201, errors=(403, 404, 409, 422),
                            params=[_path_param("decision_id")], body=_props(
                                ["reason", "signed_on", "signer_user_id"], reason=STR, signed_on=DATE,
                                signer_user_id=INT, number=STR))},
            "/api/v1/register": {
                "get": _op("Sổ đăng ký văn bản của một loại văn bản trong năm, với số tiếp theo được đề xuất",
                           errors=(403, 422), params=[REGISTER_TYPE, YEAR_PARAM])},
            "/api/v1/register/book.xlsx": {
                "get": {"summary": "Sổ đăng ký văn bản đi (.xlsx, mẫu Phụ lục IV Nghị định 30/2020/NĐ-CP)",
                        "parameters": [REGISTER_TYPE, YEAR_PARAM],
                        "responses": {"200": {"description": "Tệp .xlsx", "content": {XLSX: {"schema": BINARY}}},
                                      **{str(c): {"$ref": f"#/components/responses/{c}"}
                                         for c in (*COMMON_ERRORS, 403, 422)}}}},
            "/api/v1/openapi.json": {"get": {"summary": "Tài liệu OpenAPI này", "security": [],
                                             "responses": {"200": {"description": "OK", **_json(OBJ)}}}},
        },
        "webhooks": webhook_docs.webhooks(),
        "components": {
            "responses": _common_responses(),
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
