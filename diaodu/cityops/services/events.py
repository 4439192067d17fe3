"""Grid events on the case engine: 上报, and the steps 受理立案 / 不予立案 / 派遣 / 处置 / 核查 /
结案 / 评价 / 上报市级. Each step: the event under lock, the policy, the stage's new limit in
working hours, a line in the case's log, the inbox, the audit log — in one transaction."""

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diaodu.cases.models import ActionKind, Case, CaseCategory, CaseKind, CaseSource, CaseStatus
from diaodu.cases.services.base import clean_text, ensure_case_version, log, unit_users
from diaodu.cases.services.cases import may_task
from diaodu.core import audit, clock
from diaodu.core.errors import NotFound, UserError
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.notify import NotificationKind, notify
from diaodu.core.photo_services import photo_add_many
from diaodu.core.phrases import phrase
from diaodu.core.scoping import scope_for
from diaodu.grids import geo
from diaodu.grids.models import GridProfile
from diaodu.projects.models import Project

from .. import hours, policy
from ..models import Event, EventCategory, Satisfaction, Source, Stage
from .settings import settings_get, working_hours

# The case engine's status for each stage: lists, the 问题台账 and the project page read it.
CASE_STATUS = {
    Stage.REPORTED: CaseStatus.OPEN, Stage.ACCEPTED: CaseStatus.OPEN,
    Stage.REJECTED: CaseStatus.CLOSED, Stage.DISPATCHED: CaseStatus.ASSIGNED,
    Stage.HANDLED: CaseStatus.RESOLVED, Stage.VERIFIED: CaseStatus.VERIFIED,
    Stage.CLOSED: CaseStatus.CLOSED, Stage.EVALUATED: CaseStatus.CLOSED,
}
LAT_RANGE, LON_RANGE = (Decimal(-90), Decimal(90)), (Decimal(-180), Decimal(180))


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment)


def street_of(grid: OrgUnit) -> OrgUnit | None:
    """The street a grid lies in (its ancestor of kind street)."""
    steplen = OrgUnit.steplen
    paths = [grid.path[:n] for n in range(steplen, len(grid.path), steplen)]
    return OrgUnit.objects.filter(path__in=paths, kind=UnitKind.STREET).first()


def outside_grid(grid: OrgUnit, lat: Decimal | None, lon: Decimal | None) -> bool | None:
    """Whether a point lies outside the grid's boundary (None: no point, or no boundary drawn
    for the grid yet). The geometry is the grids app's (grids.geo)."""
    if lat is None or lon is None:
        return None
    if not GridProfile.objects.filter(unit=grid, polygon__isnull=False).exists():
        return None
    return not geo.grid_contains(grid, float(lat), float(lon))


