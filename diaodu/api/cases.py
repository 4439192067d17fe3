"""督办 cases: the problem ledger the caller may see, and each step of a case (register,
assign, reply, resolve, verify, close) through the same case services as the pages."""

from datetime import date
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from diaodu.cases import policy, selectors, services
from diaodu.cases.forms import units
from diaodu.cases.selectors import CaseFilters
from diaodu.core.errors import UserError
from diaodu.projects.selectors import project_get

from .pagination import Pages
from .schemas import Day, Error, LongText, Pk, ShortText, Strict, UnitRef, Version

router = Router(tags=["cases"])
ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}
Code = Annotated[str, StringConstraints(max_length=16)]
Text = Annotated[str, StringConstraints(max_length=4000)]
Workdays = Annotated[int, Field(ge=1, le=1000)]


class CaseOut(Schema):
    id: int
    number: str
    kind: str
    title: str
    detail: str
    project_id: int | None
    category: str
    source: str
    lead_unit: UnitRef | None
    co_unit_ids: list[int]
    priority: str
    status: str
    raised_on: date
    assigned_on: date | None
    due_on: date | None
    resolved_on: date | None
    closed_on: date | None
    escalation_level: int
    version: int
    allowed_steps: list[str] = Field(
        description="The steps the caller may take now (assign, reply, resolve, verify, close, "
                    "notice, comment), from the same policy the services enforce")

    @staticmethod
    def resolve_co_unit_ids(case) -> list[int]:
        return [unit.pk for unit in case.co_units.all()]

    @staticmethod
    def resolve_allowed_steps(case, context) -> list[str]:
        return policy.allowed_steps(context["request"].auth, case)


class CaseQuery(Schema):
    status: str = Field("", max_length=16)
    unit: Pk | None = None
    category: str = Field("", max_length=16)
    kind: str = Field("", max_length=16)
    overdue: bool | None = None
    project: Pk | None = None
    q: str = Field("", max_length=100)


@router.get("/cases", response=list[CaseOut], url_name="case_list")
@paginate(Pages)
def case_list(request, filters: Query[CaseQuery]):
    return selectors.case_list(user=request.auth, filters=CaseFilters(**filters.dict()))


@router.get("/cases/{case_id}", response={200: CaseOut, 404: Error}, url_name="case_detail")
def case_detail(request, case_id: Path[Pk]):
    return selectors.case_get(user=request.auth, pk=case_id)


class Assignment(Strict):
    lead_unit: Pk
    co_units: Annotated[list[Pk], Field(max_length=50)] = []
    due_workdays: Workdays | None = None
    due_on: Day | None = None


class CaseCreate(Strict):
    title: ShortText
    kind: Code = "problem"
    detail: LongText = ""
    category: Code = "other"
    source: Code = "leader"
    priority: Code = "normal"
    project: Pk | None = None
    lead_unit: Pk | None = None
    co_units: Annotated[list[Pk], Field(max_length=50)] = []
    due_workdays: Workdays | None = None
    due_on: Day | None = None


class CaseAssign(Assignment):
    expected_version: Version


class CaseReply(Strict):
    text: Text


class CaseResolve(Strict):
    expected_version: Version
    text: Text
    resolved_on: Day | None = None


class CaseVerify(Strict):
    expected_version: Version
    passed: bool
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


class CaseClose(Strict):
    expected_version: Version
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


def _units(pks: list[int], field: str) -> list:
    """The units a case may be given to (departments, streets, communities), in input order;
    an unknown id is a field error."""
    found = {unit.pk: unit for unit in units().filter(pk__in=pks)}
    missing = [pk for pk in pks if pk not in found]
    if missing:
        raise UserError("case.unit_unknown", _("单位不存在或不能承办事项：%(ids)s")
                        % {"ids": "、".join(map(str, missing))}, field)
    return [found[pk] for pk in dict.fromkeys(pks)]


def _assignment(data: dict) -> dict:
    lead = data.pop("lead_unit")
    data["lead_unit"] = _units([lead], "lead_unit")[0] if lead is not None else None
    data["co_units"] = _units(data["co_units"], "co_units")
    return data


def _after(request, case):
    return selectors.case_get(user=request.auth, pk=case.pk)


@router.post("/cases", response={201: CaseOut, **ERRORS}, url_name="case_create")
def case_create(request, payload: CaseCreate):
    """Register a case; with a lead unit it is assigned at once (supervisors, unit heads and
    task forces), otherwise it waits for a dispatcher."""
    data = _assignment(payload.model_dump())
    if data["project"] is not None:
        data["project"] = project_get(user=request.auth, pk=data["project"])
    case = services.case_create(actor=request.auth, **data)
    # The service's own object: a reporter's unassigned case is not yet in their unit's
    # scope (it waits for a dispatcher), but what they just wrote is theirs to see.
    return Status(201, case)


@router.post("/cases/{case_id}/assign", response={200: CaseOut, **ERRORS},
             url_name="case_assign")
def case_assign(request, case_id: Path[Pk], payload: CaseAssign):
    """交办 or re-assign to a lead unit with co-operating units and a deadline."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    case = services.case_assign(actor=request.auth, case=case,
                                **_assignment(payload.model_dump()))
    return _after(request, case)


@router.post("/cases/{case_id}/reply", response={200: CaseOut, **ERRORS},
             url_name="case_reply")
def case_reply(request, case_id: Path[Pk], payload: CaseReply):
    """A lead or co-operating unit reports progress (attachments: on the page)."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    services.case_reply(actor=request.auth, case=case, text=payload.text)
    return _after(request, case)


@router.post("/cases/{case_id}/resolve", response={200: CaseOut, **ERRORS},
             url_name="case_resolve")
def case_resolve(request, case_id: Path[Pk], payload: CaseResolve):
    """The lead unit reports the matter settled."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    case = services.case_resolve(actor=request.auth, case=case, text=payload.text,
                                 resolved_on=payload.resolved_on,
                                 expected_version=payload.expected_version)
    return _after(request, case)


@router.post("/cases/{case_id}/verify", response={200: CaseOut, **ERRORS},
             url_name="case_verify")
def case_verify(request, case_id: Path[Pk], payload: CaseVerify):
    """核查 (supervisors): pass, or return to the lead unit with a reason in `note`."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    case = services.case_verify(actor=request.auth, case=case, passed=payload.passed,
                                note=payload.note, expected_version=payload.expected_version)
    return _after(request, case)


@router.post("/cases/{case_id}/close", response={200: CaseOut, **ERRORS},
             url_name="case_close")
def case_close(request, case_id: Path[Pk], payload: CaseClose):
    """销号 a verified case (supervisors)."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    case = services.case_close(actor=request.auth, case=case, note=payload.note,
                               expected_version=payload.expected_version)
    return _after(request, case)
