import csv
import io
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation, IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import FieldError, PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, services, two_factor
from .admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from .errors import UserError
from .models import AuditEvent, CalendarDay, CalendarYear, OrgUnit, User
from .roles import ACCOUNT_ADMINS, CALENDAR_EDITORS, ROLE_ADMINS, ROLE_LABELS, Role, role_of


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedModelAdmin):
    list_display = ("indented_name", "code", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "code")
    ordering = ("path",)
    readonly_fields = ("code", "kind")
    fields = ("code", "name", "short_name", "kind", "sort", "active")

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, obj):
        return "　" * (obj.depth - 1) + obj.name


class UserAddForm(ServiceForm, forms.ModelForm):
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput,
                               help_text=_("至少10位；首次登录后须修改。"))
    # 三员分立: the system administrator asks for a role; it takes effect when the security
    # administrator confirms it (user_create stores it as the pending role).
    role = forms.ChoiceField(label=_("申请的角色"), required=False,
                             choices=[("", "---------"),
                                      *((r.value, _(ROLE_LABELS[r])) for r in Role)],
                             help_text=_("由安全管理员确认后生效；确认前该账号不能登录。"))

    class Meta:
        model = User
        fields = ("username", "display_name", "phone", "unit", "role")

    def run_service(self, data):
        return services.user_create(
            actor=self.actor, username=data["username"], password=data["password"],
            unit=data.get("unit"), role=data.get("role") or "",
            display_name=data.get("display_name", ""), phone=data.get("phone", ""))


class UserChangeForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "phone", "unit", "is_active", "role")

    def run_service(self, data):
        user = self.instance
        if role_of(self.actor) in ROLE_ADMINS:
            return services.user_set_role(actor=self.actor, user=user, role=data["role"])
        return services.user_update(
            actor=self.actor, user=user, display_name=data.get("display_name", ""),
            phone=data.get("phone", ""), unit=data.get("unit"), is_active=data["is_active"])


@admin.register(User)
class UserAdmin(ServiceAdminMixin, ScopedModelAdmin):
    add_roles = ACCOUNT_ADMINS
    edit_roles = ACCOUNT_ADMINS | ROLE_ADMINS
    list_display = ("username", "display_name", "unit", "role", "pending_role", "is_active",
                    "has_two_factor", "last_login")
    list_filter = ("role", "pending_role", "is_active")
    search_fields = ("username", "display_name", "phone")
    list_select_related = ("unit",)
    ordering = ("username",)
    autocomplete_fields = ("unit",)
    actions = ["confirm_pending_role", "reset_two_factor"]

    def has_add_permission(self, request):
        # Only the system administrator opens accounts (user_create refuses the others); the
        # security administrator edits roles of existing accounts, so no add form for them.
        return role_of(request.user) in self.add_roles

    def get_queryset(self, request):
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(two_factor_enrolled=Exists(enrolled))

    @admin.display(description=_("双因素"), boolean=True, ordering="two_factor_enrolled")
    def has_two_factor(self, obj):
        return obj.two_factor_enrolled

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if role_of(request.user) not in ROLE_ADMINS:  # 三员分立: the security administrator
            actions.pop("reset_two_factor", None)
            actions.pop("confirm_pending_role", None)
        return actions

    @admin.action(description=_("确认待确认角色（系统管理员开设账号时申请）"))
    def confirm_pending_role(self, request, queryset):
        done = []
        for user in queryset:
            try:
                services.user_confirm_role(actor=request.user, user=user)
            except UserError as exc:
                messages.error(request, f"{user.username}: {exc.message}")
            else:
                done.append(user.username)
        if done:
            messages.success(request, gettext("已确认角色：%(names)s。")
                             % {"names": "、".join(done)})

    @admin.action(description=_("重置双因素验证器（手机丢失或更换）"))
    def reset_two_factor(self, request, queryset):
        done = []
        for user in queryset:
            try:
                two_factor.otp_device_reset(actor=request.user, user=user)
            except UserError as exc:
                messages.error(request, f"{user.username}: {exc.message}")
            else:
                done.append(user.username)
        if done:
            messages.success(request, gettext("已重置验证器：%(names)s。下次登录时需重新绑定。")
                             % {"names": "、".join(done)})

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = UserChangeForm if obj else UserAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("username", "password", "display_name", "phone", "unit", "role")
        return ("display_name", "phone", "unit", "is_active", "role", "pending_role")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # 三员分立: the system administrator edits details, the security administrator roles.
        if role_of(request.user) in ROLE_ADMINS:
            return ("display_name", "phone", "unit", "is_active", "pending_role")
        return ("role", "pending_role")


