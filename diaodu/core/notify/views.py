"""The inbox page (every signed-in user, own messages only)."""

from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from diaodu.core.views import ShellMixin

from . import selectors
from .service import notification_mark_read

PAGE_SIZE = 50


class InboxView(ShellMixin, TemplateView):
    template_name = "notify/inbox.html"
    title = gettext_lazy("消息")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.inbox(user=self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page"))
        context.update(page=page, unread=selectors.unread_count(user=self.request.user))
        return context


class InboxReadView(ShellMixin, View):
    def get(self, request):
        return redirect("notify:inbox")

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
        notification_mark_read(actor=request.user, ids=ids)
        target = request.POST.get("next", "")
        if target.startswith("/") and not target.startswith("//"):
            return redirect(target)
        return redirect("notify:inbox")
