"""Load the 中原区 demo: org tree, accounts, categories, campaigns, the seeds' projects and
about a hundred generated SAMPLE projects. Deterministic (fixed random seed), all through the
services, in one transaction; a second run changes nothing."""

import random
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

from django.db import transaction

from diaodu.cases.services import task_force_create
from diaodu.core import services as core_services
from diaodu.core import two_factor
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.projects import services
from diaodu.projects.models import Campaign, Level, Stage

from . import data

GENERATED = 110
LATEST_DEMO_DATE = date(2026, 6, 30)  # generated actual dates stay in the past

# Name parts for generated SAMPLE projects: (category, templates).
TEMPLATES = {
    "urban_village": ["{place}城中村改造项目", "{place}安置区建设项目"],
    "urban_renewal": ["{place}老旧小区改造项目", "{place}片区城市更新项目",
                      "{place}历史街区有机更新项目"],
    "education": ["{place}小学新建项目", "{place}初级中学扩建项目", "{place}幼儿园建设项目"],
    "health": ["{place}社区卫生服务中心建设项目", "{place}医养结合中心项目"],
    "road": ["{road}道路工程项目", "{road}综合管廊项目", "{road}提质改造工程"],
    "industry": ["{firm}智能制造产业园项目", "{firm}研发总部项目", "{firm}数字经济产业园项目"],
    "culture": ["{place}文化公园项目", "{place}全民健身中心项目"],
    "public_service": ["{place}邻里中心项目", "{place}养老服务中心项目", "{place}停车场建设项目"],
    "ecology": ["{place}河道综合治理项目", "{place}口袋公园建设项目", "{place}雨污分流改造工程"],
    "commerce": ["{firm}商业综合体项目", "{firm}冷链物流中心项目"],
}
ROADS = ["桐柏路", "秦岭路", "华山路", "嵩山路", "建设西路", "中原西路", "陇海西路", "航海西路",
         "须水河路", "西四环", "化工路", "五龙口路", "淮河西路", "伏牛路", "工人路", "友爱路"]
FIRMS = ["豫西", "中原", "郑西", "嵩岳", "绿城", "华夏", "金桥", "天健", "恒瑞", "博源"]


def _code(rng: random.Random, when: date, kind: int) -> str:
    """A SAMPLE project code in the form of its time: old (yyyy, 6-digit serial) before the
    2020-11 reform, new (yymm, 5 characters + check character) after (FACTS.md)."""
    if when < date(2020, 11, 1):
        return f"{max(when.year, 2016)}-410102-{rng.randint(40, 79):02d}-{kind:02d}-" \
               f"{rng.randint(0, 999999):06d}"
    tail = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    return f"{when:%y%m}-410102-{rng.randint(1, 9):02d}-{kind:02d}-{tail}"


def _units() -> dict[str, OrgUnit]:
    district = core_services.org_unit_create(
        actor=None, parent=None, code=data.DISTRICT[0], name=data.DISTRICT[1],
        short_name=data.DISTRICT[2], kind=UnitKind.DISTRICT)
    units = {district.code: district}
    for sort, (code, name, short) in enumerate(data.DEPARTMENTS):
        units[code] = core_services.org_unit_create(
            actor=None, parent=district, code=code, name=name,
            short_name=short, kind=UnitKind.DEPARTMENT, sort=sort)
    for sort, (code, short) in enumerate(data.STREETS):
        units[code] = core_services.org_unit_create(
            actor=None, parent=district, code=code,
            name=f"{short}街道办事处", short_name=f"{short}街道", kind=UnitKind.STREET,
            sort=100 + sort)
    for street_code, names in data.COMMUNITIES.items():
        for sort, name in enumerate(names, start=1):
            community = core_services.org_unit_create(
                actor=None, parent=units[street_code],
                code=f"{street_code}{sort:03d}", name=name, kind=UnitKind.COMMUNITY, sort=sort)
            for gsort, grid in enumerate(data.GRIDS.get(name, []), start=1):
                core_services.org_unit_create(
                    actor=None, parent=community,
                    code=f"{community.code}G{gsort:02d}", name=grid, kind=UnitKind.GRID,
                    sort=gsort)
    return {u.code: u for u in OrgUnit.objects.all()}


