"""Admin pages for grid reference data and people: the 多格合一 duty list and the sizing
standard (the district centre), grid profiles, duties, workers and training records (the
street centre for its street). Lists read through core.scoping; saves go through services."""

from django import forms
from django.contrib import admin

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from diaodu.core.roles import GRID_KEEPERS
from diaodu.core.scoping import scope_for

from . import selectors, services
from .models import DutyType, GridDuty, GridProfile, GridSettings, GridWorker, TrainingRecord
from .policy import SETTINGS_KEEPERS


class _GridChoices:
    """Grid fields offer the grids the acting user keeps."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actor = getattr(self, "actor", None)
        if "grid" in self.fields and actor is not None:
            self.fields["grid"].queryset = selectors.grid_units(user=actor)
        if "worker" in self.fields and actor is not None:
            self.fields["worker"].queryset = scope_for(actor, GridWorker)


class DutyTypeForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = DutyType
        fields = ("code", "name", "department", "sort", "active")

    def validate_unique(self):
        return None  # the service upserts by code

    def run_service(self, data):
        return services.duty_type_save(actor=self.actor, code=data["code"], name=data["name"],
                                       department=data.get("department", ""),
                                       sort=data.get("sort") or 0,
                                       active=data.get("active", True))


@admin.register(DutyType)
class DutyTypeAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = DutyTypeForm
    add_roles = SETTINGS_KEEPERS
    edit_roles = SETTINGS_KEEPERS
    list_display = ("name", "code", "department", "sort", "active")


class GridSettingsForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = GridSettings
        fields = ("grid_min", "grid_max", "micro_min", "micro_max", "training_hours")

    def run_service(self, data):
        return services.settings_update(actor=self.actor, **data)


@admin.register(GridSettings)
class GridSettingsAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = GridSettingsForm
    edit_roles = SETTINGS_KEEPERS
    list_display = ("__str__", "grid_min", "grid_max", "micro_min", "micro_max",
                    "training_hours")

    def has_add_permission(self, request):
        return False  # one row, created by migration 0002


class GridProfileForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = GridProfile
        fields = ("households", "population")

    def run_service(self, data):
        return services.grid_profile_update(actor=self.actor, grid=self.instance.unit,
                                            households=data["households"],
                                            population=data["population"])


@admin.register(GridProfile)
class GridProfileAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = GridProfileForm
    edit_roles = GRID_KEEPERS
    list_display = ("unit", "households", "population", "area_km2", "polygon_sample")
    list_select_related = ("unit",)
    search_fields = ("unit__name",)
    ordering = ("unit__path",)

    def has_add_permission(self, request):
        return False  # a grid's profile comes with the grid


class GridWorkerForm(_GridChoices, ServiceForm, forms.ModelForm):
    class Meta:
        model = GridWorker
        fields = ("grid", "name", "phone", "kind", "is_head", "active")

    def validate_unique(self):
        return None  # the service names a duplicate in Chinese

    def run_service(self, data):
        return services.worker_save(
            actor=self.actor, grid=data["grid"], name=data["name"],
            phone=data.get("phone", ""), kind=data["kind"], is_head=data.get("is_head", False),
            active=data.get("active", True), worker=self.instance if self.instance.pk else None)


@admin.register(GridWorker)
class GridWorkerAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = GridWorkerForm
    add_roles = GRID_KEEPERS
    edit_roles = GRID_KEEPERS
    list_display = ("name", "grid", "kind", "is_head", "phone", "active")
    list_filter = ("kind", "is_head", "active")
    list_select_related = ("grid",)
    search_fields = ("name", "phone")


class GridDutyForm(_GridChoices, ServiceForm, forms.ModelForm):
    class Meta:
        model = GridDuty
        fields = ("grid", "duty", "person", "phone", "worker")

    def validate_unique(self):
        return None  # the service replaces the grid's holder of the duty

    def run_service(self, data):
        return services.grid_duty_set(actor=self.actor, grid=data["grid"], duty=data["duty"],
                                      person=data.get("person", ""), phone=data.get("phone", ""),
                                      worker=data.get("worker"))


@admin.register(GridDuty)
class GridDutyAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = GridDutyForm
    add_roles = GRID_KEEPERS
    edit_roles = GRID_KEEPERS
    list_display = ("grid", "duty", "person", "phone")
    list_filter = ("duty",)
    list_select_related = ("grid", "duty")


class TrainingRecordForm(_GridChoices, ServiceForm, forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ("worker", "course", "held_on", "hours", "passed")

    def run_service(self, data):
        return services.training_record_add(
            actor=self.actor, worker=data["worker"], course=data["course"],
            held_on=data["held_on"], hours=data["hours"], passed=data.get("passed", False))


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = TrainingRecordForm
    add_roles = GRID_KEEPERS
    list_display = ("worker", "course", "held_on", "hours", "passed")
    list_filter = ("passed",)
    list_select_related = ("worker", "worker__grid")
    date_hierarchy = "held_on"
