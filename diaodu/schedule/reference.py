"""Reference data of schedules, kept in the admin: the milestone-type list and the schedule
templates (activities and links between positions, checked for cycles with cpm.py)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import User

from . import cpm, policy
from .models import LinkKind, MilestoneType, ScheduleTemplate, TemplateItem, TemplateLink

MAX_DURATION = 5000  # working days, about twenty years


def cycle_error(error: cpm.CycleError, names: dict[int, str]) -> UserError:
    chain = " → ".join(names.get(k, str(k)) for k in [*error.keys, error.keys[0]])
    return UserError("schedule.cycle",
                     _("节点关系形成循环，无法排定工期：%(chain)s。请删除其中一条关系。")
                     % {"chain": chain}, "predecessor")



def milestone_type_save(*, actor: User | None, instance: MilestoneType | None = None,
                        code: str, name: str, default_duration: int, is_key: bool = False,
                        sort: int = 0, active: bool = True) -> MilestoneType:
    """Create or edit an entry of the managed milestone-type list."""
    policy.require_template_keeper(actor)
    name = (name or "").strip()
    if not name:
        raise UserError("schedule.name_required", _("请填写节点名称。"), "name")
    if int(default_duration) < 0:
        raise UserError("schedule.duration_negative", _("工期不能为负数：%(name)s")
                        % {"name": name}, "default_duration")
    with transaction.atomic():
        clash = MilestoneType.objects.filter(name=name)
        if instance is not None and instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise UserError("schedule.milestone_type_duplicate",
                            _("节点类型 %(name)s 已存在。") % {"name": name}, "name")
        mtype = instance if instance is not None and instance.pk else MilestoneType()
        before = {f: getattr(mtype, f, None) for f in
                  ("code", "name", "default_duration", "is_key", "sort", "active")}
        mtype.code, mtype.name, mtype.default_duration = code, name, int(default_duration)
        mtype.is_key, mtype.sort, mtype.active = bool(is_key), int(sort), bool(active)
        mtype.save()
        after = {f: getattr(mtype, f) for f in before}
        audit.record(actor, "milestone_type.save", mtype, audit.diff(before, after))
    return mtype


def template_save(*, actor: User | None, instance: ScheduleTemplate | None = None,
                  code: str, name: str, category=None, description: str = "",
                  active: bool = True, items: list[dict[str, Any]],
                  links: list[dict[str, Any]]) -> ScheduleTemplate:
    """Create or replace a schedule template with its activities and links, all or nothing.

    items: [{position, milestone_type, duration (None = the type's default)}];
    links: [{predecessor, successor, kind, lag}] between item positions. The links must form
    no cycle (checked with cpm.py), so applying the template can never fail on its network.
    """
    policy.require_template_keeper(actor)
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        raise UserError("schedule.name_required", _("请填写模板名称。"), "name")
    if not items:
        raise UserError("schedule.template_empty", _("模板至少要有一个节点。"), "items")
    positions: dict[int, MilestoneType] = {}
    for row, item in enumerate(items, start=1):
        position, duration = item["position"], item.get("duration")
        if position in positions:
            raise UserError("schedule.template_position_duplicate",
                            _("模板节点第 %(row)s 行：序号 %(position)s 重复。")
                            % {"row": row, "position": position}, "items", row)
        if duration is not None and not 0 <= int(duration) <= MAX_DURATION:
            raise UserError("schedule.duration_invalid",
                            _("模板节点第 %(row)s 行：工期应在 0 到 %(max)s 个工作日之间。")
                            % {"row": row, "max": MAX_DURATION}, "items", row)
        positions[position] = item["milestone_type"]
    network_links = []
    for row, link in enumerate(links, start=1):
        for end in ("predecessor", "successor"):
            if link[end] not in positions:
                raise UserError("schedule.template_link_unknown",
                                _("模板关系第 %(row)s 行：没有序号为 %(position)s 的节点。")
                                % {"row": row, "position": link[end]}, "links", row)
        if link["predecessor"] == link["successor"]:
            raise UserError("schedule.link_to_itself",
                            _("模板关系第 %(row)s 行：节点不能与自身建立关系。") % {"row": row},
                            "links", row)
        if link["kind"] not in LinkKind.values or abs(int(link["lag"])) > MAX_DURATION:
            raise UserError("schedule.link_kind_invalid",
                            _("模板关系第 %(row)s 行：关系类型应为FS、SS、FF或SF，"
                              "间隔为整数个工作日。") % {"row": row}, "links", row)
        network_links.append(cpm.Link(link["predecessor"], link["successor"], link["kind"],
                                      int(link["lag"])))
    try:
        cpm.schedule([cpm.Activity(key=p, duration=0) for p in positions], network_links)
    except cpm.CycleError as error:
        names = {p: f"{p}. {mtype.name}" for p, mtype in positions.items()}
        raise cycle_error(error, names) from None
    with transaction.atomic():
        template = instance if instance is not None and instance.pk else ScheduleTemplate()
        for field, value in (("name", name), ("code", code)):
            clash = ScheduleTemplate.objects.filter(**{field: value})
            if template.pk:
                clash = clash.exclude(pk=template.pk)
            if clash.exists():
                raise UserError("schedule.template_duplicate",
                                _("已有同名或同代码的模板：%(value)s。") % {"value": value},
                                field)
        before = _template_snapshot(template) if template.pk else {}
        template.code, template.name, template.category = code, name, category
        template.description, template.active = description or "", bool(active)
        template.save()
        template.items.all().delete()
        template.links.all().delete()
        TemplateItem.objects.bulk_create([
            TemplateItem(template=template, position=item["position"],
                         milestone_type=item["milestone_type"], duration=item.get("duration"))
            for item in items])
        TemplateLink.objects.bulk_create([
            TemplateLink(template=template, predecessor=link["predecessor"],
                         successor=link["successor"], kind=link["kind"], lag=int(link["lag"]))
            for link in links])
        audit.record(actor, "schedule_template.save", template,
                     audit.diff(before, _template_snapshot(template)))
    return template


def _template_snapshot(template: ScheduleTemplate) -> dict[str, Any]:
    return {
        "code": template.code, "name": template.name, "category": str(template.category or ""),
        "description": template.description, "active": template.active,
        "items": [f"{i.position}. {i.milestone_type.name} "
                  f"{'' if i.duration is None else i.duration}".rstrip()
                  for i in template.items.select_related("milestone_type").order_by("position")],
        "links": [f"{lk.predecessor}→{lk.successor} {lk.kind}{lk.lag:+d}"
                  for lk in template.links.order_by("predecessor", "successor", "kind")],
    }
