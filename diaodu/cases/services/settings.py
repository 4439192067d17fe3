"""The reminder and escalation settings (SupervisionPolicy)."""


from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.locking import check_version, last_audit
from diaodu.core.models import User

from .. import policy as case_policy
from ..models import (
    SupervisionPolicy,
)

MAX_DUE_WORKDAYS = 250


def policy_get() -> SupervisionPolicy:
    """The reminder and escalation settings (created with the defaults on first use)."""
    policy, _created = SupervisionPolicy.objects.get_or_create(pk=1)
    return policy


POLICY_FIELDS = ("remind_before", "escalate_unit_head_after", "escalate_leader_after",
                 "escalate_district_after", "default_due_workdays")


def policy_update(*, actor: User | None, expected_version: int | None = None,
                  **values: int) -> SupervisionPolicy:
    """Change the reminder and escalation settings."""
    case_policy.require_settings_keeper(actor)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise UserError("policy.field_unknown", _("不能修改这些字段：%(f)s")
                        % {"f": "、".join(sorted(unknown))})
    with transaction.atomic():
        policy = SupervisionPolicy.objects.select_for_update().get(pk=policy_get().pk)
        check_version(policy, expected_version, code="policy.conflict", subject=_("督办规则"),
                      last_change=lambda: last_audit(policy), field=None)
        before = {f: getattr(policy, f) for f in POLICY_FIELDS}
        for field, value in values.items():
            setattr(policy, field, int(value))
        if not (policy.escalate_unit_head_after <= policy.escalate_leader_after
                <= policy.escalate_district_after):
            raise UserError("policy.tiers_out_of_order",
                            _("升级时限应依次为：单位负责人 ≤ 包联领导 ≤ 区领导。"),
                            "escalate_leader_after")
        if not 1 <= policy.default_due_workdays <= MAX_DUE_WORKDAYS:
            raise UserError("case.due_workdays_invalid",
                            _("办理时限应为 1 至 %(n)s 个工作日。") % {"n": MAX_DUE_WORKDAYS},
                            "default_due_workdays")
        policy.version += 1
        policy.save()
        audit.record(actor, "policy.update", policy,
                     audit.diff(before, {f: getattr(policy, f) for f in POLICY_FIELDS}))
    return policy
