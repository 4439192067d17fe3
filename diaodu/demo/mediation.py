"""人民调解 and 公共法律服务 demo: the seeds' figures — 2021: 5,650 disputes handled by the three
levels, 5,493 settled, amounts a little over 6,000万元 (exactly TOTAL_2021 here); 28 金牌调解员;
1 centre, 14 stations and 151 rooms with 一村（社区）一法律顾问 and 法律明白人 — plus the first
quarter of 2023 so the current year has open cases.

Figures are the seeds'; everything else is SAMPLE (【示例数据】): community names other than
莲湖's, people's names, categories, amounts per case, mediators, advisers and their firms.
Deterministic (fixed seed) and loaded through the services; a second run changes nothing."""

import random
from datetime import date, timedelta
from decimal import Decimal

from diaodu.core import services as core_services
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.mediation import network, services
from diaodu.mediation.models import Committee, Dispute, Outcome
from diaodu.mediation.services import DisputeData, PartyData

from . import data

S = "【示例数据】"
DISPUTES_2021, SETTLED_2021 = 5650, 5493
FAILED_2021 = 98  # the other 59 went to court (转诉讼); none pending by the demo's day
TOTAL_2021 = Decimal("6023.47")  # 万元: "6000万余元"
GOLD = 28
COMMUNITIES_TOTAL = 151
Q1_2023 = 326
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["建国", "秀兰", "桂英", "志强", "丽娟", "海涛", "红梅", "国庆", "俊杰", "雪梅", "文军",
         "淑珍", "晓燕", "永刚", "春花", "德明", "玉兰", "振华", "丽华", "明亮", "凤英", "子涵",
         "浩然", "思雨", "宏伟", "金凤", "卫东", "爱玲", "天佑", "新民"]
STEMS = ["绿园", "锦华", "和平", "新华", "友爱", "康宁", "春晖", "安泰", "丰乐", "建华", "西苑",
         "兴华", "福寿", "长青", "文化", "民主", "光明", "幸福", "百花", "金城"]
FIRMS = ["河南中原律师事务所", "河南嵩岳律师事务所", "河南天健律师事务所", "河南博源律师事务所",
         "河南华夏律师事务所", "郑州金桥律师事务所"]
# (category, weight, typical amount range in 万元, share with no money at stake)
CATEGORIES = [("family", 22, (0.2, 3), 0.55), ("neighbour", 24, (0.05, 1), 0.45),
              ("housing", 8, (0.5, 8), 0.1), ("contract", 9, (0.5, 12), 0.0),
              ("business", 5, (1, 15), 0.0), ("damages", 10, (0.3, 6), 0.05),
              ("labour", 7, (0.3, 5), 0.0), ("property", 8, (0.1, 2), 0.1),
              ("traffic", 4, (0.5, 8), 0.0), ("demolition", 1, (2, 30), 0.0),
              ("other", 2, (0.1, 2), 0.4)]
SUMMARIES = {"family": "夫妻双方因赡养老人及家庭财产分配发生争执",
             "neighbour": "楼上住户漏水致楼下墙面受损",
             "housing": "相邻房屋翻建影响采光通行", "contract": "装修合同尾款支付争议",
             "business": "商户间货款结算纠纷", "damages": "宠物伤人医疗费赔偿争议",
             "labour": "务工人员工资拖欠", "property": "物业费收缴及服务质量争议",
             "traffic": "非机动车剐蹭赔偿争议", "demolition": "旧改过渡安置费用争议",
             "other": "停车位使用争议"}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"


def _communities(units: dict[str, OrgUnit]) -> list[OrgUnit]:
    """151 communities and villages: 莲湖's real ones and SAMPLE ones elsewhere, made only when
    missing (another part of the demo may have made them)."""
    existing = list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("path"))
    needed = COMMUNITIES_TOTAL - len(existing)
    streets = [units[code] for code, _short in data.STREETS if code not in data.COMMUNITIES]
    made = 0
    while made < needed:
        for street in streets:
            if made >= needed:
                break
            count = OrgUnit.objects.filter(kind=UnitKind.COMMUNITY,
                                           path__startswith=street.path).count()
            code = f"{street.code}{count + 1:03d}"
            name = f"{street.short_name.removesuffix('街道')}{STEMS[count % len(STEMS)]}社区"
            core_services.org_unit_create(actor=None, parent=OrgUnit.objects.get(pk=street.pk),
                                          code=code, name=name, kind=UnitKind.COMMUNITY,
                                          sort=count + 1)
            made += 1
    return list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("path"))


