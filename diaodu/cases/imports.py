"""Ledger rows → approval items (审批事项台账), through the cases services. Registered into
the ledger import (core/imports.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from diaodu.core.imports import Line, name_key, register, show
from diaodu.projects.imports import ProjectRows

from . import services
from .models import Approval

_KINDS = {"审批": "approval", "核准": "ratification", "备案": "filing",
          "告知性备案": "notification_filing"}
_RESULTS = {"准予": "approved", "同意": "approved", "批准": "approved", "不予": "rejected",
            "不同意": "rejected", "已备案": "filed", "备案": "filed"}


@register("approvals")
class ApprovalPlanner(ProjectRows):
    FIELD_COLUMNS = {"kind": "approval_kind"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = {(a.project_id, name_key(a.item), a.received_on): a
                         for a in Approval.objects.filter(project__in=self.projects)}

    def plan(self, line: Line) -> None:
        project = self.target_project(line)
        v = line.values
        kind = _KINDS.get(name_key(v.get("approval_kind") or ""))
        if kind is None:
            line.error(self.sheet.cell("approval_kind"), "import.approval_kind_invalid",
                       _("审批类型应为审批、核准、备案或告知性备案：%(v)s")
                       % {"v": v.get("approval_kind") or ""})
        result = _RESULTS.get(name_key(v.get("result") or ""), "") if v.get("result") else ""
        if v.get("result") and not result:
            line.error(self.sheet.cell("result"), "import.result_invalid",
                       _("办理结果应为准予、不予或已备案：%(v)s") % {"v": v["result"]})
        for key in ("item", "received_on"):
            if not v.get(key):
                line.error(self.sheet.cell(key) or self.sheet.cell("name"),
                           f"import.{key}_required", _("请填写%(f)s。")
                           % {"f": self.sheet.label(key)})
        if line.errors or project is None:
            return
        existing = self.existing.get((project.pk, name_key(v["item"]), v["received_on"]))
        line.key = f"{project.name} · {v['item']}"
        line.values = {"project": project, "item": v["item"], "kind": kind,
                       "received_on": v["received_on"], "completed_on": v.get("completed_on"),
                       "result": result, "document_no": v.get("document_no") or "",
                       "applicant": v.get("applicant") or "", "existing": existing}
        if existing is None:
            line.action = "create"
            line.diff = {str(_("审批事项")): ["", v["item"]]}
        elif v.get("completed_on") and existing.completed_on is None:
            line.action = "update"
            line.diff = {str(_("办结时间")): ["", show(v["completed_on"])]}
        else:
            line.action = "unchanged"

    def apply(self, line: Line) -> None:
        v = line.values
        if line.action == "create":
            approval = services.approval_create(
                actor=self.actor, item=v["item"], kind=v["kind"], received_on=v["received_on"],
                project=v["project"], applicant=v["applicant"],
                completed_on=v["completed_on"], result=v["result"],
                document_no=v["document_no"])
        else:
            approval = services.approval_complete(
                actor=self.actor, approval=v["existing"], completed_on=v["completed_on"],
                result=v["result"] or "approved", document_no=v["document_no"])
        self.existing[(v["project"].pk, name_key(approval.item), approval.received_on)] = approval
