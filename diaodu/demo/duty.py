"""Duty and emergency demo (应急值守): duty lists and two years of 24-hour rosters for every
department and street, spot checks in the three weeks before the demo's business date
(2023-03-31), the 14 streets' flood-control posts and the
district flood plan, the district's two-level drill plans with the drills of early March 2022,
and the tracing force of the seeds — 110 members from 卫生/公安/街道 in 22 groups and 3
echelons.

From the seeds: the 110 / 22 / 3 structure and its sources, the March 2022 single-chain and
single-element drills organised by 区卫健委 (卫生防治部门, 进口货物专班, 教育防控专班), the
14 streets' flood posts, 24-hour duty. Everything else — names, phones, materials, the police
branch's name, times, findings — is SAMPLE (marked 【示例数据】 where it is text).
"""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from diaodu.core import services as core_services
from diaodu.core.models import OrgUnit, UnitKind
from diaodu.dashboard.models import UnitRanking
from diaodu.dashboard.services import ranking_compute, scheme_active, scheme_create
from diaodu.duty import services
from diaodu.duty.models import DutyPerson, DutyShift, TracingTeam

from . import data

S = "【示例数据】"
POLICE = ("410102-GAFJ", "郑州市公安局中原分局", "中原公安分局")  # SAMPLE name
ROSTER_START, ROSTER_END = date(2022, 1, 1), date(2023, 12, 31)  # calendar years
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅志国建新文斌宇浩鹏飞晨"
# (groups, echelon) — 22 groups: 8 in the first echelon, 7 in each of the others (SAMPLE split).
ECHELONS = [(8, 1), (7, 2), (7, 3)]
# 110 members: 50 from health, 22 from police, 38 from the streets (SAMPLE split).
SOURCES = [("health", 50), ("police", 22), ("street", 38)]


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


class Names:
    """Distinct SAMPLE names, drawn in a fixed order."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def __call__(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
            if name not in self.used:
                self.used.add(name)
                return name


def _phone(rng: random.Random) -> str:
    return f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"


def _police() -> OrgUnit:
    unit = OrgUnit.objects.filter(code=POLICE[0]).first()
    if unit is None:
        district = OrgUnit.objects.get(code=data.DISTRICT[0])
        unit = core_services.org_unit_create(actor=None, parent=district, code=POLICE[0],
                                             name=POLICE[1], short_name=POLICE[2],
                                             kind=UnitKind.DEPARTMENT, sort=50)
    return unit


def _rosters(units: list[OrgUnit], rng: random.Random, names: Names) -> None:
    for unit in units:
        for i in range(3):
            services.duty_person_create(actor=None, unit=unit, name=names(),
                                        position="副主任" if i else "主任", phone=_phone(rng),
                                        can_lead=True, sort=i)
        for i in range(5):
            services.duty_person_create(actor=None, unit=unit, name=names(), position="科员",
                                        phone=_phone(rng), sort=10 + i)
    for year in range(ROSTER_START.year, ROSTER_END.year + 1):  # a year at a time (the limit)
        services.roster_generate_all(actor=None, units=units, start=date(year, 1, 1),
                                     end=date(year, 12, 31), staff_per_shift=2, holiday_staff=1)


def _checks(units: list[OrgUnit]) -> None:
    """Night-time spot checks on working days and holidays alike, from the first week of 2023
    up to the demo's business date (31 March 2023), three units a night; most answered within
    minutes, about one in ten missed (SAMPLE). Its own random stream, so adding months here
    leaves the other sections' sample names as they were."""
    rng = random.Random(2023)
    day = date(2023, 1, 3)
    while day < date(2023, 3, 31):
        for unit in rng.sample(units, 3):
            called = at(day.year, day.month, day.day, rng.randint(0, 5), rng.randint(0, 59))
            check = services.spot_check_create(actor=None, unit=unit, called_at=called)
            if rng.random() < 0.9:
                services.spot_check_answer(
                    actor=None, check=check,
                    at=called + timedelta(seconds=rng.randint(20, 9 * 60)))
        day += timedelta(days=1)
    shift = DutyShift.objects.filter(unit__code="410102001", date=date(2023, 3, 30)).first()
    if shift:
        services.handover_record(actor=None, shift=shift, calls=6,
                                 events=S + "夜间辖区平稳；接群众来电 6 个，均已登记转办。",
                                 open_items=S + "核酸采样点物资补充，次日上午报送。")


