"""The managed lists of the operations centres: event categories (with their limits) and the
working-hours settings; every save is a service call."""

from django import forms
from django.contrib import admin

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm

from . import services
from .models import EventCategory, OpsSettings
from .policy import DISTRICT_OPERATORS
from .services.settings import CATEGORY_FIELDS
from .services.settings import FIELDS as SETTINGS_FIELDS


class CategoryForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = EventCategory
        fields = CATEGORY_FIELDS

    def run_service(self, data):
        return services.category_save(
            actor=self.actor, category=self.instance if self.instance.pk else None,
            **{f: data[f] for f in CATEGORY_FIELDS if f in data})


@admin.register(EventCategory)
class EventCategoryAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = CategoryForm
    add_roles = DISTRICT_OPERATORS
    edit_roles = DISTRICT_OPERATORS
    list_display = ("code", "kind", "major_name", "name", "scenario", "accept_hours",
                    "handle_hours", "active")
    list_filter = ("kind", "major_name", "scenario", "active")
    search_fields = ("code", "name")


class SettingsForm(ServiceForm, forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OpsSettings
        fields = SETTINGS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version

    def run_service(self, data):
        return services.settings_update(actor=self.actor,
                                        expected_version=data.get("expected_version"),
                                        **{f: data[f] for f in SETTINGS_FIELDS})


@admin.register(OpsSettings)
class OpsSettingsAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = SettingsForm
    edit_roles = DISTRICT_OPERATORS
    list_display = ("__str__", "periods", "near_percent", "escalate_after_hours")

    def has_add_permission(self, request):
        return False  # one row, created with the defaults

    def has_delete_permission(self, request, obj=None):
        return False
