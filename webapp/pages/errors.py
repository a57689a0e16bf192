"""Error pages in Vietnamese for people, JSON for API clients; never a stack trace."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, make_response, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from workflow.errors import DomainError

from .common import messages

PAGES = {
    400: ("Yêu cầu không hợp lệ", "Trang không hiểu được yêu cầu vừa gửi."),
    401: ("Cần đăng nhập", "Vui lòng đăng nhập để tiếp tục."),
    403: ("Không có quyền", "Tài khoản của bạn không được phép xem trang này hoặc thực hiện thao tác này."),
    404: ("Không tìm thấy", "Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc bạn không có quyền xem."),
    405: ("Thao tác không hợp lệ", "Địa chỉ này không hỗ trợ thao tác vừa gửi."),
    409: ("Xung đột dữ liệu", "Hồ sơ đã thay đổi trong lúc bạn thao tác. Vui lòng tải lại trang rồi thực hiện lại."),
    413: ("Tệp quá lớn", "Tệp hoặc dữ liệu gửi lên vượt quá giới hạn cho phép."),
    422: ("Dữ liệu chưa hợp lệ", "Vui lòng kiểm tra lại thông tin đã nhập."),
    429: ("Quá nhiều lần thử", "Bạn đã thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại."),
    500: ("Lỗi hệ thống", ("Đã có lỗi ngoài ý muốn. Thao tác chưa được thực hiện; vui lòng thử lại"
                          " hoặc báo cho quản trị hệ thống.")),
}


def _same_site(url: str | None) -> bool:
    return bool(url) and urlsplit(url).netloc == request.host


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, details: list[str] | None = None):
    title, text = PAGES.get(status, PAGES[500])
    back = request.referrer if _same_site(request.referrer) and request.referrer != request.url else None
    return render_template("errors/error.html", status=status, title=title, text=text,
                           details=details or [], back_url=back), status


def _json(status: int, message: str | None = None):
    from ..api import HTTP_MESSAGES, error_response
    code, default = HTTP_MESSAGES.get(status, HTTP_MESSAGES[500])
    return error_response(status, code, message or default)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        if _wants_json():
            from ..api import error_response
            return error_response(exc.status, exc.code, exc.message, [p.as_dict() for p in exc.problems])
        return render_error(exc.status, messages(exc))

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return render_error(400, [("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ."
                                  " Vui lòng tải lại trang rồi gửi lại.")])

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        from ..api import with_allow_header
        status = exc.code or 500
        if _wants_json():
            response, status = _json(status)
            return with_allow_header(response, exc), status
        if status == 401:
            status = 403
        if status == 413 and _same_site(request.referrer):
            # An oversized upload goes back to the form it came from, with the limit named there.
            limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024) - 1
            flash(f"Tệp gửi lên lớn hơn giới hạn {limit} MB nên chưa được lưu. Vui lòng chọn tệp nhỏ hơn.", "error")
            return redirect(request.referrer, code=303)
        body, status = render_error(status)
        return with_allow_header(make_response(body, status), exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # The operator gets the traceback in the log; the user a plain page.
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        if _wants_json():
            return _json(500)
        return render_error(500)
