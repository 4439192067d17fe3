"""Shared pieces of the duty pages."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from diaodu.core.errors import UserError
from diaodu.core.views import ShellMixin


def parse_day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


class ActionView(ShellMixin, View):
    """A POST-only step (a button): run the subclass's `act(request, **kwargs)` (returns where
    to go, or None for back), show a UserError as a message, go back. GET is
    405 for everyone."""

    http_method_names = ["post"]
    fallback = "duty:board"

    def post(self, request, **kwargs):
        try:
            target = self.act(request, **kwargs)
        except UserError as error:
            messages.error(request, error.message)
            target = None
        back = request.POST.get("next", "")
        if target is None and url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            target = back
        return redirect(target or self.fallback)
