"""Annual investment plans: read through the scoped selectors, written through the same plan
services as the admin (create a draft, approve, adjust with a reason once approved)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from diaodu.investment import selectors, services
from diaodu.projects.selectors import project_get

from .pagination import Pages
from .schemas import Error, LongText, Money, Pk, Strict, Version

router = Router(tags=["plans"])
ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}
Year = Annotated[int, Field(ge=2000, le=2100)]
Targets = Annotated[list[Money], Field(max_length=12)]


class PlanOut(Schema):
    id: int
    project_id: int
    project: str = Field(alias="project.name")
    year: int
    planned_investment: Decimal
    monthly_targets: list[str]
    status: str
    approved_at: datetime | None
    version: int


class PlanQuery(Schema):
    year: Year | None = None
    project: Pk | None = None
    status: Annotated[str, StringConstraints(max_length=16)] = ""


class PlanCreate(Strict):
    project: Pk
    year: Year
    planned_investment: Money
    monthly_targets: Targets | None = None


class PlanAdjust(Strict):
    expected_version: Version
    planned_investment: Money
    reason: LongText = ""
    monthly_targets: Targets | None = None


@router.get("/plans", response=list[PlanOut], url_name="plan_list")
@paginate(Pages)
def plan_list(request, filters: Query[PlanQuery]):
    return selectors.plan_list(user=request.auth, year=filters.year, project=filters.project,
                               status=filters.status)


@router.get("/plans/{plan_id}", response={200: PlanOut, 404: Error}, url_name="plan_detail")
def plan_detail(request, plan_id: Path[Pk]):
    return selectors.plan_get(user=request.auth, pk=plan_id)


@router.post("/plans", response={201: PlanOut, **ERRORS}, url_name="plan_create")
def plan_create(request, payload: PlanCreate):
    """A draft plan for a project the caller sees (dispatchers); targets default to an even
    spread of the annual figure."""
    project = project_get(user=request.auth, pk=payload.project)
    plan = services.annual_plan_create(
        actor=request.auth, project=project, year=payload.year,
        planned_investment=payload.planned_investment, monthly_targets=payload.monthly_targets)
    return Status(201, selectors.plan_get(user=request.auth, pk=plan.pk))


@router.post("/plans/{plan_id}/approve", response={200: PlanOut, **ERRORS},
             url_name="plan_approve")
def plan_approve(request, plan_id: Path[Pk]):
    plan = selectors.plan_get(user=request.auth, pk=plan_id)
    services.annual_plan_approve(actor=request.auth, plan=plan)
    return selectors.plan_get(user=request.auth, pk=plan.pk)


@router.post("/plans/{plan_id}/adjust", response={200: PlanOut, **ERRORS},
             url_name="plan_adjust")
def plan_adjust(request, plan_id: Path[Pk], payload: PlanAdjust):
    """Change the figure (an approved plan needs a reason, kept as an adjustment); a stale
    `expected_version` is 409."""
    plan = selectors.plan_get(user=request.auth, pk=plan_id)
    services.annual_plan_adjust(
        actor=request.auth, plan=plan, planned_investment=payload.planned_investment,
        reason=payload.reason, monthly_targets=payload.monthly_targets,
        expected_version=payload.expected_version)
    return selectors.plan_get(user=request.auth, pk=plan.pk)
