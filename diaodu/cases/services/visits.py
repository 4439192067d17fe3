"""Leaders' visits and the instructions given on them."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.locking import check_version, last_audit
from diaodu.core.models import OrgUnit, User
from diaodu.projects.models import Project

from .. import policy
from ..models import (
    Case,
    CaseCategory,
    CaseKind,
    CaseSource,
    Instruction,
    Priority,
    Visit,
)
from .base import (
    choice,
    clean_text,
    today_or_local,
)
from .cases import case_create


def _visit_checked(actor: User | None, *, visited_on: date, kind: str, title: str,
                   leaders: str, today: date | None) -> tuple[str, str]:
    """What a visit's record must be, whoever writes it: the title and leaders, cleaned."""
    policy.require_visit_keeper(actor)
    title = clean_text(title, field="title", label=_("标题"), limit=200)
    leaders = clean_text(leaders, field="leaders", label=_("带队及陪同领导"), limit=300)
    choice(kind, Visit.Kind, field="kind", label=_("类型"))
    if visited_on > today_or_local(today):
        raise UserError("visit.date_in_future", _("调研日期不能晚于今天。"), "visited_on")
    return title, leaders


def visit_create(*, actor: User | None, visited_on: date, kind: str, title: str, leaders: str,
                 projects: Sequence[Project] = (), notes: str = "",
                 instructions: Sequence[str | tuple[str, Project | None]] = (),
                 lead_user: User | None = None, today: date | None = None) -> Visit:
    """Record a leaders' visit with the instructions given on it."""
    title, leaders = _visit_checked(actor, visited_on=visited_on, kind=kind, title=title,
                                    leaders=leaders, today=today)
    items = [(i, None) if isinstance(i, str) else i for i in instructions]
    items = [(text.strip(), project) for text, project in items if text and text.strip()]
    with transaction.atomic():
        visit = Visit.objects.create(visited_on=visited_on, kind=kind, title=title,
                                     leaders=leaders, notes=notes.strip(), lead_user=lead_user,
                                     created_by=actor)
        visit.projects.set(projects)
        Instruction.objects.bulk_create(
            [Instruction(visit=visit, sort=n, text=text, project=project)
             for n, (text, project) in enumerate(items, start=1)])
        audit.record(actor, "visit.create", visit, {
            "visited_on": visited_on, "kind": kind, "projects": [p.pk for p in projects],
            "instructions": len(items)})
    return visit


VISIT_FIELDS = ("visited_on", "kind", "title", "leaders", "notes")


def _visit_record(visit: Visit) -> dict:
    return {**{f: getattr(visit, f) for f in VISIT_FIELDS},
            "projects": sorted(visit.projects.values_list("pk", flat=True))}


def visit_update(*, actor: User | None, visit: Visit, expected_version: int | None,
                 visited_on: date, kind: str, title: str, leaders: str,
                 projects: Sequence[Project] = (), notes: str = "",
                 new_instructions: Sequence[str] = (), today: date | None = None) -> Visit:
    """Correct a visit's record and add instructions given on it that were not written down.
    The instructions already recorded stay as they are: those turned into cases are those
    cases' origin, and a leader's words are not rewritten afterwards."""
    title, leaders = _visit_checked(actor, visited_on=visited_on, kind=kind, title=title,
                                    leaders=leaders, today=today)
    added = [text.strip() for text in new_instructions if text and text.strip()]
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        check_version(visit, expected_version, code="visit.version_conflict",
                      subject=_("该记录"), last_change=lambda: last_audit(visit))
        before = _visit_record(visit)
        visit.visited_on, visit.kind, visit.title = visited_on, kind, title
        visit.leaders, visit.notes = leaders, notes.strip()
        after = {**{f: getattr(visit, f) for f in VISIT_FIELDS},
                 "projects": sorted(p.pk for p in projects)}
        changes = audit.diff(before, after)
        if not changes and not added:
            return visit  # the same form sent again: nothing to record
        visit.version += 1
        visit.save()
        visit.projects.set(projects)
        last = visit.instructions.aggregate(last=Max("sort"))["last"] or 0
        Instruction.objects.bulk_create(
            [Instruction(visit=visit, sort=n, text=text)
             for n, text in enumerate(added, start=last + 1)])
        audit.record(actor, "visit.update", visit,
                     {**changes, "instructions_added": len(added)} if added else changes)
    return visit


def instruction_to_case(*, actor: User | None, instruction: Instruction, lead_unit: OrgUnit,
                        co_units: Sequence[OrgUnit] = (), due_workdays: int | None = None,
                        category: str = CaseCategory.OTHER, priority: str = Priority.NORMAL,
                        today: date | None = None) -> Case:
    """转为督办: the instruction becomes an assigned case (one click on the visit page)."""
    policy.require_visit_keeper(actor)
    with transaction.atomic():
        instruction = Instruction.objects.select_for_update().select_related("visit").get(
            pk=instruction.pk)
        if instruction.case_id:
            raise UserError("instruction.already_case", _("该指示已转为督办事项。"))
        visit = instruction.visit
        case = case_create(
            actor=actor, kind=CaseKind.INSTRUCTION, source=CaseSource.VISIT, visit=visit,
            title=instruction.text[:60], detail=instruction.text, category=category,
            project=instruction.project, lead_unit=lead_unit, co_units=co_units,
            priority=priority, due_workdays=due_workdays, today=today)
        if visit.lead_user_id and case.raised_by_id is None:
            case.raised_by = visit.lead_user
            case.save(update_fields=["raised_by"])
        instruction.case = case
        instruction.save(update_fields=["case"])
        audit.record(actor, "instruction.to_case", instruction, {"case": case})
    return case
