"""Load the 中原区 demo as it stands on its business day, 2023-03-31 (data.DEMO_TODAY): org
tree, accounts, categories, campaigns, the seeds' projects and about a hundred generated
SAMPLE projects (diaodu/demo/catalogue.py). Deterministic (fixed random seed), all through the
services, each section in one transaction; a second run changes nothing."""

import random
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

from django.db import transaction

from diaodu.core import audit, audit_seal, clock, two_factor
from diaodu.core import services as core_services
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.projects import services
from diaodu.projects.models import Campaign, Level, Stage

from . import data
from .campaigns import campaign_entries
from .catalogue import (
    ENTERPRISE_CATEGORIES,
    KINDS,
    SIGN_LEAD_MONTHS,
    VILLAGES,
    add_months,
    level_for,
    spend_curve,
)

COMPLETED_2021 = Decimal("4106000.00")  # the seed: 2021 省市重点 completed 410.6亿元

GENERATED = 106
TODAY = data.DEMO_TODAY

ROADS = ["桐柏路", "秦岭路", "华山路", "嵩山路", "建设西路", "中原西路", "陇海西路", "航海西路",
         "须水河路", "西四环", "化工路", "五龙口路", "淮河西路", "伏牛路", "工人路", "友爱路"]
FIRMS = ["豫西", "中原", "郑西", "嵩岳", "绿城", "华夏", "金桥", "天健", "恒瑞", "博源", "宏图",
         "鼎盛", "瑞泰", "兴业"]


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
        planned = start or spec["planned"]
        project = services.project_create(
            actor=None, name=spec["name"], level=spec["level"],
            category=categories[spec["category"]], stage=spec["stage"],
            responsible_unit=units[spec["unit"]], street=units[spec["street"]],
            leader=users[spec["leader"]], total_investment=Decimal(spec["total"]),
            scope=spec["scope"], actual_start=start, planned_start=planned,
            planned_completion=spec["finish"],
            # The code is issued at approval, months before the start.
            code=_code(rng, add_months(planned, -8), 1),
            stats_registered_on=start + timedelta(days=25) if start else None,
            on_whitelist=bool(whitelisted), whitelisted_on=whitelisted,
            owner_name=_owner(spec["category"] in ENTERPRISE_CATEGORIES, units[spec["unit"]],
                              rng),
            fulfilled_on=spec.get("fulfilled"),
            location=f"郑州市中原区{units[spec['street']].short_name}辖区",
        )
        if "campaign" in spec:
            phase, batch, listed_on = spec["campaign"]
            services.campaign_entry_add(actor=None, campaign=campaigns[phase], project=project,
                                        batch=batch, listed_on=listed_on)
        created.append((project, spec.get("taskforce", False)))
    return created


def _owner(enterprise: bool, unit: OrgUnit, rng: random.Random) -> str:
    """建设单位: an enterprise, or for government investment the responsible unit (SAMPLE)."""
    if enterprise:
        return f"郑州{rng.choice(FIRMS)}{rng.choice(['实业', '置业', '科技', '产业发展'])}有限公司"
    return unit.name


# As of the demo's day: (stage, weight). Completed projects finished before it, projects
# under construction started before it, the others start after it (a few 前期 projects are
# past their planned start: the warnings show them).
STAGE_WEIGHTS = [(Stage.PIPELINE, 5), (Stage.NEGOTIATING, 6), (Stage.SIGNED, 7),
                 (Stage.PREPARATION, 19), (Stage.CONSTRUCTION, 48), (Stage.COMPLETED, 15)]
UNIT_FOR_CATEGORY = {
    "education": "410102-JYJ", "health": "410102-WJW", "road": "410102-CJJ",
    "industry": "410102-GXJ", "commerce": "410102-FGW", "ecology": "410102-STHJ",
    "culture": "410102-CJJ",
}


