"""Admin pages of the managed lists: milestone types (edited through a service) and schedule
templates (read-only here; they ship with the migration and are applied from a project's
schedule page)."""

from django import forms
from django.contrib import admin

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from diaodu.core.roles import LEDGER_EDITORS

from . import services
from .models import MilestoneType, ScheduleTemplate, TemplateItem, TemplateLink


class MilestoneTypeForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = MilestoneType
        fields = ("code", "name", "default_duration", "is_key", "sort", "active")

    def validate_unique(self):
        # The service checks names and reports them in Chinese.
        return None

    def run_service(self, data):
        return services.milestone_type_save(
            actor=self.actor, instance=self.instance if self.instance.pk else None,
            **{f: data[f] for f in self.Meta.fields})


@admin.register(MilestoneType)
class MilestoneTypeAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = MilestoneTypeForm
    edit_roles = LEDGER_EDITORS
    list_display = ("name", "code", "default_duration", "is_key", "sort", "active")
    list_editable = ()
    ordering = ("sort", "code")


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    fields = ("position", "milestone_type", "duration")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TemplateLinkInline(TemplateItemInline):
    model = TemplateLink
    fields = ("predecessor", "successor", "kind", "lag")
    readonly_fields = fields


@admin.register(ScheduleTemplate)
class ScheduleTemplateAdmin(ScopedModelAdmin):
    list_display = ("name", "code", "category", "active")
    list_select_related = ("category",)
    readonly_fields = ("code", "name", "category", "description", "active")
    inlines = (TemplateItemInline, TemplateLinkInline)
    ordering = ("code",)
