from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from .models import AuditEvent, CalendarDay, CalendarYear, OrgUnit, User
from .roles import ACCOUNT_ADMINS, CALENDAR_EDITORS, ROLE_ADMINS, role_of


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
    list_display = ("username", "display_name", "unit", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "phone")
    list_select_related = ("unit",)
    ordering = ("username",)
    autocomplete_fields = ("unit",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = UserChangeForm if obj else UserAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("username", "password", "display_name", "phone", "unit", "role")
        return ("display_name", "phone", "unit", "is_active", "role")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # 三员分立: the system administrator edits details, the security administrator roles.
        if role_of(request.user) in ROLE_ADMINS:
            return ("display_name", "phone", "unit", "is_active")
        return ("role",)


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_repr", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id", "request_id")
    date_hierarchy = "at"
    list_select_related = ("actor", "unit")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


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
