"""Admin pages for the duty app's reference data: duty lists, flood posts and plans, flood
seasons, drill plans and tracing members. Lists read through core.scoping (ScopedModelAdmin);
the editable ones save through the services."""

from django import forms
from django.contrib import admin

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from diaodu.core.roles import Role

from . import services
from .models import (
    DrillPlan,
    DutyPerson,
    FloodMaterial,
    FloodPlan,
    FloodPlanUnit,
    FloodPost,
    FloodPostMember,
    FloodSeason,
    TracingMember,
)
from .policy import DUTY_OFFICE

MANAGERS = frozenset({*DUTY_OFFICE, Role.UNIT_HEAD})


class DutyPersonForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = DutyPerson
        fields = ("unit", "name", "position", "phone", "can_lead", "active", "sort")

    def run_service(self, data):
        if self.instance.pk is not None:
            return services.duty_person_update(
                actor=self.actor, person=self.instance, position=data.get("position", ""),
                phone=data.get("phone", ""), can_lead=data.get("can_lead", False),
                active=data.get("active", True), sort=data.get("sort") or 0)
        return services.duty_person_create(
            actor=self.actor, unit=data["unit"], name=data["name"],
            position=data.get("position", ""), phone=data.get("phone", ""),
            can_lead=data.get("can_lead", False), sort=data.get("sort") or 0)


@admin.register(DutyPerson)
class DutyPersonAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = DutyPersonForm
    add_roles = MANAGERS
    edit_roles = MANAGERS
    list_display = ("name", "unit", "position", "phone", "can_lead", "active")
    list_filter = ("can_lead", "active")
    list_select_related = ("unit",)
    search_fields = ("name", "phone")

    def get_readonly_fields(self, request, obj=None):
        # A person stays in their unit under their name; a move is a new entry.
        return ("unit", "name") if obj is not None else ()


class FloodSeasonForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = FloodSeason
        fields = ("year", "starts_on", "ends_on")

    def validate_unique(self):
        # Setting a year again changes its period (the service upserts).
        return None

    def run_service(self, data):
        return services.flood_season_set(actor=self.actor, year=data["year"],
                                         starts_on=data["starts_on"], ends_on=data["ends_on"])


@admin.register(FloodSeason)
class FloodSeasonAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = FloodSeasonForm
    add_roles = DUTY_OFFICE
    list_display = ("year", "starts_on", "ends_on")


class PostMemberInline(admin.TabularInline):
    model = FloodPostMember
    extra = 0
    can_delete = False
    fields = readonly_fields = ("name", "duty", "phone")


class MaterialInline(admin.TabularInline):
    model = FloodMaterial
    extra = 0
    can_delete = False
    fields = readonly_fields = ("item", "quantity", "measure")


@admin.register(FloodPost)
class FloodPostAdmin(ScopedModelAdmin):
    list_display = ("name", "street", "phone")
    list_select_related = ("street",)
    inlines = (PostMemberInline, MaterialInline)
    readonly_fields = ("street", "name", "address", "phone")


class PlanUnitInline(admin.TabularInline):
    model = FloodPlanUnit
    extra = 0
    can_delete = False
    fields = readonly_fields = ("unit", "from_level")


@admin.register(FloodPlan)
class FloodPlanAdmin(ScopedModelAdmin):
    list_display = ("name",)
    inlines = (PlanUnitInline,)
    readonly_fields = ("name",)


class DrillPlanForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = DrillPlan
        fields = ("tier", "unit", "name", "scenario", "mode", "tested", "units")

    def run_service(self, data):
        return services.drill_plan_create(
            actor=self.actor, tier=data["tier"], unit=data["unit"], name=data["name"],
            scenario=data["scenario"], mode=data["mode"], tested=data["tested"],
            units=list(data.get("units") or []))


@admin.register(DrillPlan)
class DrillPlanAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = DrillPlanForm
    add_roles = MANAGERS
    list_display = ("name", "tier", "unit", "mode", "tested")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit", "units")

    def get_queryset(self, request):
        # Plans reach a user through several units: one row per plan.
        qs = super().get_queryset(request)
        return DrillPlan.objects.filter(pk__in=qs.values("pk")).select_related("unit")


@admin.register(TracingMember)
class TracingMemberAdmin(ScopedModelAdmin):
    list_display = ("name", "unit", "source", "group", "is_group_leader", "status")
    list_filter = ("source", "status", "group__echelon")
    list_select_related = ("unit", "group")
    search_fields = ("name",)
    readonly_fields = ("team", "group", "name", "unit", "source", "phone", "is_group_leader",
                       "status")
