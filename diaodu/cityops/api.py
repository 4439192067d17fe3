"""The events API (list, report, get, act) and Open311 GeoReport v2 (services, requests: list,
create, get), added to the project's API (/api/v1/) by CityopsConfig.ready. Both call the
same selectors and services as the pages; scope and policy decide as there (another street's
event is 404, a step out of order 400 naming the stage)."""

import json
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints
from pydantic import ValidationError as PydanticError

from diaodu.api.pagination import Pages
from diaodu.api.schemas import Error, LongText, Pk, ShortText, Strict, UnitRef, Version
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, UnitKind
from diaodu.core.roles import role_of

from . import policy, selectors, services
from .models import Event, Stage
from .selectors import EventFilters

router = Router(tags=["events"])
open311_router = Router(tags=["open311"])
ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}
Code = Annotated[str, StringConstraints(max_length=16)]
Note = Annotated[str, StringConstraints(max_length=2000)]


class EventOut(Schema):
    id: int
    number: str
    title: str
    detail: str
    category: str
    category_name: str
    stage: str
    grid: UnitRef
    street: UnitRef
    lead_unit: UnitRef | None
    address: str
    lat: Decimal | None
    lon: Decimal | None
    gps_outside_grid: bool | None
    exif_missing: bool
    reported_at: datetime
    step_due_at: datetime | None
    escalation: int
    city_reported_at: datetime | None
    satisfaction: int | None
    version: int
    allowed_steps: list[str] = Field(
        description="The steps the caller may take now (accept, reject, dispatch, handle, "
                    "verify, close, evaluate, city), from the policy the services enforce")

    @staticmethod
    def resolve_id(event) -> int:
        return event.pk

    @staticmethod
    def resolve_number(event) -> str:
        return event.case.number

    @staticmethod
    def resolve_title(event) -> str:
        return event.case.title

    @staticmethod
    def resolve_detail(event) -> str:
        return event.case.detail

    @staticmethod
    def resolve_category(event) -> str:
        return event.category.code

    @staticmethod
    def resolve_category_name(event) -> str:
        return event.category.name

    @staticmethod
    def resolve_lead_unit(event):
        return event.case.lead_unit

    @staticmethod
    def resolve_version(event) -> int:
        return event.case.version

    @staticmethod
    def resolve_allowed_steps(event, context) -> list[str]:
        return policy.allowed_steps(context["request"].auth, event)


class EventQuery(Schema):
    street: Pk | None = None
    grid: Pk | None = None
    stage: str = Field("", max_length=16)
    category: str = Field("", max_length=16)
    overdue: bool = False
    q: str = Field("", max_length=100)


@router.get("/events", response=list[EventOut], url_name="event_list")
@paginate(Pages)
def event_list(request, filters: Query[EventQuery]):
    return selectors.event_list(user=request.auth, filters=EventFilters(**filters.dict()))


@router.get("/events/{event_id}", response={200: EventOut, 404: Error}, url_name="event_detail")
def event_detail(request, event_id: Path[Pk]):
    return selectors.event_get(user=request.auth, pk=event_id)


class EventCreate(Strict):
    grid: Pk
    category: Code
    detail: LongText
    title: ShortText = ""
    address: ShortText = ""
    lat: Decimal | None = Field(None, ge=-90, le=90)
    lon: Decimal | None = Field(None, ge=-180, le=180)


def _grid(pk: int) -> OrgUnit:
    grid = OrgUnit.objects.filter(pk=pk, kind__in=[UnitKind.GRID, UnitKind.MICRO_GRID]).first()
    if grid is None:
        raise UserError("event.grid_unknown", _("网格不存在：%(id)s") % {"id": pk}, "grid")
    return grid


@router.post("/events", response={201: EventOut, **ERRORS}, url_name="event_create")
def event_create(request, payload: EventCreate):
    """上报 an event in one of the caller's grids (grid workers, street centres)."""
    data = payload.model_dump()
    event = services.event_report(actor=request.auth, grid=_grid(data.pop("grid")), **data)
    return Status(201, selectors.event_get(user=request.auth, pk=event.pk))


