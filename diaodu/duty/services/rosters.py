"""Duty rosters: the unit's duty list, generated and edited rosters, swaps, handover logs and
spot checks (查岗)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from diaodu.core import audit, bulk, clock
from diaodu.core.calendar import WorkCalendar, load_calendar
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, User
from diaodu.core.saving import save_audited

from .. import rules
from ..models import (
    DutyAssignment,
    DutyPerson,
    DutyShift,
    DutySwap,
    Handover,
    SpotCheck,
    SwapStatus,
)
from ..policy import is_duty_office, may_act_for, may_manage, require

MAX_SPAN_DAYS = 400
MAX_STAFF = 20
DEFAULT_WINDOW_MINUTES = 10


def _text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise UserError("duty.required", _("请填写%(label)s。") % {"label": label}, field)
    if len(value) > limit:
        raise UserError("duty.too_long", _("%(label)s不能超过 %(n)s 个字。")
                        % {"label": label, "n": limit}, field)
    return value


# ---------------------------------------------------------------------------------------------
# Duty list


PERSON_ACTIONS = ("duty.person_create", "duty.person_update")


def duty_person_create(*, actor: User | None, unit: OrgUnit, name: str, position: str = "",
                       phone: str = "", can_lead: bool = False, sort: int = 0) -> DutyPerson:
    """Add a person to a unit's duty list."""
    require(may_manage(actor, unit))
    name = _text(name, field="name", label=_("姓名"), limit=40)
    with transaction.atomic():
        if DutyPerson.objects.filter(unit=unit, name=name).exists():
            raise UserError("duty.person_exists", _("%(unit)s的值班人员中已有“%(name)s”。")
                            % {"unit": unit, "name": name}, "name")
        return save_audited(actor, DutyPerson, None, {
            "unit": unit, "name": name, "position": position.strip(), "phone": phone.strip(),
            "can_lead": can_lead, "sort": sort}, action=PERSON_ACTIONS)


def duty_person_update(*, actor: User | None, person: DutyPerson, position: str, phone: str,
                       can_lead: bool, active: bool, sort: int = 0) -> DutyPerson:
    require(may_manage(actor, person.unit))
    with transaction.atomic():
        return save_audited(actor, DutyPerson, person, {
            "position": position.strip(), "phone": phone.strip(), "can_lead": can_lead,
            "active": active, "sort": sort}, action=PERSON_ACTIONS)


# ---------------------------------------------------------------------------------------------
# Rosters


def _check_span(start: date, end: date) -> None:
    if end < start:
        raise UserError("duty.span_reversed", _("结束日期 %(end)s 早于开始日期 %(start)s。")
                        % {"end": end, "start": start}, "end")
    if (end - start).days >= MAX_SPAN_DAYS:
        raise UserError("duty.span_too_long", _("一次最多排 %(n)s 天的值班。")
                        % {"n": MAX_SPAN_DAYS}, "end")


def _check_staff(staff_per_shift: int, field: str) -> None:
    if not 0 <= staff_per_shift <= MAX_STAFF:
        raise UserError("duty.staff_invalid", _("每班值班人数应为 0 至 %(n)s 人。")
                        % {"n": MAX_STAFF}, field)


@dataclass
class _UnitPlan:
    unit: OrgUnit
    shifts: list[rules.PlannedShift]


Turn = tuple[int | None, list[int]]  # the last shift's leader and staff, in order


