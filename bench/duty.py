"""Duty watch at district scale: 30 units (district office, 15 departments, 14 streets) with 8
people each.

1. roster_year: generating a year's 24-hour rosters for every unit (roster_generate_all:
   rotation over the database calendar, plain multi-row INSERTs) beside the same shifts written
   row by row through the ORM (one INSERT per shift and per person), same run.
2. duty_board: with five years of rosters in the database, the duty board request (`/duty/`,
   Django test client, in process, a leader who sees every unit) p50/p95, beside the same page
   served by a naive board that asks per unit for its shift and then its people (N+1).

    uv run python bench/duty.py [--requests 50] [--db sqlite|postgres]

PostgreSQL: 127.0.0.1:5432 (trust), database `diaodu_duty_bench` (dropped and recreated).
SQLite: /tmp/diaodu_duty_bench.sqlite3. Goals (issue 21): a year for every unit ≤ 2 s; board
p95 ≤ 150 ms. The machine has 2 cores shared with other people's test runs: numbers are noisy.
"""

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "diaodu_duty_bench"  # PostgreSQL database, or /tmp/<DB>.sqlite3
YEARS = (2019, 2020, 2021, 2022, 2023)
BOARD_DAY = date(2023, 6, 15)


def units_and_people():
    from diaodu.core.models import OrgUnit, UnitKind, User
    from diaodu.core.roles import Role
    from diaodu.duty.models import DutyPerson

    district = OrgUnit.objects.add_root({"code": "410102", "name": "中原区",
                                         "kind": UnitKind.DISTRICT})
    units = [district]
    for n in range(29):
        kind = UnitKind.DEPARTMENT if n < 15 else UnitKind.STREET
        units.append(OrgUnit.objects.add_child(OrgUnit.objects.get(pk=district.pk), {
            "code": f"U{n:02d}", "name": f"单位{n}", "kind": kind, "sort": n}))
    DutyPerson.objects.bulk_create([
        DutyPerson(unit=u, name=f"{u.code}-{i}", can_lead=i < 3, sort=i, phone="13800000000")
        for u in units for i in range(8)])
    User.objects.create(username="leader", unit=district, role=Role.LEADER)
    return units


def naive_generate(units, year: int) -> int:
    """The same roster written one row at a time through the ORM."""
    from django.db import transaction

    from diaodu.core.calendar import load_calendar
    from diaodu.duty import rules
    from diaodu.duty.models import DutyAssignment, DutyPerson, DutyShift

    kinds = rules.day_kinds(date(year, 1, 1), date(year, 12, 31), load_calendar().overrides)
    made = 0
    with transaction.atomic():
        for unit in units:
            people = list(DutyPerson.objects.filter(unit=unit).order_by("sort", "id"))
            shifts, _c = rules.rotate(kinds, [p.pk for p in people if p.can_lead],
                                      [p.pk for p in people if not p.can_lead],
                                      staff_per_shift=2)
            for s in shifts:
                shift = DutyShift.objects.create(unit=unit, date=s.day, kind=s.kind.value,
                                                 leader_id=s.leader, base_staff=2)
                DutyAssignment.objects.create(shift=shift, person_id=s.leader, date=s.day,
                                              role="leader")
                for person in s.staff:
                    DutyAssignment.objects.create(shift=shift, person_id=person, date=s.day,
                                                  role="staff")
                made += 1
    return made


def naive_board(*, user, day):
    """Per unit: its shift, then its people (N+1 queries)."""
    from diaodu.core.models import OrgUnit
    from diaodu.duty import rules
    from diaodu.duty.models import DutyAssignment, DutyShift
    from diaodu.duty.selectors import BoardRow

    rows = []
    for unit in OrgUnit.objects.order_by("path"):
        shift = DutyShift.objects.filter(unit=unit, date=day).first()
        if shift is None:
            continue
        people = list(DutyAssignment.objects.filter(shift=shift).select_related("person"))
        leader = next(a.person for a in people if a.role == "leader")
        rows.append(BoardRow(unit, shift, leader, [a.person for a in people
                                                   if a.role == "staff"],
                             rules.required_staff(shift.base_staff, shift.level)))
    return rows


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def board_times(client, requests: int) -> list[float]:
    url = f"/duty/?day={BOARD_DAY:%Y-%m-%d}"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert "单位28" in response.content.decode()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    from bench.freshdb import fresh_database

    fresh_database(DB, args.db, hosts=["localhost"])
    from django.db import connection
    from django.test import Client

    from diaodu.core.models import User
    from diaodu.duty import selectors, services
    from diaodu.duty.models import DutyShift

    units = units_and_people()
    print(f"[{args.db}] {len(units)} units × 8 people; shared 2-core machine, numbers are noisy",
          flush=True)

    started = time.perf_counter()
    naive = naive_generate(units, YEARS[0])
    peer_s = time.perf_counter() - started
    started = time.perf_counter()
    ours = services.roster_generate_all(actor=None, units=units, start=date(YEARS[-1], 1, 1),
                                        end=date(YEARS[-1], 12, 31))
    ours_s = time.perf_counter() - started
    assert ours == naive == 365 * len(units), (ours, naive)
    print(f"roster_year: {ours} shifts; ours {ours_s:.2f}s, row-by-row ORM {peer_s:.2f}s",
          flush=True)
    for year in YEARS[1:-1]:
        services.roster_generate_all(actor=None, units=units, start=date(year, 1, 1),
                                     end=date(year, 12, 31))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"rosters in the database: {DutyShift.objects.count()} shifts ({len(YEARS)} years)",
          flush=True)

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="leader"))
    ours_times = board_times(client, args.requests)
    real = selectors.duty_board
    selectors.duty_board = naive_board
    try:
        peer_times = board_times(client, args.requests)
    finally:
        selectors.duty_board = real
    ms = 1000
    ours_p95, peer_p95 = percentile(ours_times, 95) * ms, percentile(peer_times, 95) * ms
    print(f"duty_board: ours p50={statistics.median(ours_times) * ms:.0f}ms p95={ours_p95:.0f}ms"
          f" · naive N+1 board p50={statistics.median(peer_times) * ms:.0f}ms "
          f"p95={peer_p95:.0f}ms", flush=True)
    print(f"BENCH duty_roster_year_{args.db}: ours={ours_s:.2f}s row_orm={peer_s:.2f}s "
          f"ratio={peer_s / ours_s:.1f} goal ours<=2s: {'met' if ours_s <= 2 else 'missed'}")
    print(f"BENCH duty_board_{args.db}: ours={ours_p95:.0f}ms naive_n_plus_1={peer_p95:.0f}ms "
          f"ratio={peer_p95 / ours_p95:.1f} goal ours_p95<=150ms: "
          f"{'met' if ours_p95 <= 150 else 'missed'}")


if __name__ == "__main__":
    main()