def _committees(units, communities, rng) -> tuple[Committee, list, list, list]:
    top = services.committee_create(actor=None, name="中原区人民调解委员会", level="district",
                                    unit=units["410102-SFJ"], phone="0371-67961148")
    streets, comms = [], []
    for code, short in data.STREETS:
        unit = units[code]
        streets.append(services.committee_create(
            actor=None, name=f"{short}街道人民调解委员会", level="street", unit=unit,
            parent=top))
    by_street = {c.unit_id: c for c in streets}
    for community in communities:
        parent = OrgUnit.objects.get(path=community.path[:-OrgUnit.steplen])
        comms.append(services.committee_create(
            actor=None, name=f"{parent.short_name}{community.name}人民调解委员会",
            level="community", unit=community, parent=by_street[parent.pk]))
    mediators = []
    for committee, count in [(top, 6), *((c, 4) for c in streets), *((c, 2) for c in comms)]:
        names = set()
        while len(names) < count:
            names.add(_name(rng))
        for name in sorted(names):
            mediators.append(services.mediator_save(actor=None, committee=committee, name=name,
                                                    phone=_phone(rng)))
    # 28 金牌调解员: awarded in 2020 and 2021, mostly to street and district mediators.
    for index, mediator in enumerate(rng.sample(mediators[:62], 20)
                                     + rng.sample(mediators[62:], 8)):
        services.mediator_save(actor=None, committee=mediator.committee, name=mediator.name,
                               phone=mediator.phone, gold=True, mediator=mediator,
                               gold_since=date(2020 + index % 2, 6, 28))
    return top, streets, comms, mediators


def _amounts(rng, cats, total: Decimal) -> list[Decimal]:
    """One amount per dispute by its category, scaled so the year adds up to `total`."""
    raw = []
    for category in cats:
        _c, _w, (low, high), none = next(c for c in CATEGORIES if c[0] == category)
        raw.append(0.0 if rng.random() < none else rng.uniform(low, high))
    scale = float(total) / sum(raw)
    amounts = [Decimal(str(round(v * scale, 2))) for v in raw]
    # Put the rounding difference on the largest amount so the total is exact.
    biggest = max(range(len(amounts)), key=amounts.__getitem__)
    amounts[biggest] += total - sum(amounts)
    return amounts


def _year(rng, year, count, committees, mediators_of, *, settled, failed, until, total):
    top, streets, comms = committees
    weights = [c[1] for c in CATEGORIES]
    cats = rng.choices([c[0] for c in CATEGORIES], weights, k=count)
    amounts = _amounts(rng, cats, total)
    outcomes = ([Outcome.SETTLED] * settled + [Outcome.FAILED] * failed
                + [Outcome.LITIGATION] * (count - settled - failed) if until is None else None)
    if outcomes is not None:
        rng.shuffle(outcomes)
    span = ((until or date(year, 12, 31)) - date(year, 1, 1)).days
    items = []
    for n in range(count):
        level = rng.random()
        committee = (top if level < 0.05 else rng.choice(streets) if level < 0.3
                     else rng.choice(comms))
        received = date(year, 1, 1) + timedelta(days=rng.randint(0, span))
        outcome = outcomes[n] if outcomes else (
            Outcome.PENDING if received > until - timedelta(days=20) or rng.random() < 0.08
            else rng.choices([Outcome.SETTLED, Outcome.FAILED, Outcome.LITIGATION],
                             [95, 3, 2])[0])
        concluded = None
        if outcome != Outcome.PENDING:
            concluded = min(received + timedelta(days=rng.randint(0, 25)),
                            until or date(year, 12, 31))
        screening = rng.random() < 0.4
        org = cats[n] in ("contract", "business", "property") and rng.random() < 0.5
        respondent = (f"郑州市{rng.choice(STEMS)}物业服务有限公司" if org else _name(rng))
        items.append(DisputeData(
            committee=committee, category=cats[n],
            summary=f"{S}{SUMMARIES[cats[n]]}，经调解员释法明理、耐心疏导。",
            received_on=received, amount=amounts[n],
            parties=[PartyData("applicant", _name(rng), phone=_phone(rng),
                               address=f"{committee.unit.name}{rng.randint(1, 40)}号院"),
                     PartyData("respondent", respondent,
                               kind="organisation" if org else "person", phone=_phone(rng))],
            mediator=rng.choice(mediators_of[committee.pk]),
            source="screening" if screening else "application",
            screening_ref=f"PC{year}-{n + 1:05d}" if screening else "",
            outcome=outcome, concluded_on=concluded,
            terms="双方自愿达成和解，责任方赔偿损失并当场履行。" if outcome == Outcome.SETTLED
            else ""))
    items.sort(key=lambda d: (d.received_on, d.committee.pk))
    on = until or date(year, 12, 31)
    return services.write_disputes(None, [services.validate_dispute(d, on=on) for d in items])


