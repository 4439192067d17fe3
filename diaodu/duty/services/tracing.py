"""流调: the tracing force's members, groups and echelons, on-call status, and activations
that call groups first echelon first and time the first contact and the closure."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from diaodu.core import audit, clock
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, User

from .. import rules
from ..models import TracingActivation, TracingGroup, TracingMember, TracingTeam
from ..policy import is_duty_office, may_act_for, may_manage, require
from .rosters import _text

MAX_GROUPS = 50


def tracing_team_create(*, actor: User | None, name: str, unit: OrgUnit,
                        min_on_call: int = 3) -> TracingTeam:
    require(is_duty_office(actor))
    name = _text(name, field="name", label=_("名称"), limit=100)
    with transaction.atomic():
        team = TracingTeam.objects.create(name=name, unit=unit, min_on_call=min_on_call)
        audit.record(actor, "duty.tracing_team_create", team, {"unit": unit})
    return team


def tracing_group_create(*, actor: User | None, team: TracingTeam, number: int,
                         echelon: int) -> TracingGroup:
    require(may_manage(actor, team.unit))
    if echelon not in (1, 2, 3):
        raise UserError("duty.echelon_invalid", _("梯队应为第一、第二或第三梯队。"), "echelon")
    with transaction.atomic():
        if TracingGroup.objects.filter(team=team, number=number).exists():
            raise UserError("duty.group_exists", _("已有第%(n)s组。") % {"n": number}, "number")
        group = TracingGroup.objects.create(team=team, number=number, echelon=echelon)
        audit.record(actor, "duty.tracing_group_create", group, {"echelon": echelon})
    return group


def tracing_member_add(*, actor: User | None, team: TracingTeam, name: str, unit: OrgUnit,
                       source: str, phone: str = "") -> TracingMember:
    require(may_manage(actor, team.unit))
    name = _text(name, field="name", label=_("姓名"), limit=40)
    if source not in TracingMember.Source.values:
        raise UserError("duty.source_invalid", _("来源应为卫生、公安或街道。"), "source")
    with transaction.atomic():
        member = TracingMember.objects.create(team=team, name=name, unit=unit, source=source,
                                              phone=phone.strip())
        audit.record(actor, "duty.tracing_member_add", member, {"unit": unit, "source": source})
    return member


def tracing_group_set_members(*, actor: User | None, group: TracingGroup,
                              members: Sequence[TracingMember],
                              leader: TracingMember | None = None) -> TracingGroup:
    """Put exactly `members` in the group (others leave it). Members of another team are
    refused by name; the leader must be one of them."""
    require(may_manage(actor, group.team.unit))
    for member in members:
        if member.team_id != group.team_id:
            raise UserError("duty.member_other_team",
                            _("%(name)s（%(unit)s）不是%(team)s的队员，不能编入%(group)s。")
                            % {"name": member, "unit": member.unit, "team": group.team,
                               "group": group}, "members")
    if leader is not None and leader.pk not in {m.pk for m in members}:
        raise UserError("duty.leader_not_member", _("组长 %(name)s 不在本组名单中。")
                        % {"name": leader}, "leader")
    ids = [m.pk for m in members]
    with transaction.atomic():
        TracingMember.objects.filter(group=group).exclude(pk__in=ids) \
            .update(group=None, is_group_leader=False)
        TracingMember.objects.filter(pk__in=ids).update(group=group, is_group_leader=False)
        if leader is not None:
            TracingMember.objects.filter(pk=leader.pk).update(is_group_leader=True)
        audit.record(actor, "duty.tracing_group_members", group,
                     {"members": ids, "leader": leader.pk if leader else None})
    return group


def tracing_member_set_status(*, actor: User | None, member: TracingMember,
                              status: str) -> TracingMember:
    """On call, resting or on leave: set by the team's unit or the member's own unit."""
    require(may_manage(actor, member.team.unit) or may_act_for(actor, member.unit))
    if status not in TracingMember.Status.values:
        raise UserError("duty.status_invalid", _("待命状态无效。"), "status")
    with transaction.atomic():
        before = member.status
        member.status = status
        member.save(update_fields=["status"])
        audit.record(actor, "duty.tracing_status", member, {"status": [before, status]})
    return member


def activation_start(*, actor: User | None, team: TracingTeam, title: str, groups_needed: int,
                     at: datetime | None = None) -> TracingActivation:
    """Call `groups_needed` groups for an event: free groups with enough members on call,
    first echelon first. Refused (nothing called) when not enough groups are ready."""
    require(is_duty_office(actor) or may_manage(actor, team.unit))
    title = _text(title, field="title", label=_("事件"), limit=200)
    if not 1 <= int(groups_needed) <= MAX_GROUPS:
        raise UserError("duty.groups_needed", _("调用小组数应为 1 至 %(n)s 个。")
                        % {"n": MAX_GROUPS}, "groups_needed")
    at = at or clock.now()
    with transaction.atomic():
        busy = set(TracingActivation.objects.filter(team=team, closed_at__isnull=True)
                   .values_list("groups", flat=True))
        states = [rules.GroupState(g.pk, g.echelon, g.number, g.on_call, g.pk in busy)
                  for g in TracingGroup.objects.filter(team=team).annotate(
                      on_call=Count("members",
                                    filter=Q(members__status=TracingMember.Status.ON_CALL)))]
        picked = rules.pick_groups(states, int(groups_needed), min_on_call=team.min_on_call)
        if len(picked) < int(groups_needed):
            raise UserError("duty.groups_short",
                            _("需要 %(needed)s 个流调小组，目前只有 %(ready)s 个小组空闲且在岗人数"
                              "不少于 %(min)s 人。")
                            % {"needed": groups_needed, "ready": len(picked),
                               "min": team.min_on_call}, "groups_needed")
        activation = TracingActivation.objects.create(team=team, title=title, started_at=at,
                                                      started_by=actor)
        activation.groups.set(picked)
        audit.record(actor, "duty.activation_start", activation, {"groups": picked, "at": at})
    return activation


def _step_time(activation: TracingActivation, at: datetime, after: datetime, label: str) -> None:
    if at < after:
        raise UserError("duty.step_too_early", _("%(label)s不能早于 %(after)s。")
                        % {"label": label,
                           "after": f"{timezone.localtime(after):%Y-%m-%d %H:%M}"}, "at")


def activation_contact(*, actor: User | None, activation: TracingActivation,
                       at: datetime | None = None) -> TracingActivation:
    """Record the first contact with the case or close contacts."""
    require(is_duty_office(actor) or may_manage(actor, activation.team.unit))
    at = at or clock.now()
    with transaction.atomic():
        activation = TracingActivation.objects.select_for_update().get(pk=activation.pk)
        if activation.first_contact_at is not None:
            raise UserError("duty.contact_recorded", _("首次接触时间已登记。"))
        _step_time(activation, at, activation.started_at, _("首次接触时间"))
        activation.first_contact_at = at
        activation.save(update_fields=["first_contact_at"])
        audit.record(actor, "duty.activation_contact", activation, {"at": at})
    return activation


def activation_close(*, actor: User | None, activation: TracingActivation,
                     at: datetime | None = None) -> TracingActivation:
    require(is_duty_office(actor) or may_manage(actor, activation.team.unit))
    at = at or clock.now()
    with transaction.atomic():
        activation = TracingActivation.objects.select_for_update().get(pk=activation.pk)
        if activation.closed_at is not None:
            raise UserError("duty.activation_closed", _("该次流调已结束。"))
        if activation.first_contact_at is None:
            raise UserError("duty.contact_missing", _("请先登记首次接触时间。"))
        _step_time(activation, at, activation.first_contact_at, _("结束时间"))
        activation.closed_at = at
        activation.save(update_fields=["closed_at"])
        audit.record(actor, "duty.activation_close", activation, {"at": at})
    return activation
