"""Reads of the 督办 engine for users: scoped through core.scoping, de-duplicated (a case can
reach a user through several units), with the joins that keep query counts constant."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from diaodu.core import clock
from diaodu.core.calendar import load_calendar
from diaodu.core.errors import NotFound
from diaodu.core.overdue import is_overdue, overdue_lookup
from diaodu.core.scoping import scope_for
from diaodu.projects.models import Project, TaskForce
from diaodu.projects.selectors import task_forces_seen

from .models import (
    DONE_STATUSES,
    PENDING_STATUSES,
    Approval,
    ApprovalKind,
    Case,
    CaseAction,
    CaseAttachment,
    CaseCategory,
    CaseStatus,
    Instruction,
    Notice,
    Visit,
)


def _scoped(user, model) -> QuerySet:
    """scope_for without duplicate rows from many-to-many scope paths."""
    return model._default_manager.filter(pk__in=scope_for(user, model).values("pk"))


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    unit: int | None = None
    category: str = ""
    kind: str = ""
    overdue: bool | None = None
    project: int | None = None
    q: str = ""


def case_list(*, user, filters: CaseFilters | None = None,
              today: date | None = None) -> QuerySet[Case]:
    """The cases `user` may see (问题台账), filtered."""

    f = filters or CaseFilters()
    today = today or clock.today()
    qs = _scoped(user, Case).select_related("project", "lead_unit", "task_force") \
        .prefetch_related("co_units")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.unit:
        qs = qs.filter(pk__in=Case.objects.filter(Q(lead_unit_id=f.unit)
                                                  | Q(co_units__id=f.unit)).values("pk"))
    if f.category:
        qs = qs.filter(category=f.category)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.project:
        qs = qs.filter(project_id=f.project)
    if f.overdue is True:
        qs = qs.filter(status__in=PENDING_STATUSES, **overdue_lookup("due_on", today))
    elif f.overdue is False:
        qs = qs.exclude(status__in=PENDING_STATUSES, **overdue_lookup("due_on", today))
    if f.q.strip():
        term = f.q.strip()
        qs = qs.filter(Q(title__icontains=term) | Q(detail__icontains=term)
                       | Q(project__name__icontains=term))
    return qs.order_by("-year", "-serial")


def case_get(*, user, pk) -> Case:
    """One case `user` may see, with its log, attachments and notices; else NotFound."""
    try:
        return (_scoped(user, Case)
                .select_related("project__leader", "lead_unit", "task_force", "visit",
                                "raised_by")
                .prefetch_related(
                    "co_units",
                    Prefetch("actions", queryset=CaseAction.objects.select_related(
                        "actor", "actor_unit").prefetch_related("attachments")),
                    Prefetch("notices", queryset=Notice.objects.select_related("addressee")))
                .get(pk=pk))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def attachment_get(*, user, pk) -> CaseAttachment:
    try:
        attachment = CaseAttachment.objects.select_related("action").get(pk=pk)
    except (CaseAttachment.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    if not scope_for(user, Case).filter(pk=attachment.action.case_id).exists():
        raise NotFound
    return attachment


def notice_get(*, user, pk) -> Notice:
    try:
        return _scoped(user, Notice).select_related("case__project", "addressee").get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


@dataclass
class Kpi:
    label: str
    total: int = 0
    closed: int = 0
    done: int = 0
    overdue: int = 0
    workdays: int = 0

    @property
    def closure_rate(self) -> float | None:
        return round(100 * self.closed / self.total, 1) if self.total else None

    @property
    def average_workdays(self) -> float | None:
        return round(self.workdays / self.done, 1) if self.done else None


def case_kpis(*, user, today: date | None = None) -> dict:
    """Closure rate, overdue count and average working days to resolve, overall and by lead
    unit and category, over the cases `user` may see (one query)."""

    today = today or clock.today()
    calendar = load_calendar()
    rows = _scoped(user, Case).values_list(
        "status", "category", "lead_unit__short_name", "lead_unit__name", "assigned_on",
        "resolved_on", "due_on")
    overall = Kpi(label="")
    by_unit: dict[str, Kpi] = {}
    by_category: dict[str, Kpi] = {}
    labels = dict(CaseCategory.choices)
    for status, category, short, name, assigned, resolved, due in rows:
        unit_label = short or name or "—"
        for kpi in (overall, by_unit.setdefault(unit_label, Kpi(unit_label)),
                    by_category.setdefault(category, Kpi(str(labels.get(category, category))))):
            kpi.total += 1
            if status == CaseStatus.CLOSED:
                kpi.closed += 1
            if status in PENDING_STATUSES and is_overdue(due, today):
                kpi.overdue += 1
            if status in DONE_STATUSES and assigned and resolved:
                kpi.done += 1
                kpi.workdays += calendar.workdays_between(assigned, resolved)
    return {"overall": overall,
            "by_unit": sorted(by_unit.values(), key=lambda k: (-k.total, k.label)),
            "by_category": sorted(by_category.values(), key=lambda k: (-k.total, k.label))}


def visit_list(*, user) -> QuerySet[Visit]:
    return (_scoped(user, Visit).prefetch_related("projects")
            .annotate(instruction_count=Count("instructions"))
            .order_by("-visited_on", "-id"))


def _instructions(user) -> QuerySet[Instruction]:
    """Instructions the user may read: those about a project in scope (or whose case their
    unit leads), and the general ones — no project — of a visit in scope."""
    general = Instruction.objects.filter(
        project__isnull=True, visit__in=scope_for(user, Visit).values("pk")).values("pk")
    return Instruction.objects.filter(
        Q(pk__in=scope_for(user, Instruction).values("pk")) | Q(pk__in=general))


def visit_get(*, user, pk) -> Visit:
    """A visit with the instructions the user may read (`visible_instructions`, each with
    `case_visible`) and how many others it holds (`hidden_instruction_count`)."""
    try:
        instructions = _instructions(user).select_related("project", "case__lead_unit")
        visit = (_scoped(user, Visit).select_related("lead_user")
                 .annotate(instruction_total=Count("instructions"))
                 # Only the projects the reader may open are listed (and linked).
                 .prefetch_related(
                     Prefetch("projects", queryset=_scoped(user, Project)),
                     Prefetch("instructions", to_attr="visible_instructions",
                              queryset=instructions.order_by("sort", "id")))
                 .get(pk=pk))
    except (Visit.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None
    cases = [i.case_id for i in visit.visible_instructions if i.case_id]
    # The case made of an instruction may be led by a unit the reader is not: no link then.
    seen = set(_scoped(user, Case).filter(pk__in=cases).values_list("pk", flat=True)) \
        if cases else set()
    for instruction in visit.visible_instructions:
        instruction.case_visible = instruction.case_id in seen
    visit.hidden_instruction_count = visit.instruction_total - len(visit.visible_instructions)
    return visit


def instruction_get(*, user, pk) -> Instruction:
    try:
        return _instructions(user).select_related("visit").get(pk=pk)
    except (Instruction.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None


@dataclass(frozen=True)
class ApprovalFilters:
    year: int | None = None
    quarter: int | None = None
    kind: str = ""


def approval_list(*, user, filters: ApprovalFilters | None = None) -> QuerySet[Approval]:
    f = filters or ApprovalFilters()
    qs = _scoped(user, Approval).select_related("project")
    if f.year:
        qs = qs.filter(year=f.year)
    if f.quarter:
        qs = qs.filter(received_on__month__gte=3 * f.quarter - 2,
                       received_on__month__lte=3 * f.quarter)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs.order_by("-received_on", "-id")


def approval_get(*, user, pk) -> Approval:
    try:
        return _scoped(user, Approval).select_related("project").get(pk=pk)
    except (Approval.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def approval_kpis(approvals: QuerySet[Approval]) -> dict:
    """Items handled, on-time rate and average working days, overall and by kind."""
    rows = approvals.order_by().values("kind").annotate(
        total=Count("id"), completed=Count("id", filter=Q(completed_on__isnull=False)),
        on_time=Count("id", filter=Q(on_time=True)))
    days = {}
    for kind, used in approvals.order_by().filter(workdays_used__isnull=False) \
            .values_list("kind", "workdays_used"):
        days.setdefault(kind, []).append(used)
    labels = dict(ApprovalKind.choices)
    by_kind = []
    for row in sorted(rows, key=lambda r: list(labels).index(r["kind"])):
        used = days.get(row["kind"], [])
        by_kind.append({**row, "label": labels[row["kind"]],
                        "rate": _rate(row["on_time"], row["completed"]),
                        "average_workdays": round(sum(used) / len(used), 1) if used else None})
    total = sum(r["total"] for r in by_kind)
    completed = sum(r["completed"] for r in by_kind)
    on_time = sum(r["on_time"] for r in by_kind)
    all_days = [d for values in days.values() for d in values]
    return {"total": total, "completed": completed, "on_time": on_time,
            "rate": _rate(on_time, completed),
            "approvals": sum(r["total"] for r in by_kind if r["kind"] in (
                ApprovalKind.APPROVAL, ApprovalKind.RATIFICATION)),
            "filings": sum(r["total"] for r in by_kind if r["kind"] in (
                ApprovalKind.FILING, ApprovalKind.NOTIFICATION_FILING)),
            "average_workdays": round(sum(all_days) / len(all_days), 1) if all_days else None,
            "by_kind": by_kind}


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def task_force_list(*, user) -> QuerySet[TaskForce]:
    """The task forces `user` may see, with their counts of projects and cases."""
    return (task_forces_seen(user=user).select_related("lead_unit", "leader")
            .annotate(project_count=Count("projects", distinct=True),
                      case_count=Count("cases", distinct=True),
                      closed_count=Count("cases", filter=Q(cases__status=CaseStatus.CLOSED),
                                         distinct=True))
            .order_by("name"))


def task_force_cases(*, user, task_force: TaskForce) -> QuerySet[Case]:
    return (_scoped(user, Case).filter(task_force=task_force)
            .select_related("project", "lead_unit").order_by("-year", "-serial"))
