from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from diaodu.core.roles import LEDGER_EDITORS, Role, role_of

from . import services
from .models import (
    AnnualPlan,
    DispatchSettings,
    MonthlyRollup,
    PlanAdjustment,
    RegistrationPlan,
    ReportAdjustment,
)


class AnnualPlanForm(ServiceForm, forms.ModelForm):
    reason = forms.CharField(label=_("调整原因"), required=False,
                             help_text=_("修改已批准的计划时必填。"))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AnnualPlan
        fields = ("project", "year", "planned_investment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def run_service(self, data):
        if self.instance.pk is None:
            return services.annual_plan_create(
                actor=self.actor, project=data["project"], year=data["year"],
                planned_investment=data["planned_investment"])
        return services.annual_plan_adjust(
            actor=self.actor, plan=self.instance, planned_investment=data["planned_investment"],
            reason=data.get("reason", ""), expected_version=data.get("expected_version"))


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = AnnualPlanForm
    edit_roles = LEDGER_EDITORS
    list_display = ("project", "year", "planned_investment", "status", "approved_at")
    list_filter = ("year", "status", "project__level")
    search_fields = ("project__name", "project__code")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)
    actions = ["approve"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("project", "year", "planned_investment")
        return ("project", "year", "planned_investment", "reason", "expected_version",
                "monthly_targets", "status")

    def get_readonly_fields(self, request, obj=None):
        return ("project", "year", "monthly_targets", "status") if obj else ()

    @admin.action(description=_("批准所选计划"))
    def approve(self, request, queryset):
        if role_of(request.user) not in LEDGER_EDITORS:
            return
        for plan in queryset:
            services.annual_plan_approve(actor=request.user, plan=plan)
        messages.success(request, _("已批准 %(n)s 个计划。") % {"n": queryset.count()})


@admin.register(PlanAdjustment)
class PlanAdjustmentAdmin(ScopedModelAdmin):
    list_display = ("plan", "previous_investment", "new_investment", "reason", "adjusted_by",
                    "adjusted_at")
    list_select_related = ("plan__project", "adjusted_by")


@admin.register(ReportAdjustment)
class ReportAdjustmentAdmin(ScopedModelAdmin):
    list_display = ("report", "delta_completed", "reason", "adjusted_by", "adjusted_at")
    list_select_related = ("report__project", "report__round", "adjusted_by")


class RegistrationPlanForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = RegistrationPlan
        fields = ("project", "due_month", "responsible_unit", "note")

    def validate_unique(self):
        return None  # setting a plan again updates it

    def run_service(self, data):
        return services.registration_plan_set(actor=self.actor, **data)


@admin.register(RegistrationPlan)
class RegistrationPlanAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = RegistrationPlanForm
    add_roles = LEDGER_EDITORS | {Role.STATS}
    list_display = ("project", "due_month", "responsible_unit", "note")
    list_select_related = ("project", "responsible_unit")
    autocomplete_fields = ("project", "responsible_unit")


class DispatchSettingsForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = DispatchSettings
        fields = ("overrun_tolerance_pct", "jump_factor", "round_open_day", "round_due_day",
                  "round_due_hour")

    def run_service(self, data):
        return services.dispatch_settings_update(actor=self.actor, **data)


@admin.register(DispatchSettings)
class DispatchSettingsAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = DispatchSettingsForm
    edit_roles = LEDGER_EDITORS

    def has_add_permission(self, request):
        return False  # one row, created by migration 0002; it is edited, never added


@admin.register(MonthlyRollup)
class MonthlyRollupAdmin(ScopedModelAdmin):
    list_display = ("year", "month", "unit", "street", "level", "category", "planned_annual",
                    "completed_ytd")
    list_filter = ("year", "month", "level")
    list_select_related = ("unit", "street", "category")


