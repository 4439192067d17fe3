"""Settings the dispatchers tune, and the 拟入库 (registration) plans."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, User
from diaodu.projects.models import Project

from .. import policy
from ..models import (
    DispatchSettings,
    RegistrationPlan,
)
from .guards import (
    _require_dispatcher,
)


def dispatch_settings_update(*, actor: User | None, **values: Any) -> DispatchSettings:
    """Change the quality thresholds or the monthly round's calendar."""
    _require_dispatcher(actor)
    limits = {"round_open_day": (1, 28), "round_due_day": (1, 28), "round_due_hour": (0, 23),
              "overrun_tolerance_pct": (0, 100)}
    for field, (low, high) in limits.items():
        if field in values and not low <= int(values[field]) <= high:
            label = DispatchSettings._meta.get_field(field).verbose_name
            raise UserError("settings.out_of_range", _("%(f)s应在 %(lo)s 到 %(hi)s 之间。")
                            % {"f": label, "lo": low, "hi": high}, field)
    if "jump_factor" in values and Decimal(str(values["jump_factor"])) <= 1:
        raise UserError("settings.jump_factor", _("跳增倍数应大于1。"), "jump_factor")
    with transaction.atomic():
        row = DispatchSettings.objects.select_for_update().order_by("pk").first() or \
            DispatchSettings()
        before = {f: getattr(row, f) for f in values}
        for field, value in values.items():
            setattr(row, field, value)
        if row.round_due_day < row.round_open_day:
            raise UserError("settings.due_before_open", _("截止日不能早于开启日。"),
                            "round_due_day")
        row.save()
        audit.record(actor, "dispatch_settings.update", row, audit.diff(before, values))
    return row


def registration_plan_set(*, actor: User | None, project: Project, due_month: date,
                          responsible_unit: OrgUnit, note: str = "") -> RegistrationPlan:
    """拟入库: name the unit responsible for registering a project by a due month."""
    policy.require_registrar(actor)
    if project.stats_registered_on:
        raise UserError("registration.already", _("该项目已入库。"), "project")
    with transaction.atomic():
        plan, _created = RegistrationPlan.objects.update_or_create(
            project=project, defaults={"due_month": due_month.replace(day=1),
                                       "responsible_unit": responsible_unit,
                                       "note": note.strip(), "created_by": actor})
        audit.record(actor, "registration_plan.set", plan,
                     {"due_month": due_month.replace(day=1), "unit": responsible_unit})
    return plan