def _last_turns(units: Sequence[OrgUnit], kinds: list[tuple[date, rules.DayKind]]
                ) -> tuple[dict[int, set[date]], dict[tuple[int, bool], Turn]]:
    """The days of the span each unit already has, and each unit's last ordinary and last
    holiday shift before its first free day (where its turns continue). Four queries for any
    number of units, so a district's year costs the same as one unit's."""
    start, end = kinds[0][0], kinds[-1][0]
    kind_of = dict(kinds)
    taken: dict[int, set[date]] = {u.pk: set() for u in units}
    for unit_id, day in DutyShift.objects.filter(unit__in=units, date__range=(start, end)) \
            .values_list("unit_id", "date"):
        taken[unit_id].add(day)
    holiday = rules.DayKind.HOLIDAY.value
    wanted: dict[tuple[int, bool], date] = {}
    for row in DutyShift.objects.filter(unit__in=units, date__lt=start).values("unit_id") \
            .annotate(ordinary=Max("date", filter=~Q(kind=holiday)),
                      holiday=Max("date", filter=Q(kind=holiday))):
        for is_holiday in (False, True):
            if row["holiday" if is_holiday else "ordinary"]:
                wanted[row["unit_id"], is_holiday] = row["holiday" if is_holiday else "ordinary"]
    for unit_id, days in taken.items():
        # A span partly rostered already: the turns continue from its last day before the gap.
        first_free = next((d for d, _k in kinds if d not in days), None)
        for day in sorted(d for d in days if first_free and d < first_free):
            wanted[unit_id, kind_of[day] == rules.DayKind.HOLIDAY] = day
    turns: dict[tuple[int, bool], Turn] = {}
    if wanted:
        condition = Q()
        for (unit_id, _h), day in wanted.items():
            condition |= Q(unit_id=unit_id, date=day)
        shifts = {(s.unit_id, s.date): s for s in DutyShift.objects.filter(condition)}
        staff: dict[int, list[int]] = {}
        for shift_id, person_id in DutyAssignment.objects.filter(
                shift__in=list(shifts.values()), role=DutyAssignment.Role.STAFF) \
                .order_by("id").values_list("shift_id", "person_id"):
            staff.setdefault(shift_id, []).append(person_id)
        for (unit_id, is_holiday), day in wanted.items():
            shift = shifts[unit_id, day]
            turns[unit_id, is_holiday] = (shift.leader_id, staff.get(shift.pk, []))
    return taken, turns


def _plan_unit(unit: OrgUnit, kinds: list[tuple[date, rules.DayKind]], *, staff_per_shift: int,
               holiday_staff: int | None, people: list[DutyPerson], taken: set[date],
               last: dict[bool, Turn]) -> _UnitPlan:
    """The unit's roster for the days of `kinds` that have no shift yet, continuing the turns
    from its last ordinary and holiday shifts."""
    leaders = [p.pk for p in people if p.can_lead]
    staff = [p.pk for p in people if not p.can_lead]
    days = [(d, k) for d, k in kinds if d not in taken]
    if not days:
        return _UnitPlan(unit, [])
    cursor = rules.cursor_after(leaders, staff, last_leader=last[False][0],
                                last_staff=last[False][1], last_holiday_leader=last[True][0],
                                last_holiday_staff=last[True][1])
    try:
        shifts, _cursor = rules.rotate(days, leaders, staff, staff_per_shift=staff_per_shift,
                                       holiday_staff=holiday_staff, cursor=cursor)
    except rules.RosterError as error:
        if error.code == "no_leader":
            raise UserError("duty.no_leader",
                            _("%(unit)s没有可带班的领导，%(day)s 起无人带班，不能排班。")
                            % {"unit": unit, "day": error.params["day"]}, "unit") from None
        raise UserError("duty.too_few_staff",
                        _("%(unit)s每班需要 %(needed)s 名值班人员，名单中只有 %(available)s 名。")
                        % {"unit": unit, **error.params}, "staff_per_shift") from None
    return _UnitPlan(unit, shifts)


def _write_plans(plans: list[_UnitPlan], *, staff_per_shift: int) -> int:
    """Write the planned shifts and their people as plain rows: a year for every unit is some
    11,000 shifts and 35,000 assignments, where bulk_create's per-value compilation would cost
    seconds. PostgreSQL takes them by COPY (the multi-row INSERT's 65,535-parameter statements
    cost it five times as much), with the shifts' ids drawn from their sequence first; other
    databases by multi-row INSERT (core/bulk.py)."""
    planned = [(p.unit.pk, s) for p in plans for s in p.shifts]
    shift_rows = [(unit_id, s.day, s.kind.value, s.leader,
                   len(s.staff) if s.kind == rules.DayKind.HOLIDAY else staff_per_shift, "")
                  for unit_id, s in planned]
    shift_fields = ["unit", "date", "kind", "leader", "base_staff", "level"]
    if connection.vendor == "postgresql":
        pks = _copy_shifts(shift_rows, shift_fields)
    else:
        pks = bulk.insert_rows(DutyShift, shift_fields, shift_rows, returning_pk=True)
    leader, staff = DutyAssignment.Role.LEADER.value, DutyAssignment.Role.STAFF.value
    rows = []
    for pk, (_unit, s) in zip(pks, planned, strict=True):
        rows.append((pk, s.leader, s.day, leader))
        rows.extend((pk, person, s.day, staff) for person in s.staff)
    fields = ["shift", "person", "date", "role"]
    if connection.vendor == "postgresql":
        _copy(DutyAssignment, fields, rows)
    else:
        bulk.insert_rows(DutyAssignment, fields, rows)
    return len(pks)


