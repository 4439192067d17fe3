from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm

from . import policy, selectors, services
from .models import Approval, SupervisionPolicy


class ApprovalForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Approval
        fields = ("item", "applicant", "project", "kind", "received_on", "time_limit",
                  "completed_on", "result", "document_no")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "time_limit" in self.fields:
            self.fields["time_limit"].required = False
            self.fields["time_limit"].help_text = _(
                "不填则按类型默认：审批、核准 20 个工作日，备案 3 个工作日，告知性备案即时办结。")

    def run_service(self, data):
        if self.instance.pk is None:
            return services.approval_create(
                actor=self.actor, item=data["item"], applicant=data.get("applicant", ""),
                project=data.get("project"), kind=data["kind"],
                received_on=data["received_on"], time_limit=data.get("time_limit"),
                completed_on=data.get("completed_on"), result=data.get("result", ""),
                document_no=data.get("document_no", ""))
        return services.approval_complete(
            actor=self.actor, approval=self.instance, completed_on=data.get("completed_on"),
            result=data.get("result", ""), document_no=data.get("document_no", ""))

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None and not data.get("completed_on"):
            self.add_error("completed_on", _("请填写办结日期。"))
        return data


@admin.register(Approval)
class ApprovalAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = ApprovalForm
    add_roles = policy.APPROVAL_KEEPERS
    edit_roles = policy.APPROVAL_KEEPERS
    list_display = ("item", "kind", "project", "received_on", "time_limit", "due_on",
                    "completed_on", "workdays_used", "on_time")
    list_filter = ("year", "kind", "on_time")
    list_select_related = ("project",)
    selector = staticmethod(selectors.approval_list)
    search_fields = ("item", "applicant")
    autocomplete_fields = ("project",)
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Once registered only the completion is entered; a completed item is final.
        done = ("completed_on", "result", "document_no") if obj.completed_on else ()
        return ("item", "applicant", "project", "kind", "received_on", "time_limit", *done)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.completed_on is not None:
            return False
        return super().has_change_permission(request, obj)


class PolicyForm(ServiceForm, forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SupervisionPolicy
        fields = services.POLICY_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version

    def run_service(self, data):
        return services.policy_update(actor=self.actor,
                                      expected_version=data.get("expected_version"),
                                      **{f: data[f] for f in services.POLICY_FIELDS})


@admin.register(SupervisionPolicy)
class SupervisionPolicyAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = PolicyForm
    edit_roles = policy.SETTINGS_KEEPERS
    list_display = ("__str__", "remind_before", "escalate_unit_head_after",
                    "escalate_leader_after", "escalate_district_after", "default_due_workdays")

    def has_add_permission(self, request):
        return False  # one row, created with the defaults

    def changelist_view(self, request, extra_context=None):
        if self.has_view_permission(request):
            return redirect("admin:cases_supervisionpolicy_change", services.policy_get().pk)
        return super().changelist_view(request, extra_context)
