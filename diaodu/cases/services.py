"""Writes for service task forces (服务专班)."""

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, User
from diaodu.projects.models import Project
from diaodu.projects.services import ensure_ledger_editor

from .models import TaskForce


def task_force_create(*, actor: User | None, name: str, lead_unit: OrgUnit,
                      members: list[User], projects: list[Project], duties: str = "") -> TaskForce:
    """Set up a task force for some projects."""
    ensure_ledger_editor(actor)
    name = name.strip()
    if not name:
        raise UserError("task_force.name_required", _("请填写专班名称。"), "name")
    with transaction.atomic():
        if TaskForce.objects.filter(name=name).exists():
            raise UserError("task_force.duplicate", _("专班 %(name)s 已存在。") % {"name": name},
                            "name")
        task_force = TaskForce.objects.create(name=name, lead_unit=lead_unit, duties=duties)
        task_force.members.set(members)
        task_force.projects.set(projects)
        audit.record(actor, "task_force.create", task_force, {
            "lead_unit": lead_unit, "members": [m.pk for m in members],
            "projects": [p.pk for p in projects]})
    return task_force
