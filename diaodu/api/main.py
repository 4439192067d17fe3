"""The API object: /api/v1/, its routers, authentication and error shape."""

from django.contrib.auth.decorators import login_required
from django.db import DataError, IntegrityError
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from . import approvals, cases, errors, investment, photos, plans, projects, schedule
from .auth import RoleSessionAuth, TokenAuth
from .errors import error_body

api = NinjaAPI(
    title="Diaodu API",
    version="1",
    description=(
        "中原区重点项目调度平台接口。Authenticate with a session (browser; CSRF token on "
        "writes) or `Authorization: Bearer <API token>` (made on the 接口令牌 page). Every "
        "call sees only what its user's role and unit may see: an object of another unit is "
        "404. Errors are `{code, message, field}`; money is text in 万元."),
    urls_namespace="api",
    auth=[TokenAuth(), RoleSessionAuth()],
    docs_decorator=login_required,
)
errors.install(api)


@api.exception_handler(DataError)
def data_error(request, exc):
    # The database refused a value the schema let through (e.g. a NUL character on
    # PostgreSQL): still the caller's input, so 400 rather than 500.
    return api.create_response(request, error_body("input.invalid", _("输入包含无法保存的字符。")),
                               status=400)


@api.exception_handler(IntegrityError)
def integrity_error(request, exc):
    # Two requests raced past a service's uniqueness check (e.g. the same plan year twice):
    # the loser's transaction rolled back; it is a conflict to retry, not a server error.
    body = error_body("conflict", _("保存冲突：数据已被他人同时修改，请刷新后重试。"))
    return api.create_response(request, body, status=409)


api.add_router("", projects.router)
api.add_router("", investment.router)
api.add_router("", photos.router)
api.add_router("", schedule.router)
api.add_router("", cases.router)
api.add_router("", plans.router)
api.add_router("", approvals.router)
