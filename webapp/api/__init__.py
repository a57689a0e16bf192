"""The JSON API under /api/v1: bearer-token auth, JSON errors with stable codes."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException

from workflow import tokens
from workflow.errors import DomainError

from ..context import get_ctx

bp = Blueprint("api", __name__, url_prefix="/api/v1")

HTTP_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    401: ("unauthorized", "Cần đăng nhập: gửi kèm 'Authorization: Bearer <token>'."),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ cho địa chỉ này."),
    409: ("conflict", "Xung đột dữ liệu."),
    413: ("too_large", "Dữ liệu gửi lên quá lớn."),
    414: ("uri_too_long", "Địa chỉ yêu cầu quá dài."),
    415: ("unsupported_media_type", "Kiểu dữ liệu không được hỗ trợ."),
    422: ("invalid", "Dữ liệu không hợp lệ."),
    429: ("too_many_requests", "Quá nhiều yêu cầu; vui lòng thử lại sau."),
    500: ("internal_error", "Lỗi hệ thống; vui lòng thử lại hoặc báo quản trị."),
}


def error_response(status: int, code: str, message: str, errors=None):
    body = {"code": code, "message": message, "errors": errors or [{"code": code, "message": message}]}
    return jsonify(body), status


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    return error_response(exc.status, exc.code, exc.message, [p.as_dict() for p in exc.problems])


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    code, message = HTTP_MESSAGES.get(exc.code or 500, ("error", exc.description or "Lỗi."))
    response, status = error_response(exc.code or 500, code, message)
    return with_allow_header(response, exc), status


def with_allow_header(response, exc: HTTPException):
    """A 405 names the methods the address does accept (RFC 9110 §15.5.6)."""
    allowed = getattr(exc, "valid_methods", None)
    if allowed:
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    # Logged with its traceback for the operator; the client gets no stack trace.
    bp_logger().exception("unexpected error on %s %s", request.method, request.path)
    code, message = HTTP_MESSAGES[500]
    return error_response(500, code, message)


def bp_logger():
    from flask import current_app
    return current_app.logger


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_required(view):
    """Resolve `Authorization: Bearer <token>` to g.user_id, or answer 401; a read-only token may only read."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        access = tokens.token_access(get_ctx(), token.strip()) if scheme.lower() == "bearer" and token else None
        if access is None:
            code, message = HTTP_MESSAGES[401]
            response, status = error_response(401, code, message)
            response.headers["WWW-Authenticate"] = 'Bearer realm="thidua"'
            return response, status
        if access.read_only and request.method not in READ_METHODS:
            return error_response(403, "read_only_token", "Token này chỉ có quyền đọc; cần token “full” để ghi.")
        g.user_id, g.token_id = access.user_id, access.token_id
        return view(*args, **kwargs)

    return wrapped


from . import authorisations_api, ballots, decisions, documents, nominations, openapi, reference, registers, tokens_api  # noqa: F401  (routes register on import)
