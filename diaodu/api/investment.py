"""Rounds, progress reports and KPIs: the same services and scoped selectors as the pages."""

from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from diaodu.investment import selectors, services

from .pagination import Pages
from .schemas import (
    Error,
    KpisOut,
    Pk,
    ReportOut,
    ReportSave,
    ReturnIn,
    RoundOut,
    VersionIn,
)

router = Router(tags=["investment"])
ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}


@router.get("/rounds", response=list[RoundOut], url_name="round_list")
@paginate(Pages)
def round_list(request):
    return selectors.round_list(user=request.auth)


@router.get("/rounds/{round_id}", response={200: RoundOut, 404: Error}, url_name="round_detail")
def round_detail(request, round_id: Path[Pk]):
    return selectors.round_get(user=request.auth, pk=round_id)


class ReportQuery(Schema):
    round: Pk | None = None
    status: str = Field("", max_length=16)
    mine: bool = False


@router.get("/reports", response=list[ReportOut], url_name="report_list")
@paginate(Pages)
def report_list(request, filters: Query[ReportQuery]):
    return selectors.report_list(user=request.auth, round_id=filters.round,
                                 status=filters.status, mine=filters.mine)


@router.get("/reports/{report_id}", response={200: ReportOut, 404: Error},
            url_name="report_detail")
def report_detail(request, report_id: Path[Pk]):
    return selectors.report_get(user=request.auth, pk=report_id, adjustments=False, page=False)


def _after(request, report):
    """The report as the step stored it: the services return it with what ReportOut reads
    (round, project and unit, read under the step's lock), so it is not read again."""
    return report


@router.put("/reports/{report_id}", response={200: ReportOut, **ERRORS}, url_name="report_save")
def report_save(request, report_id: Path[Pk], payload: ReportSave):
    """Fill in a draft or returned report; `submit: true` also submits it. (The service
    reads the report under its lock and answers 404 to whoever may not fill it.)"""
    report = services.report_save(
        actor=request.auth, report=report_id, expected_version=payload.expected_version,
        completed_in_period=payload.completed_in_period,
        cumulative_completed=payload.cumulative_completed,
        physical_progress=payload.physical_progress, issues=payload.issues,
        submit=payload.submit)
    return _after(request, report)


@router.post("/reports/{report_id}/submit", response={200: ReportOut, **ERRORS},
             url_name="report_submit")
def report_submit(request, report_id: Path[Pk], payload: VersionIn):
    report = services.report_submit(actor=request.auth, report=report_id,
                                    expected_version=payload.expected_version)
    return _after(request, report)


@router.post("/reports/{report_id}/unit-approve", response={200: ReportOut, **ERRORS},
             url_name="report_unit_approve")
def report_unit_approve(request, report_id: Path[Pk], payload: VersionIn):
    """The unit head's approval before the DRC's review."""
    report = selectors.report_get(user=request.auth, pk=report_id, adjustments=False, page=False)
    report = services.report_unit_approve(actor=request.auth, report=report,
                                          expected_version=payload.expected_version)
    return _after(request, report)


@router.post("/reports/{report_id}/approve", response={200: ReportOut, **ERRORS},
             url_name="report_approve")
def report_approve(request, report_id: Path[Pk], payload: VersionIn):
    """The dispatcher's final approval."""
    report = selectors.report_get(user=request.auth, pk=report_id, adjustments=False, page=False)
    report = services.report_approve(actor=request.auth, report=report,
                                     expected_version=payload.expected_version)
    return _after(request, report)


@router.post("/reports/{report_id}/return", response={200: ReportOut, **ERRORS},
             url_name="report_return")
def report_return(request, report_id: Path[Pk], payload: ReturnIn):
    """Send a report back with the reason (unit head or dispatcher)."""
    report = selectors.report_get(user=request.auth, pk=report_id, adjustments=False, page=False)
    report = services.report_return(actor=request.auth, report=report, reason=payload.reason,
                                    expected_version=payload.expected_version)
    return _after(request, report)


class KpiQuery(Schema):
    year: int = Field(..., ge=2000, le=2100)
    month: int = Field(..., ge=1, le=12)


@router.get("/kpis", response={200: KpisOut, 400: Error}, url_name="kpis")
def kpis(request, params: Query[KpiQuery]):
    """Annual completion and time progress at a month's end, within the caller's scope."""
    return selectors.year_kpis(user=request.auth, year=params.year, month=params.month)
