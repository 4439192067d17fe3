"""Grid governance demo (网格治理): the grids of two streets, 莲湖 and 林山寨, with households,
population, micro-grids, generated boundaries, 多格合一 duties and grid workers with two years
of training.

From FACTS.md: 莲湖街道 阳光花苑社区 has 12 小网格 and 58 微网格; Zhengzhou sizes community grids
at 300–500 households and micro-grids at 50–70. Everything else — households, population,
names, phones, courses, and every boundary (generated rectangles, marked as sample
boundaries) — is SAMPLE."""

import random
from datetime import date, timedelta

from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.grids import services
from diaodu.grids.models import DutyType, GridWorker

from . import grid_register
from .duty import GIVEN, SURNAMES

LIANHU, LINSHANZHAI = "410102013", "410102001"
SUNSHINE = "410102013006"   # 阳光花苑社区
# Sample boxes (lon, lat of the south-west corner, width, height in degrees).
BOXES = {LIANHU: (113.535, 34.765, 0.060, 0.036), LINSHANZHAI: (113.605, 34.752, 0.030, 0.024)}
NUMBERS = "一二三四五六七八九十"
DUTIES = ("party", "order", "city", "emergency", "market")
COURSES = [("网格化服务管理实务", 8), ("事件发现与规范上报", 6), ("矛盾纠纷排查化解", 6),
           ("安全生产与消防巡查", 4), ("防汛应急处置", 4), ("基层党建与群众工作", 8),
           ("数字城管部件事件分类", 6), ("政策法规学习", 4)]


def _cn(n: int) -> str:
    return NUMBERS[n - 1] if n <= 10 else "十" + NUMBERS[n - 11] if n < 20 else str(n)


def _rect(lon: float, lat: float, w: float, h: float) -> dict:
    return {"type": "Polygon", "coordinates": [[
        [round(lon, 6), round(lat, 6)], [round(lon + w, 6), round(lat, 6)],
        [round(lon + w, 6), round(lat + h, 6)], [round(lon, 6), round(lat + h, 6)],
        [round(lon, 6), round(lat, 6)]]]}


class People:
    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def name(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
            if name not in self.used:
                self.used.add(name)
                return name

    def phone(self) -> str:
        return f"13{self.rng.randint(0, 9)}{self.rng.randint(10_000_000, 99_999_999)}"


def _rows(names: list[str], sizes: list[list[int]]) -> list[grid_register.Grid]:
    """The register's rows of a community: a grid's households are the sum of its
    micro-grids' (a grid of one has none)."""
    return [(name, micro if len(micro) > 1 else [], sum(micro))
            for name, micro in zip(names, sizes, strict=True)]


def _grids(community: OrgUnit) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(path__startswith=community.path, kind=UnitKind.GRID)
                .order_by("path"))


def _boundaries(street: OrgUnit, communities: list[OrgUnit]) -> None:
    """Sample rectangles: communities as strips across the street's box, grids as rows in a
    strip, micro-grids as columns in a grid."""
    lon, lat, width, height = BOXES[street.code]
    strip = width / len(communities)
    for c, community in enumerate(communities):
        x = lon + c * strip
        services.grid_boundary_set(actor=None, unit=community, sample=True,
                                   geometry=_rect(x, lat, strip, height))
        grids = list(OrgUnit.objects.filter(path__startswith=community.path,
                                            kind=UnitKind.GRID).order_by("path"))
        if not grids:
            continue
        row = height / len(grids)
        for g, grid in enumerate(grids):
            y = lat + g * row
            services.grid_boundary_set(actor=None, unit=grid, sample=True,
                                       geometry=_rect(x, y, strip, row))
            micro = list(OrgUnit.objects.filter(path__startswith=grid.path,
                                                kind=UnitKind.MICRO_GRID).order_by("path"))
            for m, unit in enumerate(micro):
                services.grid_boundary_set(
                    actor=None, unit=unit, sample=True,
                    geometry=_rect(x + m * strip / len(micro), y, strip / len(micro), row))


