"""What the demo's generated SAMPLE projects can be: per kind of project its category, name
pattern, total-investment range (万元), construction time (months) and who invests. Pure data
and arithmetic, no database; docs/demo.md lists the ranges and where they come from.

The ranges are SAMPLE values for a central district of Zhengzhou, in the orders of magnitude
that published Henan and Zhengzhou key-project lists show for each kind of work; the issue's
own examples (a school extension 0.5–3亿, old-residential renovation 0.3–3亿, city-village
redevelopment 30–150亿, roads 1–10亿, industrial parks 5–50亿) are kept as given.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Kind:
    category: str
    pattern: str          # {place}: a street, {village}, {road}, {firm}: an enterprise name
    low: int              # total investment, 万元
    high: int
    months: tuple[int, int]  # construction time
    enterprise: bool      # enterprise-invested (告知性备案) rather than government-invested
    weight: int = 2       # how often the kind is drawn


KINDS = [
    Kind("urban_village", "{village}村城中村改造项目", 300000, 1500000, (36, 60), False, 7),
    Kind("urban_village", "{village}村安置区建设项目", 50000, 300000, (30, 42), False, 3),
    Kind("urban_renewal", "{place}老旧小区改造项目", 3000, 30000, (8, 18), False),
    Kind("urban_renewal", "{place}片区城市更新项目", 50000, 600000, (30, 54), False, 3),
    Kind("urban_renewal", "{place}历史街区有机更新项目", 20000, 200000, (24, 42), False),
    Kind("education", "{place}小学新建项目", 10000, 40000, (18, 30), False),
    Kind("education", "{place}初级中学扩建项目", 5000, 30000, (12, 24), False),
    Kind("education", "{place}幼儿园建设项目", 2000, 8000, (10, 18), False),
    Kind("education", "{place}高级中学新建项目", 30000, 100000, (20, 30), False),
    Kind("health", "{place}社区卫生服务中心建设项目", 1000, 6000, (10, 18), False),
    Kind("health", "{place}医养结合中心项目", 10000, 50000, (18, 30), False),
    Kind("health", "{place}医院综合楼建设项目", 20000, 150000, (24, 36), False),
    Kind("road", "{road}道路工程项目", 10000, 100000, (12, 30), False),
    Kind("road", "{road}综合管廊项目", 30000, 150000, (18, 36), False),
    Kind("road", "{road}提质改造工程", 5000, 30000, (6, 14), False),
    Kind("industry", "{firm}智能制造产业园项目", 50000, 500000, (24, 42), True, 3),
    Kind("industry", "{firm}研发总部项目", 30000, 200000, (24, 36), True),
    Kind("industry", "{firm}数字经济产业园项目", 50000, 500000, (24, 42), True, 3),
    Kind("culture", "{place}文化公园项目", 10000, 50000, (12, 24), False),
    Kind("culture", "{place}全民健身中心项目", 5000, 30000, (12, 24), False),
    Kind("culture", "{firm}文化创意园项目", 50000, 500000, (24, 48), True),
    Kind("public_service", "{place}邻里中心项目", 3000, 20000, (12, 20), False),
    Kind("public_service", "{place}养老服务中心项目", 2000, 15000, (10, 18), False),
    Kind("public_service", "{place}公共停车场建设项目", 1000, 10000, (6, 12), False),
    Kind("ecology", "{place}河道综合治理项目", 10000, 100000, (12, 30), False),
    Kind("ecology", "{place}口袋公园建设项目", 500, 5000, (4, 9), False),
    Kind("ecology", "{place}雨污分流改造工程", 5000, 50000, (10, 24), False),
    Kind("commerce", "{firm}商业综合体项目", 100000, 500000, (30, 48), True),
    Kind("commerce", "{firm}冷链物流中心项目", 30000, 200000, (18, 30), True),
]

# Village names for city-village works (SAMPLE: the usual kind of names around 中原区).
VILLAGES = ["常庄", "赵坡", "刁沟", "址刘", "赵仙洞", "西岗", "董岗", "小李庄", "孙庄", "冉屯",
            "齐礼阎", "柿园", "段庄", "后河卢", "前河卢", "岗坡", "塔坡", "凤凰台", "王庄", "杨庄"]

# Category ranges (万元) that the demo-consistency test checks every project against: the
# union of the kinds above, and the seeds' named projects (data.NAMED_PROJECTS) fall inside.
CATEGORY_RANGES = {}
for _kind in KINDS:
    low, high = CATEGORY_RANGES.get(_kind.category, (_kind.low, _kind.high))
    CATEGORY_RANGES[_kind.category] = (min(low, _kind.low), max(high, _kind.high))
ENTERPRISE_CATEGORIES = {"industry", "commerce"}
SIGN_LEAD_MONTHS = 10  # an enterprise project signs this long before it starts (SAMPLE)


def is_enterprise(owner_name: str) -> bool:
    """Enterprise-invested: its 建设单位 is a company (government works name the unit)."""
    return owner_name.endswith("有限公司")

# Month weights of construction spending: the Spring Festival dip in January–February, the
# summer heat and rains in July–August, the year-end push in November–December. SAMPLE
# shape; the festival dip and the year-end rise are what every district's monthly
# 固定资产投资 series shows.
SEASON = {1: 5, 2: 4, 3: 8, 4: 9, 5: 9, 6: 10, 7: 8, 8: 8, 9: 9, 10: 9, 11: 10, 12: 12}


def level_for(total: int, pick: float) -> str:
    """A SAMPLE rule: 省重点 for the largest works, 市重点 from about 2亿, 区重点 below;
    `pick` (0–1) lets sizes near a threshold fall either way."""
    if total >= 300000 or (total >= 100000 and pick < 0.35):
        return "province"
    if total >= 20000 or (total >= 8000 and pick < 0.3):
        return "city"
    return "district"


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """(year, month) from `first`'s month to `last`'s month, both included."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


def spend_curve(total, start: date, finish: date) -> dict[tuple[int, int], float]:
    """The project's expected spending per month from start to finish, seasonal, summing to
    `total` (floats for planning; amounts become Decimal when written)."""
    months = months_between(start, finish)
    weights = [SEASON[m] for _y, m in months]
    whole = sum(weights)
    return {ym: float(total) * w / whole for ym, w in zip(months, weights, strict=True)}
