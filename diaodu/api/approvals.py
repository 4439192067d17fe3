"""Approval items (审批/核准/备案/告知性备案) against their legal time limits: read through the
scoped selectors, registered and completed through the same services as the pages."""

from datetime import date
from typing import Annotated

from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from diaodu.cases import selectors, services
from diaodu.cases.selectors import ApprovalFilters
from diaodu.projects.selectors import project_get

from .pagination import Pages
from .schemas import Day, Error, Pk, ShortText, Strict

router = Router(tags=["approvals"])
ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}
Code = Annotated[str, StringConstraints(max_length=24)]


class ApprovalOut(Schema):
    id: int
    year: int
    item: str
    applicant: str
    project_id: int | None
    kind: str
    received_on: date
    time_limit: int
    due_on: date
    completed_on: date | None
    workdays_used: int | None
    on_time: bool | None
    result: str
    document_no: str


class ApprovalQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)
    kind: Code = ""


class ApprovalCreate(Strict):
    item: ShortText
    kind: Code
    received_on: Day
    project: Pk | None = None
    applicant: ShortText = ""
    time_limit: int | None = Field(None, ge=0, le=120)
    completed_on: Day | None = None
    result: Code = ""
    document_no: Annotated[str, StringConstraints(max_length=100)] = ""


class ApprovalComplete(Strict):
    completed_on: Day
    result: Code
    document_no: Annotated[str, StringConstraints(max_length=100)] = ""


@router.get("/approvals", response=list[ApprovalOut], url_name="approval_list")
@paginate(Pages)
def approval_list(request, filters: Query[ApprovalQuery]):
    return selectors.approval_list(user=request.auth, filters=ApprovalFilters(**filters.dict()))


@router.get("/approvals/{approval_id}", response={200: ApprovalOut, 404: Error},
            url_name="approval_detail")
def approval_detail(request, approval_id: Path[Pk]):
    return selectors.approval_get(user=request.auth, pk=approval_id)


@router.post("/approvals", response={201: ApprovalOut, **ERRORS}, url_name="approval_create")
def approval_create(request, payload: ApprovalCreate):
    """Register an item (dispatchers); a 告知性备案 completes on receipt."""
    data = payload.model_dump()
    if data["project"] is not None:
        data["project"] = project_get(user=request.auth, pk=data["project"])
    approval = services.approval_create(actor=request.auth, **data)
    return Status(201, selectors.approval_get(user=request.auth, pk=approval.pk))


@router.post("/approvals/{approval_id}/complete", response={200: ApprovalOut, **ERRORS},
             url_name="approval_complete")
def approval_complete(request, approval_id: Path[Pk], payload: ApprovalComplete):
    """办结: working days used and on-time are computed from the calendar."""
    approval = selectors.approval_get(user=request.auth, pk=approval_id)
    services.approval_complete(actor=request.auth, approval=approval, **payload.model_dump())
    return selectors.approval_get(user=request.auth, pk=approval.pk)