def _staff(grids: list[OrgUnit], people: People, rng: random.Random,
           account: User | None) -> int:
    duties = {d.code: d for d in DutyType.objects.filter(code__in=DUTIES)}
    made = 0
    for index, grid in enumerate(grids):
        head = services.worker_save(actor=None, grid=grid, name=people.name(),
                                    phone=people.phone(), is_head=True,
                                    user=account if index == 0 else None)
        crew = [head]
        if rng.random() < 0.5:
            crew.append(services.worker_save(actor=None, grid=grid, name=people.name(),
                                             phone=people.phone(), kind="part_time"))
        made += len(crew)
        for n, code in enumerate(DUTIES):
            holder = crew[n % len(crew)]
            services.grid_duty_set(actor=None, grid=grid, duty=duties[code],
                                   person=holder.name, phone=holder.phone, worker=holder)
        for worker in crew:
            _training(worker, rng)
    return made


def _training(worker: GridWorker, rng: random.Random) -> None:
    """2022: four to six courses (a few workers fall short of 24 hours or fail one); 2023 up to
    the demo day: one or two."""
    for year, count in ((2022, rng.randint(3, 6)), (2023, rng.randint(1, 2))):
        last = date(year, 12, 20) if year == 2022 else date(2023, 3, 28)
        for course, hours in rng.sample(COURSES, count):
            held = date(year, 1, 10) + timedelta(days=rng.randint(0, (last - date(year, 1, 10))
                                                                  .days))
            services.training_record_add(actor=None, worker=worker, course=course, held_on=held,
                                         hours=hours, passed=rng.random() > 0.08)


def load() -> bool:
    if GridWorker.objects.exists():
        return False
    rng = random.Random(2023)
    people = People(rng)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=(LIANHU, LINSHANZHAI,
                                                                 SUNSHINE))}
    accounts = {u.username: u for u in User.objects.filter(
        username__in=("grid_worker", "street_ops", "district_ops"))}
    # 阳光花苑社区: 12 grids, 58 micro-grids (10 grids of 5, 2 of 4); micro-grids of 48–74
    # households, so a few fall outside 50–70 and the 4-micro grids under 300.
    sizes = [[rng.randint(55, 68) for _ in range(5 if g < 10 else 4)] for g in range(12)]
    sizes[3][2], sizes[7][0] = 48, 74
    lianhu_rows = [(units[SUNSHINE].name,
                    _rows([f"阳光花苑第{_cn(n)}网格" for n in range(1, 13)], sizes))]
    lianhu = list(OrgUnit.objects.filter(path__startswith=units[LIANHU].path,
                                         kind=UnitKind.COMMUNITY).order_by("path"))
    for community in lianhu:
        if community.code == SUNSHINE:
            continue
        # Villages: grids by villager group, one of them oversized (to split).
        counts = [rng.randint(320, 480) for _ in range(2)]
        if community.name == "常庄村":
            counts[1] = 1120
        lianhu_rows.append((community.name, _rows(
            [f"{community.name}第{_cn(n)}网格" for n in (1, 2)], [[h] for h in counts])))
    linshan = list(OrgUnit.objects.filter(path__startswith=units[LINSHANZHAI].path,
                                          kind=UnitKind.COMMUNITY).order_by("path")[:3])
    linshan_rows = []
    for c, community in enumerate(linshan):
        counts = [rng.randint(310, 490) for _ in range(3)]
        if c == 2:
            counts[2] = 240
        linshan_rows.append((community.name, _rows(
            [f"{community.name.removesuffix('社区')}第{_cn(n)}网格" for n in (1, 2, 3)],
            [[h] for h in counts])))
    # Households and population come as the street offices keep them: their registers,
    # imported by the street centre (莲湖) and the district centre (林山寨, which has no
    # account of its own in the demo).
    grid_register.import_register(accounts.get("street_ops"), "莲湖街道", grid_register.workbook(
        "莲湖街道", lianhu_rows, {"常庄村第二网格": "超过500户，拟拆分"}))
    if linshan_rows:
        grid_register.import_register(accounts.get("district_ops"), "林山寨街道",
                                      grid_register.workbook("林山寨街道", linshan_rows))
    sunshine = _grids(units[SUNSHINE])
    village_grids = [g for c in lianhu if c.code != SUNSHINE for g in _grids(c)]
    linshan_grids = [g for c in linshan for g in _grids(c)]
    _boundaries(units[LIANHU], lianhu)
    if linshan:
        _boundaries(units[LINSHANZHAI], linshan)
    _staff(sunshine, people, rng, accounts.get("grid_worker"))
    _staff(linshan_grids, people, rng, None)
    _staff(village_grids[:4], people, rng, None)
    return True
