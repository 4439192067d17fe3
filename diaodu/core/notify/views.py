"""The inbox and preference pages (every signed-in user, their own) and the delivery log
(dispatchers)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from diaodu.core.errors import Forbidden
from diaodu.core.models_notify import Channel, DeliveryStatus, NotificationKind
from diaodu.core.views import ShellMixin

from . import log, selectors
from .channels import configured
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


class DeliveryLogView(ShellMixin, TemplateView):
    """The delivery log for dispatchers: filters, keyset pages (`before`), no total count."""

    template_name = "notify/deliveries.html"
    title = gettext_lazy("发送记录")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        before = query.get("before", "")
        try:
            page = log.delivery_log(user=self.request.user, channel=query.get("channel", ""),
                                    status=query.get("status", ""), kind=query.get("kind", ""),
                                    before=int(before) if before.isdigit() else None)
        except Forbidden:
            raise PermissionDenied from None
        context.update(page=page, channels=Channel.choices, statuses=DeliveryStatus.choices,
                       kinds=NotificationKind.choices, chosen=query)
        return context


class PreferencesView(ShellMixin, TemplateView):
    """A user's own channels per kind of message."""

    template_name = "notify/preferences.html"
    title = gettext_lazy("通知偏好")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = log.preferences_of(user=self.request.user)
        available = set(configured())
        channels = [(value, label, value in available) for value, label in Channel.choices
                    if value in log.EXTERNAL]
        rows = [(kind, label, [(f"{kind}.{c}", chosen[(kind, c)]) for c, _, _ in channels])
                for kind, label in NotificationKind.choices]
        context.update(channels=channels, rows=rows)
        return context

    def post(self, request):
        pairs = {tuple(item.split(".", 1)) for item in request.POST.getlist("on") if "." in item}
        enabled = {(k, c) for k, c in pairs
                   if k in NotificationKind.values and c in log.EXTERNAL}
        log.preferences_save(actor=request.user, enabled=enabled)
        messages.success(request, _("通知偏好已保存。"))
        return redirect("notify:preferences")
