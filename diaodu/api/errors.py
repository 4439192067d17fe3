"""Every API error has one shape, {code, message, field}; bad input is 400, never 500."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from diaodu.core.errors import UserError


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"code": code, "message": str(message), "field": field}


def _field_of(loc) -> str | None:
    # ninja locations look like ("body", "payload", "name") or ("query", "page").
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "filters")]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    @api.exception_handler(UserError)
    def user_error(request, exc: UserError):
        # Forbidden (a policy's refusal) is 403, ConflictError 409, other input errors 400.
        return api.create_response(request, error_body(exc.code, exc.message, exc.field),
                                   status=exc.status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", _("对象不存在。")),
                                   status=404)

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(first.get("loc", ()))
        return api.create_response(
            request,
            error_body("input.invalid", _("请求参数无效：%(field)s（%(detail)s）")
                       % {"field": field or "-", "detail": first.get("msg", "")}, field),
            status=400)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request, error_body("auth.required", _("请登录或提供有效的接口令牌。")), status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 403:
            body = error_body("csrf.failed", _("请求缺少有效的 CSRF 令牌。"))
        elif exc.status_code == 400:  # ninja's answer to a body that is not JSON
            body = error_body("input.invalid", _("请求内容不是有效的 JSON。"))
        else:
            body = error_body(f"http.{exc.status_code}", str(exc))
        return api.create_response(request, body, status=exc.status_code)