def _cell(value) -> str:
    # A spreadsheet would run a cell that starts like a formula (DESIGN §6: neutralised).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    """The auditor's viewer: filter, search, export. Every query and export is itself
    recorded (who looked at what)."""

    list_display = ("seq", "at", "actor_name", "unit", "action", "object_type", "object_repr",
                    "ip", "request_id")
    list_filter = ("action", "object_type", "unit", ("at", admin.DateFieldListFilter))
    search_fields = ("actor_name", "object_repr", "object_id", "request_id", "ip")
    date_hierarchy = "at"
    list_select_related = ("actor", "unit")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    change_list_template = "admin/core/auditevent/change_list.html"
    EXPORT_LIMIT = 100_000

    def get_urls(self):
        urls = super().get_urls()
        export = path("export/", self.admin_site.admin_view(self.export_view),
                      name="core_auditevent_export")
        return [export, *urls]

    def _query(self, request) -> dict:
        return {key: request.GET.getlist(key) if len(request.GET.getlist(key)) > 1
                else request.GET.get(key) for key in sorted(request.GET)}

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if self.has_view_permission(request) and getattr(response, "status_code", 0) == 200:
            audit.record(request.user, "audit.query", None, {"query": self._query(request)})
        return response

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except (IncorrectLookupParameters, FieldError):
            # What the list page does with a filter it does not know: start over, with a note.
            return redirect(f"{reverse('admin:core_auditevent_changelist')}?{ERROR_FLAG}=1")
        rows = changelist.get_queryset(request).order_by("seq")[: self.EXPORT_LIMIT]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["seq", "at", "actor", "unit", "action", "object_type", "object_id",
                         "object", "changes", "ip", "request_id", "prev_hash", "hash"])
        count = 0
        for event in rows:
            count += 1
            writer.writerow([_cell(v) for v in (
                event.seq, timezone.localtime(event.at).isoformat(), event.actor_name,
                event.unit_id or "", event.action, event.object_type, event.object_id,
                event.object_repr, json.dumps(event.changes, ensure_ascii=False), event.ip or "",
                event.request_id, event.prev_hash, event.hash)])
        audit.record(request.user, "audit.export", None,
                     {"query": self._query(request), "rows": count})
        # The byte-order mark makes Excel read the Chinese text as UTF-8.
        response = HttpResponse("\ufeff" + buffer.getvalue(),
                                content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response


class CalendarDayForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ("date", "is_workday", "name")

    def validate_unique(self):
        # Entering a day again corrects it (calendar_set_day updates).
        return None

    def run_service(self, data):
        return services.calendar_set_day(actor=self.actor, day=data["date"],
                                         is_workday=data["is_workday"], name=data["name"])


@admin.register(CalendarDay)
class CalendarDayAdmin(ServiceAdminMixin, ScopedModelAdmin):
    add_roles = CALENDAR_EDITORS
    form = CalendarDayForm
    list_display = ("date", "is_workday", "name", "source")
    list_filter = ("is_workday", "source")
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(ScopedModelAdmin):
    list_display = ("year", "complete", "source_note")


# The units' group robots (core/notify/robot_admin.py).
from .notify import robot_admin  # noqa: E402,F401
