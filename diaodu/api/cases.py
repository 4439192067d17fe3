"""督办 cases: the problem ledger the caller may see (read only here)."""

from datetime import date

from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from diaodu.cases import selectors
from diaodu.cases.selectors import CaseFilters

from .pagination import Pages
from .schemas import Error, Pk, UnitRef

router = Router(tags=["cases"])


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

    @staticmethod
    def resolve_co_unit_ids(case) -> list[int]:
        return [unit.pk for unit in case.co_units.all()]


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