def _accounts(units: dict[str, OrgUnit]) -> dict[str, User]:
    return {
        username: core_services.user_create(
            actor=None, username=username, password=data.DEMO_PASSWORD, unit=units[unit],
            role=role, display_name=display, must_change_password=False)
        for username, role, unit, display in data.ACCOUNTS
    }


def _campaigns() -> dict[int, Campaign]:
    return {
        phase: services.campaign_create(
            actor=None, issuer_level=Level.PROVINCE, year=year, phase=phase, held_on=held_on,
            name=f"河南省第{phase}期“三个一批”")
        for year, phase, held_on in data.CAMPAIGNS
    }


def _named_projects(units, users, categories, campaigns, rng):
    created = []
    for spec in data.NAMED_PROJECTS:
        start = spec.get("start")
        whitelisted = spec.get("whitelist")
        project = services.project_create(
            actor=None, name=spec["name"], level=spec["level"],
            category=categories[spec["category"]], stage=spec["stage"],
            responsible_unit=units[spec["unit"]], street=units[spec["street"]],
            leader=users[spec["leader"]], total_investment=Decimal(spec["total"]),
            scope=spec["scope"], actual_start=start,
            planned_start=start or date(2026, 9, 30),
            planned_completion=(start or date(2026, 9, 30)) + timedelta(days=900),
            code=_code(rng, start or date(2022, 3, 1), 1),
            stats_registered_on=start + timedelta(days=25) if start else None,
            on_whitelist=bool(whitelisted), whitelisted_on=whitelisted,
            location=f"郑州市中原区{units[spec['street']].short_name}辖区",
        )
        if "campaign" in spec:
            phase, batch, listed_on = spec["campaign"]
            services.campaign_entry_add(actor=None, campaign=campaigns[phase], project=project,
                                        batch=batch, listed_on=listed_on)
        created.append((project, spec.get("taskforce", False)))
    return created


STAGE_WEIGHTS = [(Stage.PIPELINE, 10), (Stage.NEGOTIATING, 8), (Stage.SIGNED, 8),
                 (Stage.PREPARATION, 22), (Stage.CONSTRUCTION, 45), (Stage.COMPLETED, 17)]
LEVEL_WEIGHTS = [(Level.PROVINCE, 15), (Level.CITY, 40), (Level.DISTRICT, 45)]
UNIT_FOR_CATEGORY = {
    "education": "410102-JYJ", "health": "410102-WJW", "road": "410102-CJJ",
    "industry": "410102-GXJ", "commerce": "410102-FGW", "ecology": "410102-STHJ",
    "culture": "410102-CJJ",
}