def _copy(model, attnames: list[str], rows: list[tuple]) -> None:
    """COPY plain rows (ints, strings, dates) into `model`'s table (PostgreSQL)."""
    opts = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in attnames)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_shifts(rows: list[tuple], attnames: list[str]) -> list[int]:
    """COPY shifts with ids taken from the table's sequence; returns the ids in row order."""
    if not rows:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [DutyShift._meta.db_table, len(rows)])
        pks = [pk for (pk,) in cursor.fetchall()]
    _copy(DutyShift, ["id", *attnames], [(pk, *row) for pk, row in zip(pks, rows, strict=True)])
    return pks


def roster_generate(*, actor: User | None, unit: OrgUnit, start: date, end: date,
                    staff_per_shift: int = 2, holiday_staff: int | None = None,
                    calendar: WorkCalendar | None = None) -> int:
    """Roster `unit` over [start, end] by rotation over the working-day calendar; days that
    already have a shift are kept (running it twice changes nothing). Returns shifts made."""
    return roster_generate_all(actor=actor, units=[unit], start=start, end=end,
                               staff_per_shift=staff_per_shift, holiday_staff=holiday_staff,
                               calendar=calendar)


def roster_generate_all(*, actor: User | None, units: Sequence[OrgUnit], start: date, end: date,
                        staff_per_shift: int = 2, holiday_staff: int | None = None,
                        calendar: WorkCalendar | None = None) -> int:
    """Roster several units at once, all or nothing: one unit without a leader stops all."""
    for unit in units:
        require(may_manage(actor, unit))
    _check_span(start, end)
    _check_staff(staff_per_shift, "staff_per_shift")
    if holiday_staff is not None:
        _check_staff(holiday_staff, "holiday_staff")
    calendar = calendar or load_calendar()
    kinds = rules.day_kinds(start, end, calendar.overrides)
    people: dict[int, list[DutyPerson]] = {u.pk: [] for u in units}
    for person in DutyPerson.objects.filter(unit__in=units, active=True).order_by("sort", "id"):
        people[person.unit_id].append(person)
    with transaction.atomic():
        taken, turns = _last_turns(units, kinds)
        none: Turn = (None, [])
        plans = [_plan_unit(u, kinds, staff_per_shift=staff_per_shift,
                            holiday_staff=holiday_staff, people=people[u.pk], taken=taken[u.pk],
                            last={h: turns.get((u.pk, h), none) for h in (False, True)})
                 for u in units]
        count = _write_plans(plans, staff_per_shift=staff_per_shift)
        audit.record_many(actor, [
            ("duty.roster_generate", p.unit, {"start": start, "end": end,
                                              "shifts": len(p.shifts)})
            for p in plans if p.shifts])
    return count


def _problem_row(problem: rules.Problem, rows: Sequence["RosterRow"],
                 first_rows: dict[date, int]) -> int:
    """The row a problem concerns: a repeated day's second row, else the day's first row."""
    if problem.code == "day_twice":
        return next(n for n, row in enumerate(rows, start=1)
                    if row.day == problem.day and n != first_rows[problem.day])
    return first_rows[problem.day]


@dataclass(frozen=True)
class RosterRow:
    day: date
    leader: DutyPerson | None
    staff: Sequence[DutyPerson] = ()


