from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "diaodu.cases"
    label = "cases"
    verbose_name = _("督办")

    def ready(self) -> None:
        from diaodu.core import scoping
        from diaodu.core.roles import CASE_SUPERVISORS, Role

        from .models import (
            Approval,
            Case,
            CaseAction,
            Instruction,
            Notice,
            SupervisionPolicy,
            Visit,
        )

        # A case: its lead and co-operating units (a unit head also below), the unit that
        # raised it (a reporter's case waits without a lead unit, and the raiser follows it to
        # the end), the task force that owns it; dispatchers, leaders and statistics see all.
        # Selectors de-duplicate (co_units is many-to-many).
        scoping.register(Case, scoping.ScopeRule(
            unit_paths=("lead_unit", "co_units", "raised_by__unit"), taskforce_path="task_force"))
        scoping.register(CaseAction, scoping.ScopeRule(
            unit_paths=("case__lead_unit", "case__co_units", "case__raised_by__unit"),
            taskforce_path="case__task_force"))
        scoping.register(Notice, scoping.ScopeRule(
            unit_paths=("case__lead_unit", "case__co_units", "case__raised_by__unit"),
            taskforce_path="case__task_force"))
        # Visits and approvals follow their projects.
        scoping.register(Visit, scoping.ScopeRule(
            unit_paths=("projects__responsible_unit", "projects__street"),
            taskforce_path="projects__task_forces"))
        # An instruction follows its own project (and the unit leading the case made of it),
        # not the visit: a visit to five streets' projects shows each street its own.
        scoping.register(Instruction, scoping.ScopeRule(
            unit_paths=("project__responsible_unit", "project__street", "case__lead_unit"),
            taskforce_path="project__task_forces"))
        scoping.register(Approval, scoping.ScopeRule(
            unit_paths=("project__responsible_unit", "project__street"),
            taskforce_path="project__task_forces"))
        scoping.register(SupervisionPolicy, scoping.ScopeRule(
            readers=frozenset({*CASE_SUPERVISORS, Role.UNIT_HEAD})))

        from diaodu.core import scenarios

        from .scenario import KEY_PROJECTS

        scenarios.register(KEY_PROJECTS)  # 重点项目督办 on the operations centres' consoles