def _flood(streets: list[OrgUnit], units: dict[str, OrgUnit], rng: random.Random,
           names: Names) -> None:
    for street in streets:
        services.flood_post_create(
            actor=None, street=street, name=f"{street.short_name}防汛值守点",
            address=f"{S}郑州市中原区{street.short_name}办事处", phone=_phone(rng),
            members=[(names(), duty, _phone(rng))
                     for duty in ("带班领导", "防汛科室负责人", "值守人员", "值守人员",
                                  "抢险队长")],
            materials=[("编织袋", rng.randint(10, 40) * 100, "条"),
                       ("抽水泵", rng.randint(2, 8), "台"),
                       ("救生衣", rng.randint(20, 60), "件"),
                       ("发电机", rng.randint(1, 3), "台"),
                       ("应急照明灯", rng.randint(10, 30), "盏")])
    # The units at the seed's flood-control meeting (29–30 March 2022), streets from yellow.
    named = [(units[c], "blue") for c in ("410102-YJJ", "410102-CGJ", "410102-CJJ",
                                          "410102-FGJ")]
    plan = services.flood_plan_create(actor=None, name="中原区防汛应急预案",
                                      units=[*named, *((s, "yellow") for s in streets)])
    warning = services.flood_warning_issue(actor=None, plan=plan, level="yellow",
                                           at=at(2022, 7, 18, 16, 0),
                                           note=S + "市气象台发布暴雨黄色预警")
    services.flood_warning_lift(actor=None, warning=warning, at=at(2022, 7, 20, 10, 0))


def _drills(streets: list[OrgUnit], units: dict[str, OrgUnit], rng: random.Random) -> None:
    wjw = units["410102-WJW"]
    chain = services.drill_plan_create(
        actor=None, tier="district", unit=wjw, name="中原区疫情防控应急演练预案（单链条）",
        scenario="发现核酸检测阳性人员后，从报告、流调溯源、转运到隔离管控的应急处置。",
        mode="chain", tested="报告—流调—转运—隔离链条", units=[wjw, units["410102-JYJ"]])
    element = services.drill_plan_create(
        actor=None, tier="district", unit=wjw, name="中原区疫情防控应急演练预案（单要素）",
        scenario="区域核酸检测采样点的快速设置与运行。", mode="element", tested="核酸采样",
        units=[wjw])
    drills = [
        (chain, wjw, date(2022, 3, 2), [units["410102-JYJ"]], 60, 120,
         "卫生防治部门、教育防控专班参加。",
         [("学校场景转运车辆到位较预案晚 15 分钟", units["410102-JYJ"])]),
        (element, wjw, date(2022, 3, 4), [], 45, 90, "进口货物专班参加。",
         [("采样点物资清单与实际不符", wjw)]),
    ]
    for street in streets[:9]:  # the other five did not drill the chain plan in 2022
        drills.append((chain, street, date(2022, 3, rng.randint(7, 25)), [wjw],
                       rng.randint(20, 60), rng.randint(60, 150), "", []))
    for street in streets[:6]:  # 2023 so far: six streets (the coverage page lists the rest)
        drills.append((chain, street, date(2023, 3, rng.randint(1, 30)), [wjw],
                       rng.randint(20, 60), rng.randint(60, 150), "", []))
    for plan, unit, held_on, with_units, people, minutes, note, findings in drills:
        drill = services.drill_record(actor=None, plan=plan, unit=unit, held_on=held_on,
                                      participants=people, duration_minutes=minutes,
                                      units=with_units, summary=S + note if note else "",
                                      findings=[(S + t, u) for t, u in findings])
        if plan is chain and unit == wjw:
            services.finding_to_case(actor=None, finding=drill.findings.first(),
                                     today=held_on + timedelta(days=1))
    street = streets[0]
    services.drill_plan_create(
        actor=None, tier="street", unit=street, name=f"{street.short_name}防汛应急演练预案",
        scenario="暴雨造成辖区低洼片区积水，转移群众、抽排积水。", mode="element",
        tested="人员转移")