class EventAct(Strict):
    step: Annotated[str, StringConstraints(max_length=16)]
    expected_version: Version
    note: Note = ""
    reason: Annotated[str, StringConstraints(max_length=200)] = ""
    result: Note = ""
    lead_unit: Pk | None = None
    co_units: Annotated[list[Pk], Field(max_length=50)] = []
    passed: bool = True
    satisfaction: int | None = Field(None, ge=1, le=3)


def _units(pks: list[int], field: str) -> list[OrgUnit]:
    found = {u.pk: u for u in OrgUnit.objects.filter(pk__in=pks, active=True)}
    missing = [pk for pk in pks if pk not in found]
    if missing:
        raise UserError("event.unit_unknown", _("单位不存在：%(ids)s")
                        % {"ids": "、".join(map(str, missing))}, field)
    return [found[pk] for pk in dict.fromkeys(pks)]


def act(actor, event: Event, data: dict[str, Any]) -> Event:
    """Run one step on an event (the API's and the page's common door)."""
    step, version = data["step"], data["expected_version"]
    common = {"actor": actor, "event": event, "expected_version": version}
    if step == policy.ACCEPT:
        return services.event_accept(**common, note=data.get("note", ""))
    if step == policy.REJECT:
        return services.event_reject(**common, reason=data.get("reason", ""))
    if step == policy.DISPATCH:
        if not data.get("lead_unit"):
            raise UserError("event.lead_unit_required", _("请选择承办单位。"), "lead_unit")
        return services.event_dispatch(
            **common, lead_unit=_units([data["lead_unit"]], "lead_unit")[0],
            co_units=_units(data.get("co_units") or [], "co_units"), note=data.get("note", ""))
    if step == policy.HANDLE:
        return services.event_handle(**common, result=data.get("result", ""))
    if step == policy.VERIFY:
        return services.event_verify(**common, passed=bool(data.get("passed", True)),
                                     note=data.get("note", ""))
    if step == policy.CLOSE:
        return services.event_close(**common, note=data.get("note", ""))
    if step == policy.EVALUATE:
        return services.event_evaluate(**common, satisfaction=data.get("satisfaction"),
                                       note=data.get("note", ""))
    if step == policy.ESCALATE_CITY:
        return services.event_report_city(**common, note=data.get("note", ""))
    raise UserError("event.step_unknown", _("未知的办理环节：%(s)s") % {"s": step}, "step")


@router.post("/events/{event_id}/act", response={200: EventOut, **ERRORS},
             url_name="event_act")
def event_act(request, event_id: Path[Pk], payload: EventAct):
    """One step: accept, reject (reason), dispatch (lead_unit, co_units), handle (result),
    verify (passed, note), close, evaluate (satisfaction 1–3), city (上报市级)."""
    event = selectors.event_get(user=request.auth, pk=event_id)
    act(request.auth, event, payload.model_dump())
    return selectors.event_get(user=request.auth, pk=event_id)


# --- Open311 GeoReport v2 ------------------------------------------------------------------
# http://wiki.open311.org/GeoReport_v2/ — services = our event categories; a request = an
# event. Authentication as for the rest of the API (a grid worker's or a centre's token).

class ServiceOut(Schema):
    service_code: str
    service_name: str
    description: str
    metadata: bool = False
    type: str = "realtime"
    keywords: str
    group: str


@open311_router.get("/services.json", response=list[ServiceOut], url_name="open311_services")
def open311_services(request):
    return [ServiceOut(service_code=c.code, service_name=c.name, keywords=c.kind,
                       description=f"{c.major_name} · {c.name}", group=c.major_name)
            for c in selectors.categories()]


class RequestOut(Schema):
    service_request_id: str
    status: str
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str
    lat: Decimal | None
    long: Decimal | None
    media_url: str = ""


def _request(event: Event) -> RequestOut:
    case = event.case
    last = event.evaluated_at or event.closed_at or event.verified_at or event.handled_at \
        or event.reported_at
    return RequestOut(
        service_request_id=str(event.pk),
        status="open" if event.stage in policy.OPEN_STAGES else "closed",
        status_notes=event.reject_reason or str(event.get_stage_display()),
        service_name=event.category.name, service_code=event.category.code,
        description=case.detail, agency_responsible=str(case.lead_unit or event.street),
        requested_datetime=event.reported_at, updated_datetime=last,
        expected_datetime=event.step_due_at, address=event.address, lat=event.lat,
        long=event.lon)