def _coordinate(value: Any, bounds: tuple[Decimal, Decimal], field: str,
                label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise UserError("event.coordinate", _("%(label)s应为数字。") % {"label": label},
                        field) from None
    if not bounds[0] <= number <= bounds[1]:
        raise UserError("event.coordinate", _("%(label)s超出范围（%(lo)s 至 %(hi)s）。")
                        % {"label": label, "lo": bounds[0], "hi": bounds[1]}, field)
    return number


def category_for(value: EventCategory | str) -> EventCategory:
    if isinstance(value, EventCategory):
        category: EventCategory | None = value
    else:
        category = EventCategory.objects.filter(code=str(value).strip()).first()
    if category is None or not category.active:
        raise UserError("event.category_unknown", _("事件类别“%(c)s”不存在或已停用。")
                        % {"c": value}, "category")
    return category


def _set_limit(event: Event, start: datetime, wh: hours.WorkingHours, near: int) -> None:
    """The limit of the step the event now waits for, counted from `start` in working hours."""
    owed = policy.OWED_STEP.get(event.stage)
    if owed is None:
        event.step_due_at = event.warn_at = None
        return
    limit = float(event.category.hours_for(owed))
    local = _local(start)
    event.step_due_at = _aware(wh.deadline(local, limit))
    event.warn_at = _aware(wh.warn_at(local, limit, near / 100))


def _next_serial(year: int) -> int:
    """The year's next case number. On PostgreSQL a transaction-scoped advisory lock per year
    makes concurrent reports take turns (SQLite's writers already do), so two never read the
    same maximum."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SERIAL_LOCK, year])
    return (Case.objects.filter(year=year).aggregate(m=Max("serial"))["m"] or 0) + 1


SERIAL_LOCK = 0x4464  # advisory-lock namespace of case serials ("Dd")


def event_report(*, actor: User | None, grid: OrgUnit, category: EventCategory | str,
                 detail: str, address: str = "", lat: Any = None, lon: Any = None,
                 title: str = "", project: Project | None = None,
                 source: str = Source.GRID, photos: Sequence[Any] = (),
                 now: datetime | None = None) -> Event:
    """上报: a grid worker (or the street centre) files an event in their grid, with photos
    (core photo checks: images only, size, count). A photo without EXIF capture data is
    accepted and flags the event; without a point typed in, the first photo's GPS is the
    event's; a point outside the grid's boundary flags it for the street centre. It waits for
    the street centre's 立案 within the category's limit."""
    now = now or clock.now()
    if grid.kind not in (UnitKind.GRID, UnitKind.MICRO_GRID):
        raise UserError("event.not_a_grid", _("“%(u)s”不是网格。") % {"u": grid}, "grid")
    category = category_for(category)
    detail = clean_text(detail, field="detail", label=_("事件描述"), limit=2000)
    address = clean_text(address, field="address", label=_("位置描述"), limit=200,
                         required=False)
    lat = _coordinate(lat, LAT_RANGE, "lat", _("纬度"))
    lon = _coordinate(lon, LON_RANGE, "lon", _("经度"))
    if (lat is None) != (lon is None):
        raise UserError("event.coordinate", _("请同时填写经度和纬度。"), "lat")
    policy.require_report(actor, grid)
    if project is not None and actor is not None and \
            not scope_for(actor, Project).filter(pk=project.pk).exists():
        raise NotFound
    street = street_of(grid)
    if street is None:
        raise UserError("event.grid_without_street", _("网格“%(g)s”不在任何街道之下。")
                        % {"g": grid}, "grid")
    title = clean_text(title or f"{category.name}：{address or grid}", field="title",
                       label=_("标题"), limit=200)
    settings = settings_get()
    wh = working_hours(settings)
    today = _local(now).date()
    for attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    year=today.year, serial=_next_serial(today.year), kind=CaseKind.EVENT,
                    title=title, detail=detail, project=project, category=CaseCategory.OTHER,
                    source=CaseSource.GRID if source == Source.GRID else CaseSource.HOTLINE,
                    raised_by=actor, raised_on=today, status=CaseStatus.OPEN, created_at=now)
                event = Event(case=case, category=category, grid=grid, street=street,
                              stage=Stage.REPORTED, source=source, address=address, lat=lat,
                              lon=lon, reported_at=now, reported_on=today)
                _set_limit(event, now, wh, settings.near_percent)
                event.save(force_insert=True)
                if photos:
                    _with_photos(actor, event, photos)
                event.gps_outside_grid = outside_grid(grid, event.lat, event.lon)
                if event.gps_outside_grid is not None:
                    event.save(update_fields=["gps_outside_grid"])
                flag, exif_missing = event.gps_outside_grid, event.exif_missing
                log(case, ActionKind.REPORT, actor, on=today, text=detail)
                notify(centre_users(event), kind=NotificationKind.CASE_ASSIGNED, about=case,
                       title=phrase(gettext_noop("新上报事件：%(title)s"), title=title))
                audit.record(actor, "event.report", case, {
                    "category": category.code, "grid": grid.pk, "lat": event.lat, "lon": event.lon,
                    "gps_outside_grid": flag, "exif_missing": exif_missing,
                    "source": source})
            return event
        except IntegrityError:
            # Two reports took the same serial at once: the loser takes the next one.
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _with_photos(actor: User | None, event: Event, uploads: Sequence[Any]) -> None:
    """Attach photos (all or none); flag missing EXIF, take the point from GPS if none."""
    saved = photo_add_many(actor=actor, owner=event, uploads=list(uploads))
    event.exif_missing = event.exif_missing or any(p.no_exif for p in saved)
    if event.lat is None:
        located = next((p for p in saved if p.latitude is not None), None)
        if located is not None:
            event.lat, event.lon = located.latitude, located.longitude
    event.save(update_fields=["exif_missing", "lat", "lon"])


def require_photo_edit(actor: User, event: Event) -> None:
    """Photos go with a step: the reporter while the event waits for 立案, the unit with its
    处置 result, the grid worker with the 核查; otherwise refused."""
    event = Event.objects.select_related("case__lead_unit", "grid").get(pk=event.pk)
    if policy.allowed_steps(actor, event) or (
            event.stage == Stage.REPORTED and policy.in_grid(actor, event)):
        return
    raise UserError("event.photo_closed", _("该事件当前环节为“%(s)s”，您不能再添加照片。")
                    % {"s": event.get_stage_display()}, "photos")


def centre_users(event: Event) -> list[User]:
    """The street centre's operators of the event's street."""
    return unit_users([event.street], list(policy.STREET_OPERATORS))


def visible_event(actor: User | None, pk: int) -> Event:
    """The event (and its case) locked for update, or NotFound when `actor` may not see it."""
    if actor is not None and not scope_for(actor, Event).filter(pk=pk).exists():
        raise NotFound
    Case.objects.select_for_update().filter(pk=pk).first()
    try:
        return (Event.objects.select_for_update(of=("self",))
                .select_related("case__lead_unit", "grid", "street", "category").get(pk=pk))
    except Event.DoesNotExist:
        raise NotFound from None


def _step(actor: User | None, event: Event | int, step: str, *, expected_version: int | None,
          now: datetime | None, apply: Callable[[Event, datetime], dict[str, Any]],
          action: str, text: str | dict = "") -> Event:
    now = now or clock.now()
    with transaction.atomic():
        event = visible_event(actor, event if isinstance(event, int) else event.pk)
        case = event.case
        policy.require(actor, event, step)
        ensure_case_version(case, expected_version)
        before = {"stage": event.stage, "lead_unit": case.lead_unit_id}
        owed = policy.OWED_STEP.get(event.stage)
        if owed == step and hours.is_overdue(_local(now), _local(event.step_due_at)
                                             if event.step_due_at else None):
            event.overdue_steps += 1
        changes = apply(event, now)
        if event.stage != before["stage"]:
            settings = settings_get()
            _set_limit(event, now, working_hours(settings), settings.near_percent)
        case.status = CASE_STATUS[Stage(event.stage)]
        case.version += 1
        case.save()
        event.save()
        log(case, action, actor, on=_local(now).date(), text=text)
        audit.record(actor, f"event.{step}", case, {
            **audit.diff(before, {"stage": event.stage, "lead_unit": case.lead_unit_id}),
            **changes})
    return event


def event_accept(*, actor: User | None, event: Event | int, note: str = "",
                 expected_version: int | None = None, now: datetime | None = None) -> Event:
    """受理立案 by the street centre."""
    def apply(ev: Event, at: datetime) -> dict[str, Any]:
        ev.stage = Stage.ACCEPTED
        return {}
    return _step(actor, event, policy.ACCEPT, expected_version=expected_version, now=now,
                 apply=apply, action=ActionKind.ACCEPT, text=note.strip())


def event_reject(*, actor: User | None, event: Event | int, reason: str,
                 expected_version: int | None = None, now: datetime | None = None) -> Event:
    """不予立案, with the reason the grid worker reads."""
    reason = clean_text(reason, field="reason", label=_("不予立案理由"), limit=200)

    def apply(ev: Event, at: datetime) -> dict[str, Any]:
        ev.stage = Stage.REJECTED
        ev.reject_reason = reason
        ev.closed_at, ev.closed_on = at, _local(at).date()
        ev.case.closed_on = ev.closed_on
        notify(_grid_workers(ev), kind=NotificationKind.OTHER, about=ev.case, body=reason,
               title=phrase(gettext_noop("不予立案：%(title)s"), title=ev.case.title))
        return {"reason": reason}
    return _step(actor, event, policy.REJECT, expected_version=expected_version, now=now,
                 apply=apply, action=ActionKind.REJECT, text=reason)


def _grid_workers(event: Event) -> list[User]:
    return unit_users([event.grid], list(policy.GRID_WORKERS))


def event_dispatch(*, actor: User | None, event: Event | int, lead_unit: OrgUnit,
                   co_units: Sequence[OrgUnit] = (), note: str = "",
                   expected_version: int | None = None, now: datetime | None = None) -> Event:
    """派遣 to a department or a street unit (lead + co-units); the 处置 limit starts."""
    for unit in [lead_unit, *co_units]:
        if not may_task(None, unit):
            raise UserError("event.unit_not_taskable", _("不能派遣给“%(u)s”。") % {"u": unit},
                            "lead_unit" if unit == lead_unit else "co_units")
    if any(u.pk == lead_unit.pk for u in co_units):
        raise UserError("case.lead_in_co_units", _("牵头单位不能同时是配合单位。"), "co_units")

    def apply(ev: Event, at: datetime) -> dict[str, Any]:
        ev.stage = Stage.DISPATCHED
        case = ev.case
        case.lead_unit = lead_unit
        case.assigned_on = _local(at).date()
        case.co_units.set(co_units)
        text = phrase(gettext_noop("派遣事件：%(title)s"), title=case.title)
        notify(unit_users([lead_unit, *co_units], list(policy.UNIT_ROLES)),
               kind=NotificationKind.EVENT_DISPATCHED, about=case, title=text, body=note)
        return {"co_units": [u.pk for u in co_units]}
    return _step(actor, event, policy.DISPATCH, expected_version=expected_version, now=now,
                 apply=apply, action=ActionKind.DISPATCH,
                 text=note.strip() or _("派遣至%(u)s。") % {"u": lead_unit})


def event_handle(*, actor: User | None, event: Event | int, result: str,
                 photos: Sequence[Any] = (), expected_version: int | None = None,
                 now: datetime | None = None) -> Event:
    """处置: the lead unit reports what it did (with photos); the grid worker verifies."""
    result = clean_text(result, field="result", label=_("处置结果"), limit=2000)

    def apply(ev: Event, at: datetime) -> dict[str, Any]:
        if photos:
            photo_add_many(actor=actor, owner=ev, uploads=list(photos), caption=_("处置"))
        ev.stage = Stage.HANDLED
        ev.handled_at = at
        ev.case.resolved_on = _local(at).date()
        notify(_grid_workers(ev), kind=NotificationKind.CASE_ASSIGNED, about=ev.case,
               body=result,
               title=phrase(gettext_noop("待核查事件：%(title)s"), title=ev.case.title))
        return {}
    return _step(actor, event, policy.HANDLE, expected_version=expected_version, now=now,
                 apply=apply, action=ActionKind.HANDLE, text=result)


def event_verify(*, actor: User | None, event: Event | int, passed: bool, note: str = "",
                 expected_version: int | None = None, now: datetime | None = None) -> Event:
    """核查 on site: passed → waits for 结案; not passed → back to the lead unit (处置 again)."""
    if not passed:
        note = clean_text(note, field="note", label=_("核查意见"), limit=2000)

    def apply(ev: Event, at: datetime) -> dict[str, Any]:
        if passed:
            ev.stage = Stage.VERIFIED
            ev.verified_at = at
            notify(centre_users(ev), kind=NotificationKind.OTHER, about=ev.case, title=phrase(
                gettext_noop("核查通过待结案：%(title)s"), title=ev.case.title))
        else:
            ev.stage = Stage.DISPATCHED
            ev.handled_at = None
            ev.case.resolved_on = None
            notify(unit_users([ev.case.lead_unit], list(policy.UNIT_ROLES)),
                   kind=NotificationKind.CASE_ASSIGNED, about=ev.case, body=note,
                   title=phrase(gettext_noop("核查未通过：%(title)s"), title=ev.case.title))
        return {"passed": passed}
    return _step(actor, event, policy.VERIFY, expected_version=expected_version, now=now,
                 apply=apply, action=ActionKind.VERIFY if passed else ActionKind.RETURN,
                 text=note.strip())


def event_close(*, actor: User | None, event: Event | int, note: str = "",
                expected_version: int | None = None, now: datetime | None = None) -> Event:
    """结案 by the street centre."""
    def apply(ev: Event, at: datetime) -> dict[str, Any]:
        ev.stage = Stage.CLOSED
        ev.closed_at, ev.closed_on = at, _local(at).date()
        ev.case.closed_on = ev.closed_on
        return {}
    return _step(actor, event, policy.CLOSE, expected_version=expected_version, now=now,
                 apply=apply, action=ActionKind.CLOSE, text=note.strip())


def event_evaluate(*, actor: User | None, event: Event | int, satisfaction: Any,
                   note: str = "", expected_version: int | None = None,
                   now: datetime | None = None) -> Event:
    """评价: the satisfaction of the resident who raised it (满意 / 基本满意 / 不满意)."""
    try:
        value = Satisfaction(int(satisfaction))
    except (TypeError, ValueError):
        raise UserError("event.satisfaction", _("满意度应为：满意、基本满意或不满意。"),
                        "satisfaction") from None

    def apply(ev: Event, at: datetime) -> dict[str, Any]:
        ev.stage = Stage.EVALUATED
        ev.satisfaction = value
        ev.evaluated_at = at
        return {"satisfaction": int(value)}
    return _step(actor, event, policy.EVALUATE, expected_version=expected_version, now=now,
                 apply=apply, action=ActionKind.EVALUATE,
                 text=note.strip() or str(value.label))


def event_report_city(*, actor: User | None, event: Event | int, note: str = "",
                      expected_version: int | None = None, now: datetime | None = None) -> Event:
    """上报市级: the district centre hands the event to the city's centre; it stays open here
    until the city answers (the stage and its limit do not change)."""
    def apply(ev: Event, at: datetime) -> dict[str, Any]:
        ev.city_reported_at = at
        return {"city_reported_at": at}
    return _step(actor, event, policy.ESCALATE_CITY, expected_version=expected_version,
                 now=now, apply=apply, action=ActionKind.CITY, text=note.strip())
