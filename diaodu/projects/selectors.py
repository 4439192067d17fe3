"""Reads of the project ledger for users: always scoped (core.scoping), with the joins that
keep the number of queries constant."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from diaodu.core.errors import NotFound
from diaodu.core.scoping import scope_for

from .models import CampaignEntry, Project, TaskForce, level_rank


@dataclass(frozen=True)
class ProjectFilters:
    level: str = ""
    stage: str = ""
    unit: int | None = None
    street: int | None = None
    category: int | None = None
    whitelist: bool | None = None
    campaign: int | None = None
    q: str = ""


def project_list(*, user, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """The projects `user` may see, filtered."""
    f = filters or ProjectFilters()
    qs = scope_for(user, Project).select_related(
        "category", "responsible_unit", "street", "leader")
    if f.level:
        qs = qs.filter(level=f.level)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.unit:
        qs = qs.filter(responsible_unit_id=f.unit)
    if f.street:
        qs = qs.filter(street_id=f.street)
    if f.category:
        qs = qs.filter(category_id=f.category)
    if f.whitelist is not None:
        qs = qs.filter(on_whitelist=f.whitelist)
    if f.campaign:
        qs = qs.filter(Exists(CampaignEntry.objects.filter(project=OuterRef("pk"),
                                                           campaign_id=f.campaign)))
    if f.q.strip():
        term = f.q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(code__icontains=term.upper()))
    return qs.order_by(level_rank(), "-total_investment", "id")


def project_get(*, user, pk) -> Project:
    """One project `user` may see, or NotFound (never 'forbidden': no existence leak)."""
    try:
        return (scope_for(user, Project)
                .select_related("category", "responsible_unit", "street", "leader")
                .prefetch_related("campaign_entries__campaign")
                .get(pk=pk))
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def campaign_entry_list(*, user) -> QuerySet[CampaignEntry]:
    return scope_for(user, CampaignEntry).select_related("campaign", "project")


def task_forces_seen(*, user) -> QuerySet[TaskForce]:
    """The task forces `user` may see, one row each (the member rule joins members)."""
    return TaskForce.objects.filter(pk__in=scope_for(user, TaskForce).values("pk"))


def task_force_get(*, user, pk) -> TaskForce:
    """One task force `user` may see, with its people, units and projects; else NotFound."""
    try:
        return (task_forces_seen(user=user).select_related("lead_unit", "leader")
                .prefetch_related("members__unit", "member_units",
                                  "projects__responsible_unit")
                .get(pk=pk))
    except (TaskForce.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