class RequestQuery(Schema):
    service_request_id: str = Field("", max_length=1000)
    service_code: str = Field("", max_length=16)
    start_date: datetime | None = None
    end_date: datetime | None = None
    status: str = Field("", max_length=16)


@open311_router.get("/requests.json", response={200: list[RequestOut], 400: Error},
                    url_name="open311_requests")
def open311_requests(request, query: Query[RequestQuery]):
    """Service requests in the caller's scope, newest first (at most 1,000, as the spec's
    default window: the last 90 days unless dates are given)."""
    qs = selectors.event_list(user=request.auth,
                              filters=EventFilters(category=query.service_code))
    if query.service_request_id:
        try:
            ids = [int(x) for x in query.service_request_id.split(",") if x.strip()]
        except ValueError:
            raise UserError("open311.id", _("service_request_id 应为逗号分隔的编号。"),
                            "service_request_id") from None
        qs = qs.filter(pk__in=ids)
    end = query.end_date or timezone.now()
    start = query.start_date or end - timezone.timedelta(days=90)
    qs = qs.filter(reported_at__gte=start, reported_at__lte=end)
    if query.status == "open":
        qs = qs.filter(stage__in=policy.OPEN_STAGES)
    elif query.status == "closed":
        qs = qs.exclude(stage__in=policy.OPEN_STAGES)
    return [_request(e) for e in qs[:1000]]


@open311_router.get("/requests/{request_id}.json", response={200: list[RequestOut], 404: Error},
                    url_name="open311_request")
def open311_request(request, request_id: Path[Pk]):
    return [_request(selectors.event_get(user=request.auth, pk=request_id))]


class RequestIn(Schema):
    service_code: Code
    description: LongText
    lat: Decimal | None = Field(None, ge=-90, le=90)
    long: Decimal | None = Field(None, ge=-180, le=180)
    address_string: ShortText = ""
    grid_id: Pk | None = None  # attribute[grid_id]: our extension when the client knows it


def _payload(request) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise UserError("open311.body", _("请求内容不是有效的 JSON。")) from None
        return data if isinstance(data, dict) else {}
    data = {k: v for k, v in request.POST.items() if not k.startswith("attribute[")}
    if request.POST.get("attribute[grid_id]"):
        data["grid_id"] = request.POST["attribute[grid_id]"]
    return {k: v for k, v in data.items() if k != "api_key" and v != ""}


def _open311_grid(actor, data: RequestIn) -> OrgUnit:
    """The grid of a new request: the one named, else the grid the point lies in, else the
    grid worker's own grid."""
    if data.grid_id:
        return _grid(data.grid_id)
    if data.lat is not None and data.long is not None:
        from diaodu.grids import geo

        found = geo.locate(float(data.lat), float(data.long))
        if found is not None:
            return found
    if role_of(actor) in policy.GRID_WORKERS and actor.unit_id:
        return actor.unit
    raise UserError("open311.grid",
                    _("无法确定事件所在网格：请提供网格内的经纬度或 attribute[grid_id]。"), "lat")


@open311_router.post("/requests.json", response={201: list[dict], **ERRORS},
                     url_name="open311_create",
                     openapi_extra={"requestBody": {"content": {
                         "application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "required": ["service_code", "description"],
                             "properties": {k: {"type": "string"} for k in (
                                 "service_code", "description", "lat", "long",
                                 "address_string", "attribute[grid_id]")}}}}}})
def open311_create(request):
    """Create a service request (an event, 上报) from a form or JSON body."""
    try:
        data = RequestIn(**_payload(request))
    except PydanticError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or None
        raise UserError("input.invalid", _("请求参数无效：%(field)s（%(detail)s）")
                        % {"field": field or "-", "detail": first.get("msg", "")},
                        field) from None
    grid = _open311_grid(request.auth, data)
    event = services.event_report(actor=request.auth, grid=grid, category=data.service_code,
                                  detail=data.description, address=data.address_string,
                                  lat=data.lat, lon=data.long, source="open311")
    return Status(201, [{"service_request_id": str(event.pk),
                         "service_notice": str(Stage(event.stage).label),
                         "account_id": None}])
