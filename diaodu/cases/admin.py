from django import forms
from django.contrib import admin

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from diaodu.core.roles import LEDGER_EDITORS

from . import services
from .models import TaskForce


class TaskForceForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = TaskForce
        fields = ("name", "lead_unit", "members", "projects", "duties")

    def run_service(self, data):
        return services.task_force_create(
            actor=self.actor, name=data["name"], lead_unit=data["lead_unit"],
            members=list(data["members"]), projects=list(data["projects"]),
            duties=data.get("duties", ""))


@admin.register(TaskForce)
class TaskForceAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = TaskForceForm
    add_roles = LEDGER_EDITORS
    list_display = ("name", "lead_unit", "active")
    list_select_related = ("lead_unit",)
    search_fields = ("name",)
    autocomplete_fields = ("lead_unit", "members", "projects")
