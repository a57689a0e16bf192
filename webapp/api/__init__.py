"""The JSON API under /api/v1: bearer-token auth, JSON errors with stable codes."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException

from workflow import directory
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
    return error_response(exc.code or 500, code, message)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    # Logged with its traceback for the operator; the client gets no stack trace.
    bp_logger().exception("unexpected error on %s %s", request.method, request.path)
    code, message = HTTP_MESSAGES[500]
    return error_response(500, code, message)


def bp_logger():
    from flask import current_app
    return current_app.logger


def token_required(view):
    """Resolve `Authorization: Bearer <token>` to g.user_id, or answer 401."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user_id = directory.user_for_token(get_ctx(), token.strip()) if scheme.lower() == "bearer" and token else None
        if user_id is None:
            code, message = HTTP_MESSAGES[401]
            response, status = error_response(401, code, message)
            response.headers["WWW-Authenticate"] = 'Bearer realm="thidua"'
            return response, status
        g.user_id = user_id
        return view(*args, **kwargs)

    return wrapped


from . import decisions, documents, nominations, openapi, reference, registers  # noqa: F401  (routes register on import)
