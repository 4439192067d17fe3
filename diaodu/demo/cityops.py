"""城运中心 demo: three months of grid events (2023-01-01 … the demo's business day 2023-03-31)
in the grids of 林山寨 and 莲湖 — 占道经营, 私搭乱建, 垃圾堆放, 井盖缺失, 噪音扰民 … — each taken
through the real steps: most closed and evaluated, some refused (不予立案), some late, the last
days' still open (a few past their limit, one handed to the city); the streets' ranking for
January to March. Everything is SAMPLE (descriptions, times, places, satisfaction).

Events need grids: this section uses the grids the demo has under the two streets (the grids
demo's 31, loaded just before); a street without grids gets no events. Accounts: the demo's
`street_ops` (莲湖), `district_ops` and `grid_worker` (阳光花苑第一网格) act; `street_ops_lsz`
is 林山寨's centre; a grid without a worker's account reports through the system (its worker's
name in the log). Password as the other demo accounts.

Each event has a point inside its grid's sample boundary (drawn from a random source of its own,
so the events themselves are those the demo always had), for the grid map's dots and heat.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from diaodu.cityops import services
from diaodu.cityops.models import Event
from diaodu.core import services as core_services
from diaodu.core.calendar import load_calendar
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.roles import Role
from diaodu.grids.models import GridProfile

from . import data

STREETS = {"410102001": "street_ops_lsz", "410102013": "street_ops"}
PER_DAY = (0, 0, 0, 0, 1, 1)  # events a grid reports on a working day (sample)
FIRST, LAST = date(2023, 1, 3), date(2023, 3, 31)
S = "【示例数据】"
# (category code, weight, lead unit code or "" for the street itself, descriptions)
KINDS = [
    ("S0502", 30, "410102-CGJ", ["早市摊贩占用人行道经营", "水果摊占道摆放", "餐馆门前占道经营"]),
    ("S0101", 10, "", ["楼顶搭建彩钢棚", "一楼住户私自扩建院墙", "绿地内搭建简易棚"]),
    ("S0105", 22, "410102-CGJ", ["小区门口建筑垃圾堆放", "路边生活垃圾堆放未清运",
                                 "装修垃圾堆放楼道口"]),
    ("B0101", 8, "410102-CGJ", ["人行道雨水井盖缺失", "污水井盖缺失，已临时围挡"]),
    ("S0505", 12, "410102-STHJ", ["夜间施工噪音扰民", "商铺外放音响噪音扰民", "广场舞音响过大"]),
    ("S0503", 10, "410102-CGJ", ["机动车占用消防通道停放", "车辆占用盲道停放"]),
    ("S0201", 8, "410102-CGJ", ["电线杆张贴小广告", "楼道内喷涂小广告"]),
]
PLACES = ["建设西路", "桐柏路", "秦岭路", "伏牛路", "颍河路", "嵩山路", "须水河西路", "莲湖路"]


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _account(username: str, role: str, unit: OrgUnit, display: str) -> User:
    found = User.objects.filter(username=username).first()
    return found or core_services.user_create(
        actor=None, username=username, password=data.DEMO_PASSWORD, unit=unit, role=role,
        display_name=display, must_change_password=False)


def _grids(street: OrgUnit) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(path__startswith=street.path, kind=UnitKind.GRID,
                                       active=True).order_by("path"))


def load() -> bool:
    if Event.objects.exists():
        return False
    services.categories_ensure()
    district = OrgUnit.objects.get(code=data.DISTRICT[0])
    _account("district_ops", Role.DISTRICT_OPS, district, "区城运中心值班员")
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[k[2] for k in KINDS if k[2]])}
    calendar = load_calendar()
    rng = random.Random(12345)
    spots = random.Random(2024)  # the points only: `rng` draws the same events as before
    made = 0
    for code, username in STREETS.items():
        street = OrgUnit.objects.get(code=code)
        ops = _account(username, Role.STREET_OPS, street, f"{street.short_name}城运中心值班员")
        for grid in _grids(street):
            worker = User.objects.filter(role=Role.GRID_WORKER, unit=grid,
                                         is_active=True).first()
            made += _grid_events(rng, calendar, street, grid, worker, ops, units,
                                 _spot(spots, grid))
    if made:
        for month in (1, 2, 3):
            services.ranking_compute(actor=None, year=2023, month=month)
    return bool(made)


def _spot(spots: random.Random, grid: OrgUnit):
    """Points inside the middle of the grid's boundary (its bounding box; the demo's are
    rectangles); None without a boundary."""
    profile = GridProfile.objects.filter(unit=grid).first()
    ring = ((profile.polygon or {}).get("coordinates") or [[]])[0] if profile else []
    if not ring:
        return lambda: (None, None)
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]

    def point() -> tuple[float, float]:
        lon = min(lons) + (max(lons) - min(lons)) * spots.uniform(0.1, 0.9)
        lat = min(lats) + (max(lats) - min(lats)) * spots.uniform(0.1, 0.9)
        return round(lat, 6), round(lon, 6)
    return point


def _grid_events(rng, calendar, street, grid, worker, ops, units, spot) -> int:
    count = 0
    day = FIRST
    while day <= LAST:
        if calendar.is_workday(day):
            for _n in range(rng.choice(PER_DAY)):
                _one(rng, day, street, grid, worker, ops, units, spot())
                count += 1
        day += timedelta(days=1)
    return count


END = _at(data.DEMO_TODAY, 17, 30)  # nothing happens after the demo's business day


def _one(rng, day, street, grid, worker, ops, units, point) -> None:
    code, _weight, lead, texts = rng.choices(KINDS, [k[1] for k in KINDS])[0]
    reported = _at(day, rng.randint(8, 16), rng.choice((5, 20, 35, 50)))
    event = services.event_report(
        actor=worker, grid=grid, category=code, detail=f"{rng.choice(texts)}。{S}",
        address=f"{rng.choice(PLACES)}{rng.randint(1, 200)}号附近", lat=point[0],
        lon=point[1], now=reported)
    age = (data.DEMO_TODAY - day).days
    if rng.random() < 0.05:
        services.event_reject(actor=ops, event=event, reason=f"经核实不属于城市管理事项。{S}",
                              now=reported + timedelta(minutes=40))
        return
    # The last days' events stop part-way (open on the demo day); older ones run to the end.
    last_step = 6 if age > 6 else rng.randint(0, 5)
    if age <= 1 and rng.random() < 0.5:
        last_step = 0
    late = rng.random() < 0.12  # a step taken after its limit
    moment = reported + timedelta(minutes=rng.randint(15, 90) + (200 if late else 0))
    if last_step < 1 or moment > END:
        return
    event = services.event_accept(actor=ops, event=event, now=moment)
    if last_step < 2:
        return
    lead_unit = units.get(lead) or street
    moment += timedelta(minutes=rng.randint(10, 50))
    if moment > END:
        return
    event = services.event_dispatch(actor=ops, event=event, lead_unit=lead_unit, now=moment)
    if last_step < 3:
        if age <= 6 and rng.random() < 0.15:
            services.event_report_city(actor=None, event=event, now=moment,
                                       note=f"涉及市管道路，报市城运中心协调。{S}")
        return
    moment += timedelta(hours=rng.randint(2, 30))
    if moment > END:
        return
    event = services.event_handle(actor=None, event=event, result=f"已现场处置完毕。{S}",
                                  now=moment)
    if last_step < 4:
        return
    moment += timedelta(hours=rng.randint(1, 5))
    if moment > END:
        return
    event = services.event_verify(actor=worker, event=event, passed=True, now=moment)
    if last_step < 5:
        return
    moment += timedelta(minutes=rng.randint(20, 100))
    if moment > END:
        return
    event = services.event_close(actor=ops, event=event, now=moment)
    if last_step < 6 or rng.random() < 0.1:
        return
    satisfaction = rng.choices((3, 2, 1), (70, 22, 8))[0]
    moment += timedelta(hours=rng.randint(1, 24))
    if moment <= END:
        services.event_evaluate(actor=ops, event=event, satisfaction=satisfaction, now=moment)