def roster_save(*, actor: User | None, unit: OrgUnit, rows: Sequence[RosterRow],
                staff_per_shift: int | None = None) -> list[DutyShift]:
    """Set the people of `unit` on the given days (a hand-made or corrected roster), all or
    nothing. Each row needs a leader from the unit's leaders; no one twice on a day."""
    require(may_manage(actor, unit))
    for number, row in enumerate(rows, start=1):
        where = {"row": number, "day": row.day}
        for person in [p for p in (row.leader, *row.staff) if p is not None]:
            if person.unit_id != unit.pk:
                raise UserError("duty.other_unit",
                                _("第%(row)s行：%(person)s 不是%(unit)s的值班人员。")
                                % {**where, "person": person, "unit": unit}, "staff", number)
        if row.leader is not None and not row.leader.can_lead:
            raise UserError("duty.not_a_leader", _("第%(row)s行：%(person)s 不是带班领导。")
                            % {**where, "person": row.leader}, "leader", number)
    # The roster's own faults (no leader, a day twice, a person twice) from the pure check,
    # reported at the first row they concern.
    planned = [rules.PlannedShift(row.day, rules.DayKind.WORKDAY,
                                  row.leader.pk if row.leader else None,
                                  tuple(p.pk for p in row.staff)) for row in rows]
    seen: dict[date, int] = {}
    for number, row in enumerate(rows, start=1):
        seen.setdefault(row.day, number)
    problems = rules.roster_problems(planned)
    if problems:
        first = min(problems, key=lambda p: _problem_row(p, rows, seen))
        number = _problem_row(first, rows, seen)
        where = {"row": number, "day": first.day}
        if first.code == "day_twice":
            raise UserError("duty.day_twice", _("第%(row)s行：%(day)s 与第%(first)s行重复。")
                            % {**where, "first": seen[first.day]}, "day", number)
        if first.code == "no_leader":
            raise UserError("duty.no_leader", _("第%(row)s行：%(day)s 没有带班领导。") % where,
                            "leader", number)
        person = next(p for p in (rows[number - 1].leader, *rows[number - 1].staff)
                      if p is not None and p.pk == first.person)
        raise UserError("duty.two_shifts",
                        _("第%(row)s行：%(person)s 在 %(day)s 被安排了两个班次。")
                        % {**where, "person": person}, "staff", number)
    calendar = load_calendar()
    days = sorted(seen)
    kinds = dict(rules.day_kinds(days[0], days[-1], calendar.overrides)) if days else {}
    saved = []
    with transaction.atomic():
        for row in rows:
            shift, _created = DutyShift.objects.get_or_create(
                unit=unit, date=row.day,
                defaults={"kind": kinds[row.day].value, "leader": row.leader,
                          "base_staff": staff_per_shift if staff_per_shift is not None
                          else len(row.staff)})
            shift.assignments.all().delete()
            shift.leader = row.leader
            if staff_per_shift is not None:
                shift.base_staff = staff_per_shift
            shift.save()
            DutyAssignment.objects.bulk_create(
                [DutyAssignment(shift=shift, person=row.leader, date=row.day,
                                role=DutyAssignment.Role.LEADER)]
                + [DutyAssignment(shift=shift, person=p, date=row.day,
                                  role=DutyAssignment.Role.STAFF) for p in row.staff])
            audit.record(actor, "duty.roster_save", shift, {
                "leader": row.leader, "staff": [p.pk for p in row.staff]})
            saved.append(shift)
    return saved


# ---------------------------------------------------------------------------------------------
# Swaps


def _ensure_free(person: DutyPerson, day: date, field: str) -> None:
    if DutyAssignment.objects.filter(person=person, date=day).exists():
        raise UserError("duty.two_shifts",
                        _("%(person)s 在 %(day)s 已有值班安排，不能同时值两个班。")
                        % {"person": person, "day": day}, field)


def _check_swap(shift: DutyShift, from_person: DutyPerson, to_person: DutyPerson) -> DutyAssignment:
    place = shift.assignments.filter(person=from_person).first()
    if place is None:
        raise UserError("duty.not_on_shift", _("%(person)s 不在 %(day)s 的值班安排中。")
                        % {"person": from_person, "day": shift.date}, "from_person")
    if to_person.unit_id != shift.unit_id or not to_person.active:
        raise UserError("duty.swap_other_unit",
                        _("%(person)s 不是%(unit)s的在岗值班人员，不能跨单位换班。")
                        % {"person": to_person, "unit": shift.unit}, "to_person")
    _ensure_free(to_person, shift.date, "to_person")
    if place.role == DutyAssignment.Role.LEADER and not to_person.can_lead:
        raise UserError("duty.not_a_leader", _("%(person)s 不是带班领导，不能替带班领导值班。")
                        % {"person": to_person}, "to_person")
    return place


def swap_request(*, actor: User | None, shift: DutyShift, from_person: DutyPerson,
                 to_person: DutyPerson, reason: str) -> DutySwap:
    """Ask to hand `from_person`'s place on `shift` to a colleague of the same unit."""
    require(may_act_for(actor, shift.unit) or may_manage(actor, shift.unit))
    reason = _text(reason, field="reason", label=_("事由"), limit=200)
    _check_swap(shift, from_person, to_person)
    with transaction.atomic():
        swap = DutySwap.objects.create(shift=shift, from_person=from_person, to_person=to_person,
                                       reason=reason, requested_by=actor,
                                       requested_at=clock.now())
        audit.record(actor, "duty.swap_request", swap, {
            "from_person": from_person, "to_person": to_person, "reason": reason})
    return swap