def _generated_projects(units, users, categories, campaigns, rng):
    streets = [units[code] for code, _ in data.STREETS]
    leaders = [users["leader"], users["leader_secretary"]]
    stages = [s for s, w in STAGE_WEIGHTS for _ in range(w)]
    levels = [lv for lv, w in LEVEL_WEIGHTS for _ in range(w)]
    used = set()
    for number in range(GENERATED):
        category = rng.choice(list(TEMPLATES))
        street = rng.choice(streets)
        name = rng.choice(TEMPLATES[category]).format(
            place=street.short_name.removesuffix("街道"), road=rng.choice(ROADS),
            firm=rng.choice(FIRMS))
        if name in used:
            name = name.removesuffix("项目") + f"（{number % 3 + 2}期）项目"
        used.add(name)
        stage = rng.choice(stages)
        level = rng.choice(levels)
        scale = {Level.PROVINCE: (200000, 1500000), Level.CITY: (50000, 600000),
                 Level.DISTRICT: (800, 60000)}[level]
        total = Decimal(rng.randint(scale[0] * 100, scale[1] * 100)) / 100
        unit = units[UNIT_FOR_CATEGORY[category]] if category in UNIT_FOR_CATEGORY else street
        start = completion = registered = None
        if stage in (Stage.CONSTRUCTION, Stage.COMPLETED):
            # Most of today's key projects started in 2019–2021 (big multi-year works).
            start = date(2019, 1, 1) + timedelta(
                days=rng.randint(0, 1100) if rng.random() < 0.7 else rng.randint(1100, 2500))
            start = min(start, LATEST_DEMO_DATE - timedelta(days=200))
            # Some started projects are not registered yet (拟入库): a realistic gap.
            if total >= 500 and rng.random() < 0.85:
                registered = start + timedelta(days=rng.randint(10, 60))
        if stage == Stage.COMPLETED:
            completion = min(start + timedelta(days=rng.randint(300, 1000)), LATEST_DEMO_DATE)
        planned_start = start or date(2026, 7, 1) + timedelta(days=rng.randint(0, 500))
        with_code = stage not in (Stage.PIPELINE, Stage.NEGOTIATING)
        project = services.project_create(
            actor=None, name=name, level=level, category=categories[category], stage=stage,
            responsible_unit=unit, street=street, leader=rng.choice(leaders),
            total_investment=total,
            scope=f"{data.S}{categories[category].name}类项目，建设内容以批复为准。",
            # The code is issued at approval, which lies in the past even for future starts.
            code=_code(rng, min(planned_start, LATEST_DEMO_DATE), rng.randint(1, 3))
            if with_code else None,
            planned_start=planned_start,
            planned_completion=planned_start + timedelta(days=rng.randint(300, 1100)),
            actual_start=start, actual_completion=completion, stats_registered_on=registered,
            owner_name=f"郑州{rng.choice(FIRMS)}建设发展有限公司",
            location=f"郑州市中原区{street.short_name}辖区",
        )
        if stage in (Stage.SIGNED, Stage.CONSTRUCTION) and rng.random() < 0.15:
            phase = rng.choice(list(campaigns))
            batch = "sign" if stage == Stage.SIGNED else "start"
            services.campaign_entry_add(actor=None, campaign=campaigns[phase], project=project,
                                        batch=batch, listed_on=campaigns[phase].held_on)


# Demo sections of later apps, loaded after the ledger. Each module has `load() -> bool`
# that finds units, users and projects by code/username/name and is idempotent by itself.
SECTIONS: list[str] = ["diaodu.demo.investment", "diaodu.demo.schedule", "diaodu.demo.cases",
                      "diaodu.demo.dashboard", "diaodu.demo.duty"]


def load_demo() -> bool:
    """Load whatever part of the demo is not there yet. Returns True when it loaded something."""
    loaded = _load_ledger()
    loaded |= _two_factor_devices()
    for section in SECTIONS:
        with transaction.atomic():
            loaded |= import_module(section).load()
    return loaded


def _load_ledger() -> bool:
    if OrgUnit.objects.filter(code=data.DISTRICT[0]).exists():
        return False
    rng = random.Random(410102)
    with transaction.atomic():
        units = _units()
        users = _accounts(units)
        categories = {
            code: services.category_create(actor=None, code=code, name=name, sort=sort)
            for sort, (code, name) in enumerate(data.CATEGORIES)
        }
        campaigns = _campaigns()
        named = _named_projects(units, users, categories, campaigns, rng)
        _generated_projects(units, users, categories, campaigns, rng)
        task_force_create(
            actor=None, name="重点项目落地服务专班", lead_unit=units["410102-FGW"],
            members=[users["taskforce"]], projects=[p for p, tf in named if tf],
            duties="围绕项目立项审批、规划选址、土地预审、环评手续办理等问题逐项解决。")
    return True


def _two_factor_devices() -> bool:
    """The demo accounts whose role needs a second factor get an authenticator with the
    published demo secret (two_factor.DEMO_KEY): the demo stays usable without a phone
    (`diaodu otp_code USER`), and production refuses that secret at sign-in."""
    enrolled = False
    for user in User.objects.filter(username__in=[a[0] for a in data.ACCOUNTS]):
        if two_factor.required_for(user) and two_factor.device_of(user) is None:
            two_factor.otp_device_enrol(actor=None, user=user, key=two_factor.DEMO_KEY)
            enrolled = True
    return enrolled


def account_table() -> list[tuple[str, str, str, str]]:
    """(username, role label, unit, display name) of the demo accounts, for the console."""
    users = {u.username: u for u in User.objects.select_related("unit")
             .filter(username__in=[a[0] for a in data.ACCOUNTS])}
    return [(name, users[name].get_role_display(), str(users[name].unit), str(users[name]))
            for name, *_ in data.ACCOUNTS if name in users]