def _network(units, communities, rng) -> None:
    network.place_save(actor=None, kind="centre", name="中原区公共法律服务中心",
                       unit=units[data.DISTRICT[0]], address=f"{S}郑州市中原区桐柏路200号",
                       phone="0371-12348", hours="周一至周五 8:30—17:30")
    for code, short in data.STREETS:
        network.place_save(actor=None, kind="station", name=f"{short}街道公共法律服务站",
                           unit=units[code], address=f"{S}{short}街道办事处一楼便民服务大厅",
                           phone=f"0371-6{rng.randint(7000000, 7999999)}",
                           hours="工作日 9:00—17:00")
    advisers = [network.adviser_save(
        actor=None, name=_name(rng), firm=FIRMS[i % len(FIRMS)],
        licence_no=f"141012{2008 + i % 14}1{i:06d}", phone=_phone(rng))
        for i in range(52)]
    for index, community in enumerate(communities):
        network.place_save(actor=None, kind="room", name=f"{community.name}公共法律服务室",
                           unit=community, address=f"{S}{community.name}党群服务中心",
                           phone=f"0371-6{rng.randint(7000000, 7999999)}")
        adviser = advisers[index % len(advisers)]
        if index == len(communities) - 1:
            # One term ended this month and its successor is not appointed yet: the coverage
            # check has something to show.
            network.assignment_create(actor=None, adviser=adviser, community=community,
                                      starts_on=date(2021, 3, 1), ends_on=date(2023, 3, 15))
        else:
            network.assignment_create(actor=None, adviser=adviser, community=community,
                                      starts_on=date(2021, 3, 1), ends_on=date(2024, 2, 29))
        for _n in range(2):
            network.liaison_save(actor=None, name=_name(rng), community=community,
                                 phone=_phone(rng), trained_on=date(2022, 5, 20))


ACCOUNTS = [("mediator_sfj", "reporter", "410102-SFJ", "区司法局调解员")]


def load() -> bool:
    if Committee.objects.exists():
        return False
    rng = random.Random(12348)
    units = {u.code: u for u in OrgUnit.objects.all()}
    communities = _communities(units)
    units = {u.code: u for u in OrgUnit.objects.all()}
    for username, role, unit, display in ACCOUNTS:
        if not User.objects.filter(username=username).exists():
            core_services.user_create(actor=None, username=username, password=data.DEMO_PASSWORD,
                                      unit=units[unit], role=role, display_name=display,
                                      must_change_password=False)
    top, streets, comms, mediators = _committees(units, communities, rng)
    mediators_of: dict[int, list] = {}
    for m in mediators:
        mediators_of.setdefault(m.committee_id, []).append(m)
    committees = (top, streets, comms)
    _year(rng, 2021, DISPUTES_2021, committees, mediators_of, settled=SETTLED_2021,
          failed=FAILED_2021, until=None, total=TOTAL_2021)
    recent = _year(rng, 2023, Q1_2023, committees, mediators_of, settled=0, failed=0,
                   until=date(2023, 3, 31), total=Decimal("412.86"))
    on = date(2023, 3, 31)
    pending = [d for d in recent if d.outcome == Outcome.PENDING]
    # A few pending street cases go up to the district committee; follow-ups of settled ones.
    for dispute in [d for d in pending if d.committee.level == "street"][:6]:
        services.dispute_refer(actor=None, dispute=dispute, to_level="district",
                               reason="涉及多方主体、案情复杂，提请区人民调解委员会调解",
                               referred_on=on - timedelta(days=3), on=on)
    for dispute in [d for d in recent if d.outcome == Outcome.SETTLED][:40]:
        services.dispute_follow_up(actor=None, dispute=Dispute.objects.get(pk=dispute.pk),
                                   visited_on=min(dispute.concluded_on + timedelta(days=15), on),
                                   performance="done", note="已按协议履行，双方无异议。", on=on)
    _network(units, communities, rng)
    return True