def swap_decide(*, actor: User | None, swap: DutySwap, approve: bool, note: str = "") -> DutySwap:
    """Approve (the colleague takes the place) or reject a pending swap."""
    require(may_manage(actor, swap.shift.unit))
    note = _text(note, field="note", label=_("审批意见"), limit=200, required=False)
    with transaction.atomic():
        swap = DutySwap.objects.select_for_update().select_related("shift").get(pk=swap.pk)
        if swap.status != SwapStatus.PENDING:
            raise UserError("duty.swap_decided", _("该换班申请已%(status)s，不能重复审批。")
                            % {"status": swap.get_status_display()})
        if approve:
            place = _check_swap(swap.shift, swap.from_person, swap.to_person)
            place.person = swap.to_person
            place.save(update_fields=["person"])
            if place.role == DutyAssignment.Role.LEADER:
                swap.shift.leader = swap.to_person
                swap.shift.save(update_fields=["leader"])
        swap.status = SwapStatus.APPROVED if approve else SwapStatus.REJECTED
        swap.decided_by, swap.decided_at, swap.note = actor, clock.now(), note
        swap.save()
        audit.record(actor, "duty.swap_decide", swap, {"status": swap.status, "note": note})
    return swap


# ---------------------------------------------------------------------------------------------
# Handover log


def handover_record(*, actor: User | None, shift: DutyShift, events: str, calls: int,
                    open_items: str = "") -> Handover:
    """Write (or correct) the shift's handover log."""
    require(may_act_for(actor, shift.unit) or may_manage(actor, shift.unit))
    events = _text(events, field="events", label=_("值班情况"), limit=4000)
    open_items = _text(open_items, field="open_items", label=_("待办事项"), limit=2000,
                       required=False)
    if calls is None or int(calls) < 0:
        raise UserError("duty.calls_negative", _("接听电话数不能为负数。"), "calls")
    with transaction.atomic():
        handover, created = Handover.objects.select_for_update().get_or_create(
            shift=shift, defaults={"written_by": actor})
        before = {"events": handover.events, "calls": handover.calls,
                  "open_items": handover.open_items}
        handover.events, handover.calls, handover.open_items = events, int(calls), open_items
        handover.written_by, handover.written_at = actor, clock.now()
        handover.save()
        audit.record(actor, "duty.handover", handover,
                     audit.diff({} if created else before,
                                {"events": events, "calls": int(calls),
                                 "open_items": open_items}))
    return handover


# ---------------------------------------------------------------------------------------------
# Spot checks (查岗)


def spot_check_create(*, actor: User | None, unit: OrgUnit, called_at: datetime | None = None,
                      window_minutes: int = DEFAULT_WINDOW_MINUTES) -> SpotCheck:
    """The district duty office calls `unit`; the unit must confirm within the window."""
    require(is_duty_office(actor))
    if not 1 <= int(window_minutes) <= 120:
        raise UserError("duty.window_invalid", _("应答时限应为 1 至 120 分钟。"), "window_minutes")
    called_at = called_at or clock.now()
    day = rules.duty_day(timezone.localtime(called_at))
    shift = DutyShift.objects.filter(unit=unit, date=day).select_related("leader").first()
    with transaction.atomic():
        check = SpotCheck.objects.create(
            unit=unit, called_at=called_at,
            deadline_at=called_at + timedelta(minutes=int(window_minutes)), called_by=actor,
            on_duty=str(shift.leader) if shift else "")
        audit.record(actor, "duty.spot_check", check, {"unit": unit, "called_at": called_at,
                                                       "window_minutes": int(window_minutes)})
    return check


def spot_check_answer(*, actor: User | None, check: SpotCheck,
                      at: datetime | None = None) -> SpotCheck:
    """The unit confirms it is at its post. At the deadline itself is still in time."""
    require(may_act_for(actor, check.unit))
    at = at or clock.now()
    with transaction.atomic():
        check = SpotCheck.objects.select_for_update().get(pk=check.pk)
        if check.answered_at is not None:
            raise UserError("duty.check_answered", _("该次查岗已于 %(at)s 应答。")
                            % {"at": f"{timezone.localtime(check.answered_at):%Y-%m-%d %H:%M:%S}"})
        if at < check.called_at:
            raise UserError("duty.check_before_call", _("应答时间不能早于查岗时间。"), "at")
        if at > check.deadline_at:
            raise UserError("duty.check_late",
                            _("查岗应答已超时：截止时间 %(deadline)s，应答时间 %(at)s，"
                              "本次计为漏岗。")
                            % {"deadline": f"{timezone.localtime(check.deadline_at):%H:%M:%S}",
                               "at": f"{timezone.localtime(at):%H:%M:%S}"}, "at")
        check.answered_at, check.answered_by = at, actor
        check.save(update_fields=["answered_at", "answered_by"])
        audit.record(actor, "duty.spot_check_answer", check, {"answered_at": at})
    return check