def _days(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _dates(rng: random.Random, stage: str, months: int) -> dict:
    """Start, completion and planned dates that agree with `stage` on the demo's day."""
    if stage == Stage.COMPLETED:
        finish = _days(rng, date(2021, 3, 1), date(2023, 2, 20))
        start = add_months(finish, -months)
        return {"actual_start": start, "actual_completion": finish, "planned_start": start,
                "planned_completion": add_months(start, months + rng.choice([-1, 0, 0, 1]))}
    if stage == Stage.CONSTRUCTION:
        # Started before the demo's day, finishing after it.
        earliest = max(date(2019, 3, 1), add_months(TODAY, -months + 2))
        start = _days(rng, earliest, TODAY - timedelta(days=20))
        return {"actual_start": start, "planned_start": start,
                "planned_completion": add_months(start, months)}
    # Enterprise projects sign ten months before they start: 前期 and 签约 ones have signed.
    first, last = {Stage.PREPARATION: (date(2023, 1, 15), date(2024, 1, 31)),
                   Stage.SIGNED: (date(2023, 6, 1), date(2024, 1, 31)),
                   Stage.NEGOTIATING: (date(2023, 10, 1), date(2024, 12, 31)),
                   Stage.PIPELINE: (date(2024, 3, 1), date(2025, 12, 31))}[stage]
    start = _days(rng, first, last)
    return {"planned_start": start, "planned_completion": add_months(start, months)}


def _landing(rng: random.Random, enterprise: bool, stage: str, dates: dict) -> dict:
    """履约 (the signed investment landed) and 达产 (design capacity reached) dates of an
    enterprise project, when they lie before the demo's day (SAMPLE)."""
    if not enterprise or stage in (Stage.PIPELINE, Stage.NEGOTIATING):
        return {}
    out = {}
    signed = add_months(dates.get("actual_start") or dates["planned_start"], -SIGN_LEAD_MONTHS)
    landed = signed + timedelta(days=rng.randint(60, 240))
    if landed <= TODAY and (stage != Stage.SIGNED or rng.random() < 0.4):
        out["fulfilled_on"] = landed
    if stage == Stage.COMPLETED:
        capacity = dates["actual_completion"] + timedelta(days=rng.randint(120, 300))
        if capacity <= TODAY and rng.random() < 0.8:
            out["reached_capacity_on"] = capacity
    return out


def _generated_rows(units, users, categories, rng) -> list[dict]:
    """The SAMPLE projects, planned as rows for project_create_many: a kind from the
    catalogue, its total inside the kind's range, dates that agree with the stage."""
    streets = [units[code] for code, _ in data.STREETS]
    leaders = [users["leader"], users["leader_secretary"]]
    stages = [s for s, w in STAGE_WEIGHTS for _ in range(w)]
    kinds = [k for k in KINDS for _ in range(k.weight)]
    used = {spec["name"] for spec in data.NAMED_PROJECTS}
    rows, sizes = [], []
    # 中原区's key-project investment is carried by city-village redevelopment and large
    # renewal and industry works: a fixed share of them is under construction.
    big = {k.pattern: k for k in KINDS}
    forced = [big["{village}村城中村改造项目"]] * 9 + [big["{place}片区城市更新项目"]] * 4 + \
        [big["{firm}智能制造产业园项目"]] * 3 + [big["{firm}商业综合体项目"]] * 2
    while len(rows) < GENERATED:
        kind = forced.pop() if forced else rng.choice(kinds)
        street = rng.choice(streets)
        name = kind.pattern.format(place=street.short_name.removesuffix("街道"),
                                   road=rng.choice(ROADS), firm=rng.choice(FIRMS),
                                   village=rng.choice(VILLAGES))
        if name in used:
            continue  # names are unique: draw again
        used.add(name)
        stage = Stage.CONSTRUCTION if len(rows) < 18 else rng.choice(stages)
        total = Decimal(int((kind.low + (kind.high - kind.low) * rng.random()) * 100)) / 100
        months = rng.randint(*kind.months)
        dates = _dates(rng, stage, months)
        start = dates.get("actual_start")
        registered = None
        if start and total >= 500:
            registered = start + timedelta(days=rng.randint(10, 45))
            # Started lately and not registered yet: the 拟入库 list (先入库，后有数).
            if registered > TODAY or (start > date(2023, 1, 1) and rng.random() < 0.5):
                registered = None
        unit = units[UNIT_FOR_CATEGORY[kind.category]] \
            if kind.category in UNIT_FOR_CATEGORY else street
        dates.update(_landing(rng, kind.enterprise, stage, dates))
        rows.append(dict(
            name=name, level=level_for(int(total), rng.random()),
            category=categories[kind.category], stage=stage, responsible_unit=unit,
            street=street, leader=rng.choice(leaders), total_investment=total,
            scope=f"{data.S}{categories[kind.category].name}类项目，建设内容以批复为准。",
            # The code is issued at approval, months before the start (none before approval).
            code=_code(rng, min(add_months(dates["planned_start"], -rng.randint(4, 12)),
                                TODAY), rng.randint(1, 3))
            if stage not in (Stage.PIPELINE, Stage.NEGOTIATING) else None,
            stats_registered_on=registered, owner_name=_owner(kind.enterprise, unit, rng),
            location=f"郑州市中原区{street.short_name}辖区", **dates))
        sizes.append(kind)
    _calibrate(rows, sizes)
    return rows


def _spent_2021(total, start: date | None, finish: date | None) -> float:
    if start is None:
        return 0.0
    return sum(v for (year, _m), v in spend_curve(total, start, finish).items() if year == 2021)


def _calibrate(rows: list[dict], kinds: list) -> None:
    """Size the provincial and municipal projects that built in 2021 so their seasonal
    spending comes to about the seed's 410.6亿元 (investment.py then makes it exact), each
    staying inside its kind's range."""
    named = sum(_spent_2021(Decimal(s["total"]), s.get("start"), s["finish"])
                for s in data.NAMED_PROJECTS if s["level"] != Level.DISTRICT)
    chosen = [(row, kind) for row, kind in zip(rows, kinds, strict=True)
              if row["level"] != Level.DISTRICT and row.get("actual_start")
              and _spent_2021(row["total_investment"], row["actual_start"],
                              row.get("actual_completion") or row["planned_completion"])]
    spent = sum(_spent_2021(row["total_investment"], row["actual_start"],
                            row.get("actual_completion") or row["planned_completion"])
                for row, _k in chosen)
    factor = (float(COMPLETED_2021) - named) / spent if spent else 1.0
    for row, kind in chosen:
        scaled = min(max(float(row["total_investment"]) * factor, kind.low), kind.high)
        row["total_investment"] = Decimal(int(scaled * 100)) / 100


# Demo sections of later apps, loaded after the ledger. Each module has `load() -> bool`
# that finds units, users and projects by code/username/name and is idempotent by itself.
SECTIONS: list[str] = ["diaodu.demo.investment", "diaodu.demo.photos", "diaodu.demo.schedule",
                      "diaodu.demo.cases", "diaodu.demo.dashboard", "diaodu.demo.mediation",
                      "diaodu.demo.votes", "diaodu.demo.duty", "diaodu.demo.grids",
                      "diaodu.demo.cityops"]


def load_demo() -> bool:
    """Load whatever part of the demo is not there yet. Returns True when it loaded something.
    Runs as of the demo's day, so what the services date by the clock is dated then."""
    with clock.as_of(data.DEMO_TODAY):
        loaded = _load_ledger()
        loaded |= _two_factor_devices()
        for section in SECTIONS:
            # Audit events and rollups of a section are written once, at its end.
            with transaction.atomic(), audit.deferred():
                loaded |= import_module(section).load()
    # Each commit seals at most a few batches of its events (audit_seal.NUDGE_BATCHES) and
    # `demo --no-serve` starts no task worker to seal the rest: sealed here, the demo
    # database passes `audit_verify` as soon as it is loaded.
    audit_seal.seal()
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
        services.project_create_many(actor=None,
                                     rows=_generated_rows(units, users, categories, rng))
        campaign_entries(campaigns, rng)
        services.task_force_create(
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


