"""Chinese error pages, as full pages or as htmx fragments."""

import logging

from flask import Flask, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.web.render import render, wants_fragment

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain said no: a Chinese message, the form field at fault (if any), an HTTP status.

    Feature errors subclass it (``SlotFull``, ``PlaceError``, ...) and may set a class-level ``default``
    message and ``status``. Services raise it; views show ``message`` next to ``field`` (see
    ``app.web.actions.run_action``); one that no view catches becomes an error page with ``status``.
    """

    status = 422
    default = "提交的内容需要修改。"

    def __init__(self, message: str | None = None, field: str | None = None, status: int | None = None):
        self.message = message or self.default
        self.field = field
        if status is not None:
            self.status = status
        super().__init__(self.message)


MESSAGES = {
    400: ("请求有误", "提交的内容不完整或格式不对，请返回上一页检查后重试。"),
    401: ("请先登录", "这个页面需要工作人员登录后才能查看。"),
    403: ("没有权限", "您的账号没有查看这个页面的权限。如有疑问，请联系系统管理员。"),
    404: ("页面不存在", "您要找的页面不存在，或者已经下线。可以回到首页重新查找。"),
    405: ("操作方式不对", "这个页面不支持这种操作，请回到上一页重试。"),
    409: ("操作冲突", "内容刚刚被其他人修改或占用，请刷新后重试。"),
    413: ("内容太大", "上传的文件或提交的内容超过了大小限制，请缩小后再试。"),
    422: ("内容需要修改", "提交的内容有问题，请按提示修改。"),
    429: ("操作太频繁", "您的操作太频繁了，请稍等几分钟再试。"),
    500: ("系统出了点问题", "很抱歉，系统暂时出了问题。请稍后再试，或拨打热线电话咨询。"),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(code: int, detail: str | None = None):
    """Render the error page for ``code`` (fragment for htmx, JSON under /api/)."""
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if detail:
        message = detail
    if _wants_json():
        return jsonify({"error": {"status": code, "title": title, "message": message}}), code
    response = render(
        "errors/error.html", "errors/_error.html", status=code, code=code, title=title, message=message
    )
    if wants_fragment():
        # Show the message in the page's alert region instead of replacing the target.
        response.headers["HX-Retarget"] = "#htmx-alert"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def init_app(app: Flask) -> None:
    """Register handlers for every HTTP error and for unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(400, "页面已过期或来源不明（安全校验未通过）。请刷新页面后重新提交。")

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return error_response(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        detail = getattr(error, "zh_message", None)
        limit = getattr(error, "limit", None)  # flask-limiter's RateLimitExceeded
        if detail is None and limit is not None and getattr(limit, "error_message", None):
            detail = error.description
        response = error_response(error.code or 500, detail)
        if error.code == 429 and isinstance(response, tuple) is False:
            retry = getattr(error, "retry_after", None)
            if retry:
                response.headers["Retry-After"] = str(retry)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(InternalServerError.code)