def _tracing(streets: list[OrgUnit], units: dict[str, OrgUnit], police: OrgUnit,
             rng: random.Random, names: Names) -> None:
    wjw = units["410102-WJW"]
    team = services.tracing_team_create(actor=None, name="中原区流调队伍", unit=wjw)
    members = []
    for source, count in SOURCES:
        for i in range(count):
            unit = {"health": wjw, "police": police}.get(source) or streets[i % len(streets)]
            members.append(services.tracing_member_add(
                actor=None, team=team, name=names(), unit=unit, source=source,
                phone=_phone(rng)))
    # Mix the sources in every group: deal the members out like cards.
    by_source = {s: [m for m in members if m.source == s] for s, _n in SOURCES}
    dealt = [m for row in zip(*(iter_fill(v, 50) for v in by_source.values()), strict=True)
             for m in row if m is not None]
    number = 0
    groups = []
    for count, echelon in ECHELONS:
        for _ in range(count):
            number += 1
            groups.append(services.tracing_group_create(actor=None, team=team, number=number,
                                                        echelon=echelon))
    for index, group in enumerate(groups):
        chosen = dealt[index * 5:(index + 1) * 5]
        services.tracing_group_set_members(actor=None, group=group, members=chosen,
                                           leader=chosen[0])
    for member in rng.sample(members, 12):
        services.tracing_member_set_status(actor=None, member=member,
                                           status=rng.choice(("off", "leave")))
    activation = services.activation_start(actor=None, team=team,
                                           title=S + "某小区报告核酸检测阳性人员", groups_needed=4,
                                           at=at(2022, 3, 20, 21, 40))
    services.activation_contact(actor=None, activation=activation, at=at(2022, 3, 20, 22, 18))
    services.activation_close(actor=None, activation=activation, at=at(2022, 3, 21, 9, 30))


def iter_fill(items: list, length: int) -> list:
    """`items` padded with None to `length`, so zip deals every list to the end."""
    return items + [None] * (length - len(items))


def load() -> bool:
    if TracingTeam.objects.filter(name="中原区流调队伍").exists() or DutyPerson.objects.exists():
        return False
    rng = random.Random(12345)
    names = Names(rng)
    police = _police()
    units = {u.code: u for u in OrgUnit.objects.all()}
    streets = [units[code] for code, _s in data.STREETS]
    departments = [units[code] for code, *_r in data.DEPARTMENTS] + [police]
    _rosters([units[data.DISTRICT[0]], *departments, *streets], rng, names)
    _checks(departments + streets)
    _flood(streets, units, rng, names)
    _drills(streets, units, rng)
    _tracing(streets, units, police, rng, names)
    _ranking_with_checks()
    return True


def _ranking_with_checks() -> None:
    """Scheme version 2 gives 查岗 a weight (5 of 100, taken from investment), and the months
    the dashboard section ranked are ranked again with the checks counted."""
    weights = {**scheme_active().weights}
    weights["investment"] -= 5
    weights["duty_checks"] = 5
    scheme_create(actor=None, weights=weights, top_group_size=scheme_active().top_group_size,
                  note=S + "将查岗按时应答率纳入单位排名")
    for year, month in (UnitRanking.objects.values_list("year", "month").distinct()
                        .order_by("year", "month")):
        ranking_compute(actor=None, year=year, month=month)
