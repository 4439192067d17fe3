"""Task forces (专班)."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, User
from diaodu.projects.models import Project
from diaodu.projects.services import ensure_ledger_editor

from ..models import (
    TaskForce,
)


def task_force_create(*, actor: User | None, name: str, lead_unit: OrgUnit,
                      members: list[User], projects: list[Project], duties: str = "",
                      leader: User | None = None,
                      member_units: Sequence[OrgUnit] = ()) -> TaskForce:
    """Set up a task force for some projects."""
    ensure_ledger_editor(actor)
    name = name.strip()
    if not name:
        raise UserError("task_force.name_required", _("请填写专班名称。"), "name")
    with transaction.atomic():
        if TaskForce.objects.filter(name=name).exists():
            raise UserError("task_force.duplicate", _("专班 %(name)s 已存在。") % {"name": name},
                            "name")
        task_force = TaskForce.objects.create(name=name, lead_unit=lead_unit, duties=duties,
                                              leader=leader)
        task_force.members.set(members)
        task_force.projects.set(projects)
        task_force.member_units.set(member_units)
        audit.record(actor, "task_force.create", task_force, {
            "lead_unit": lead_unit, "members": [m.pk for m in members],
            "projects": [p.pk for p in projects],
            "member_units": [u.pk for u in member_units], "leader": leader})
    return task_force


def task_force_update(*, actor: User | None, task_force: TaskForce, name: str,
                      lead_unit: OrgUnit, members: Sequence[User], projects: Sequence[Project],
                      duties: str = "", leader: User | None = None,
                      member_units: Sequence[OrgUnit] = (), active: bool = True) -> TaskForce:
    """Change a task force's leader, members, member units, projects or duties."""
    ensure_ledger_editor(actor)
    name = name.strip()
    if not name:
        raise UserError("task_force.name_required", _("请填写专班名称。"), "name")
    with transaction.atomic():
        task_force = TaskForce.objects.select_for_update().get(pk=task_force.pk)
        if TaskForce.objects.filter(name=name).exclude(pk=task_force.pk).exists():
            raise UserError("task_force.duplicate", _("专班 %(name)s 已存在。") % {"name": name},
                            "name")
        before = {"name": task_force.name, "lead_unit": task_force.lead_unit,
                  "leader": task_force.leader, "duties": task_force.duties,
                  "active": task_force.active,
                  "members": sorted(task_force.members.values_list("pk", flat=True)),
                  "member_units": sorted(task_force.member_units.values_list("pk", flat=True)),
                  "projects": sorted(task_force.projects.values_list("pk", flat=True))}
        task_force.name, task_force.lead_unit, task_force.leader = name, lead_unit, leader
        task_force.duties, task_force.active = duties, active
        task_force.save()
        task_force.members.set(members)
        task_force.member_units.set(member_units)
        task_force.projects.set(projects)
        after = {"name": name, "lead_unit": lead_unit, "leader": leader, "duties": duties,
                 "active": active, "members": sorted(m.pk for m in members),
                 "member_units": sorted(u.pk for u in member_units),
                 "projects": sorted(p.pk for p in projects)}
        audit.record(actor, "task_force.update", task_force, audit.diff(before, after))
    return task_force
