"""Helpers for pages rendered inside the unfold shell."""

from collections.abc import Callable, Mapping

from django.contrib import admin
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import clock
from .roles import Role, role_of


class ShellMixin(LoginRequiredMixin):
    """A page inside the admin shell: sidebar, header and language switch from unfold."""

    title: "str | Promise" = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not admin.site.has_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context.setdefault("title", self.title)
        return context


# Where each role starts its day: leaders and dispatchers on the dashboard (where the district
# stands, who is behind), everyone else on their project list.
HOME_PAGES = {Role.LEADER: "dashboard:index", Role.DISPATCHER: "dashboard:index"}


def home(request):
    return redirect(HOME_PAGES.get(role_of(request.user), "projects:list"))


def business_date_label(request) -> list[str] | None:
    """unfold's environment label: shown in every page's header while the business clock is
    pinned (the demo), so nobody mistakes its dates for today's."""
    day = clock.pinned()
    if day is None:
        return None
    return [_("演示数据 · 业务日期 %(date)s") % {"date": day.isoformat()}, "warning"]


def route[T](action: str, handlers: Mapping[str, Callable[[], T]]) -> T:
    """One step of a page that takes several (POST with an action name): the handler by that
    name. Callers include only the steps the user may take now (their policy's allowed_steps),
    so an unknown name and a step not allowed get the same 404."""
    handler = handlers.get(action)
    if handler is None:
        raise Http404
    return handler()
