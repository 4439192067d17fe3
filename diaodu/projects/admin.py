from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.contrib.filters.admin import RelatedDropdownFilter

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from diaodu.core.errors import UserError
from diaodu.core.point_picker import picker_map

from . import policy, selectors, services
from .models import Campaign, CampaignEntry, Category, Project, TaskForce
from .picker import PointPickerWidget

PROJECT_FIELDS = (
    "code", "name", "level", "category", "stage", "owner_name", "responsible_unit", "street",
    "leader", "total_investment", "scope", "planned_start", "planned_completion",
    "actual_start", "actual_completion", "reached_capacity_on", "fulfilled_on",
    "on_whitelist", "whitelisted_on", "whitelist_note", "stats_registered_on", "location",
    "latitude", "longitude",
)


class ProjectAdminForm(ServiceForm, forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Not saved: a click on the map fills the latitude and longitude fields (picker.py).
    point_picker = forms.CharField(label=_("地图选点"), required=False,
                                   widget=PointPickerWidget)

    class Meta:
        model = Project
        fields = PROJECT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        if "point_picker" in self.fields:
            point = self.instance.point if self.instance.pk else None
            self.fields["point_picker"].widget.map = picker_map(getattr(self, "actor", None),
                                                                point)

    # The point's range and completeness, with the service's messages on the fields (the
    # model's check constraint would otherwise answer first, with Django's generic words).
    def clean_latitude(self):
        return self._coordinate("latitude")

    def clean_longitude(self):
        return self._coordinate("longitude")

    def _coordinate(self, field):
        try:
            return services.parse_coordinate(field, self.cleaned_data.get(field))
        except UserError as error:
            raise forms.ValidationError(error.message) from None

    def clean(self):
        data = super().clean()
        if ("latitude" in self.fields and "latitude" in data and "longitude" in data
                and (data["latitude"] is None) != (data["longitude"] is None)):
            missing = "longitude" if data["longitude"] is None else "latitude"
            self.add_error(missing, _("项目位置须同时填写纬度和经度。"))
        return data

    def run_service(self, data):
        values = {f: data[f] for f in PROJECT_FIELDS if f in data and f in self.fields}
        if self.instance.pk is None:
            return services.project_create(actor=self.actor, **values)
        values.pop("stage", None)
        return services.project_update(
            actor=self.actor, project=self.instance,
            expected_version=data.get("expected_version"), **values)


@admin.register(Project)
class ProjectAdmin(ServiceAdminMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    form = ProjectAdminForm
    edit_roles = policy.LEDGER_KEEPERS
    list_display = ("name", "code", "level", "stage", "category", "responsible_unit", "street",
                    "total_investment", "on_whitelist")
    list_filter = ("level", "stage", ("category", RelatedDropdownFilter),
                   ("responsible_unit", RelatedDropdownFilter),
                   ("street", RelatedDropdownFilter), "on_whitelist")
    list_filter_submit = True
    search_fields = ("name", "code")
    list_select_related = ("category", "responsible_unit", "street")
    autocomplete_fields = ("responsible_unit", "street", "leader")
    list_per_page = 50
    fieldsets = (
        (_("基本信息"), {"fields": ("code", "name", "level", "category", "stage", "owner_name",
                                   "responsible_unit", "street", "leader", "location")}),
        (_("项目位置（现场照片据此核对）"), {"fields": ("latitude", "longitude")}),
        (_("投资与规模"), {"fields": ("total_investment", "scope")}),
        (_("时间节点"), {"fields": ("planned_start", "planned_completion", "actual_start",
                                   "actual_completion", "reached_capacity_on", "fulfilled_on")}),
        (_("白名单与入库"), {"fields": ("on_whitelist", "whitelisted_on", "whitelist_note",
                                     "stats_registered_on")}),
        (None, {"fields": ("expected_version",)}),
    )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        if request.method == "POST":
            # Old versions are for reading; reverting is not an edit path.
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        # Reverting to an old version would bypass the services; history is read-only.
        return False

    def get_readonly_fields(self, request, obj=None):
        # The stage moves only through 变更阶段, which applies the stage rules.
        return ("stage",) if obj else ()

    def get_fieldsets(self, request, obj=None):
        # Those who may edit the point pick it on the map as well; the others read it.
        fieldsets = super().get_fieldsets(request, obj)
        if not (self.has_change_permission(request, obj) if obj
                else self.has_add_permission(request)):
            return fieldsets
        return tuple((name, {**options, "fields": (*options["fields"], "point_picker")})
                     if "latitude" in options["fields"] else (name, options)
                     for name, options in fieldsets)


class CategoryForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Category
        fields = ("code", "name", "sort")

    def run_service(self, data):
        return services.category_create(actor=self.actor, code=data["code"], name=data["name"],
                                        sort=data.get("sort") or 0)


class CampaignForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ("issuer_level", "year", "phase", "held_on", "name")

    def run_service(self, data):
        return services.campaign_create(actor=self.actor, **data)


class CampaignEntryForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = CampaignEntry
        fields = ("campaign", "project", "batch", "listed_on")

    def validate_unique(self):
        return None  # campaign_entry_add gives the Chinese message

    def run_service(self, data):
        return services.campaign_entry_add(actor=self.actor, **data)


class AddOnlyAdmin(ServiceAdminMixin, ScopedModelAdmin):
    """Reference lists that dispatchers extend through a service; rows are not edited."""

    add_roles = policy.LEDGER_KEEPERS


@admin.register(Category)
class CategoryAdmin(AddOnlyAdmin):
    form = CategoryForm
    list_display = ("name", "code", "sort", "active")


@admin.register(Campaign)
class CampaignAdmin(AddOnlyAdmin):
    form = CampaignForm
    list_display = ("name", "issuer_level", "year", "phase", "held_on")
    list_filter = ("issuer_level", "year")


@admin.register(CampaignEntry)
class CampaignEntryAdmin(AddOnlyAdmin):
    form = CampaignEntryForm
    list_display = ("project", "campaign", "batch", "listed_on")
    list_filter = ("batch", ("campaign", RelatedDropdownFilter))
    search_fields = ("project__name", "project__code")
    list_select_related = ("project", "campaign")
    autocomplete_fields = ("project",)


class TaskForceForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = TaskForce
        fields = ("name", "lead_unit", "leader", "members", "member_units", "projects", "duties",
                  "active")

    def run_service(self, data):
        if self.instance.pk is not None:
            return services.task_force_update(
                actor=self.actor, task_force=self.instance, name=data["name"],
                lead_unit=data["lead_unit"], members=list(data["members"]),
                projects=list(data["projects"]), duties=data.get("duties", ""),
                leader=data.get("leader"), member_units=list(data.get("member_units") or []),
                active=data.get("active", True))
        return services.task_force_create(
            actor=self.actor, name=data["name"], lead_unit=data["lead_unit"],
            members=list(data["members"]), projects=list(data["projects"]),
            duties=data.get("duties", ""), leader=data.get("leader"),
            member_units=list(data.get("member_units") or []))


@admin.register(TaskForce)
class TaskForceAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = TaskForceForm
    add_roles = policy.LEDGER_KEEPERS
    edit_roles = policy.LEDGER_KEEPERS
    list_display = ("name", "lead_unit", "leader", "active")
    list_select_related = ("lead_unit", "leader")
    search_fields = ("name",)
    autocomplete_fields = ("lead_unit", "leader", "members", "member_units", "projects")
    selector = staticmethod(selectors.task_forces_seen)
