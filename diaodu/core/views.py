"""Helpers for pages rendered inside the unfold shell."""

from django.contrib import admin
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


class ShellMixin(LoginRequiredMixin):
    """A page inside the admin shell: sidebar, header and language switch from unfold."""

    title = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not admin.site.has_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context.setdefault("title", self.title)
        return context
