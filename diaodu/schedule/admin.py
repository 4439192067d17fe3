"""Admin pages of the managed lists: milestone types and schedule templates, both edited by
dispatchers through services (a template with its activities and links in one call) and applied
from a project's schedule page."""

from django import forms
from django.contrib import admin
from django.forms.formsets import all_valid
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from diaodu.core.roles import role_of

from . import policy, services
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
    edit_roles = policy.TEMPLATE_KEEPERS
    list_display = ("name", "code", "default_duration", "is_key", "sort", "active")
    list_editable = ()
    ordering = ("sort", "code")


class TemplateRowForm(forms.ModelForm):
    # Positions may be swapped in one save: the service checks the whole table instead.
    def validate_unique(self):
        return None

    def validate_constraints(self):
        return None


class TemplateRowFormSet(BaseInlineFormSet):
    def validate_unique(self):
        return None


class TemplateInlineMixin:
    """Template rows are edited with their template: the parent admin's roles decide."""

    extra = 0
    form = TemplateRowForm
    formset = TemplateRowFormSet

    def _may_edit(self, request) -> bool:
        return policy.may_keep_templates(request.user)

    def has_view_permission(self, request, obj=None):
        return True  # the parent admin has already decided who sees the template

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request)


class TemplateItemInline(TemplateInlineMixin, TabularInline):
    model = TemplateItem
    fields = ("position", "milestone_type", "duration")


class TemplateLinkInline(TemplateInlineMixin, TabularInline):
    model = TemplateLink
    fields = ("predecessor", "successor", "kind", "lag")


class ScheduleTemplateForm(ServiceForm, forms.ModelForm):
    """The template and its two inline tables are saved by one service call.

    The admin validates the form and the inline formsets separately and would save them one
    by one; the service needs them together (links refer to item positions, no cycle), so the
    admin hands the formsets to the form (`formsets`, set in _create_formsets) and the form
    runs the service once they are valid.
    """

    formsets: list = []

    class Meta:
        model = ScheduleTemplate
        fields = ("code", "name", "category", "description", "active")

    def validate_unique(self):
        return None  # the service checks names and codes and says so in Chinese

    def run_service(self, data):
        if not all_valid(self.formsets):
            return None  # the inline rows show their own errors
        rows = {formset.model: [f.cleaned_data for f in formset.forms
                                if f.cleaned_data and not f.cleaned_data.get("DELETE")]
                for formset in self.formsets}
        return services.template_save(
            actor=self.actor, instance=self.instance if self.instance.pk else None,
            items=[{k: row[k] for k in ("position", "milestone_type", "duration")}
                   for row in rows.get(TemplateItem, [])],
            links=[{k: row[k] for k in ("predecessor", "successor", "kind", "lag")}
                   for row in rows.get(TemplateLink, [])],
            **{f: data[f] for f in self.Meta.fields})


@admin.register(ScheduleTemplate)
class ScheduleTemplateAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = ScheduleTemplateForm
    edit_roles = policy.TEMPLATE_KEEPERS
    list_display = ("name", "code", "category", "active")
    list_select_related = ("category",)
    inlines = (TemplateItemInline, TemplateLinkInline)
    ordering = ("code",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.formsets = []
        request._template_form = form
        return form

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        form = getattr(request, "_template_form", None)
        if form is not None:
            form.formsets = formsets
        return formsets, inline_instances

    def construct_change_message(self, request, form, formsets, add=False):
        # The formsets were never saved (the service wrote the rows); the audit record has the
        # before and after of every row.
        return [{"added": {}}] if add else [{"changed": {"fields": [str(_("节点和关系"))]}}]

    def get_readonly_fields(self, request, obj=None):
        if role_of(request.user) in self.edit_roles:
            return ()
        return ("code", "name", "category", "description", "active")
