"""Warning rules (预警规则) from plain values; no database.

A rule compares one metric of a project with two thresholds: `red` and `amber`. "below" rules
warn when the value falls under a threshold (red is the lower one); "at_least" rules warn when
the value reaches it (red is the higher one). Either threshold may be absent, not both. The
completion rule also names the `ahead` threshold above which a project counts as ahead of time.

`validate` raises RuleProblem with a code and parameters; the service turns them into Chinese.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

RED, AMBER = "red", "amber"
SEVERITY = {RED: 2, AMBER: 1}
BELOW, AT_LEAST = "below", "at_least"

# metric → (comparison, unit). The order is the order rules are shown in.
METRICS: dict[str, tuple[str, str]] = {
    "completion_vs_time": (BELOW, "%"),   # 年度完成率 ÷ 应完成进度 × 100 (kpis.pace_ratio)
    "forecast_shortfall": (BELOW, "%"),   # 年末预测完成 ÷ 年度计划 × 100
    "milestone_late": (AT_LEAST, "个"),   # 已过计划完成日期而未完成的节点数
    "negative_float": (BELOW, "天"),      # 未完成节点的最小总浮动时间（工作日）
    "report_overdue": (AT_LEAST, "期"),   # 逾期未报的填报数
    "case_overdue": (AT_LEAST, "件"),     # 逾期未办结的督办事项数
    "stale": (AT_LEAST, "期"),            # 连续未审定月报期数
    "start_overdue": (AT_LEAST, "天"),    # 计划开工日已过而未开工的天数
}

DEFAULT_RULES: list[dict] = [
    {"metric": "completion_vs_time", "comparison": BELOW, "amber": "95", "red": "80",
     "ahead": "105",
     "message": "年度投资完成率仅为应完成进度（往年同期完成比例）的{value}%"
                "（低于95%为滞后，低于80%为严重滞后）"},
    {"metric": "forecast_shortfall", "comparison": BELOW, "amber": "95", "red": "80",
     "message": "按季节规律和当前进度预测，年末仅能完成年度计划的{value}%"},
    {"metric": "milestone_late", "comparison": AT_LEAST, "amber": None, "red": "1",
     "message": "{value}个进度节点已过计划完成日期仍未完成"},
    {"metric": "negative_float", "comparison": BELOW, "amber": "0", "red": "-10",
     "message": "进度节点总浮动时间为{value}个工作日，目标工期难以保证"},
    {"metric": "report_overdue", "comparison": AT_LEAST, "amber": "1", "red": "2",
     "message": "{value}期进度填报逾期未报"},
    {"metric": "case_overdue", "comparison": AT_LEAST, "amber": "1", "red": "2",
     "message": "{value}件督办事项逾期未办结"},
    {"metric": "stale", "comparison": AT_LEAST, "amber": "2", "red": "3",
     "message": "连续{value}期没有审定的月度进度数据"},
    {"metric": "start_overdue", "comparison": AT_LEAST, "amber": "1", "red": "30",
     "message": "计划开工日期已过{value}天，项目仍未开工"},
]


class RuleProblem(ValueError):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Rule:
    metric: str
    comparison: str
    amber: Decimal | None
    red: Decimal | None
    message: str
    ahead: Decimal | None = None

    def level(self, value: Decimal | int | None) -> str | None:
        """RED, AMBER or None (no warning) for a metric value; None value = no data."""
        if value is None:
            return None
        value = Decimal(value)
        for colour, threshold in ((RED, self.red), (AMBER, self.amber)):
            if threshold is None:
                continue
            if self.comparison == BELOW and value < threshold:
                return colour
            if self.comparison == AT_LEAST and value >= threshold:
                return colour
        return None

    def explain(self, value: Decimal | int) -> str:
        return self.message.replace("{value}", _plain(value))


def _plain(value: Decimal | int) -> str:
    text = format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text


def _number(raw, metric: str, name: str) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise RuleProblem("rule.not_a_number", metric=metric, name=name, value=raw) from None
    if not value.is_finite():
        raise RuleProblem("rule.not_a_number", metric=metric, name=name, value=raw)
    return value


def validate(raw_rules: list[dict]) -> list[Rule]:
    """Rules from their stored form, refusing unknown metrics, duplicates, missing, inverted
    or overlapping thresholds and empty messages."""
    rules: list[Rule] = []
    seen: set[str] = set()
    for raw in raw_rules:
        metric = str(raw.get("metric", ""))
        if metric not in METRICS:
            raise RuleProblem("rule.unknown_metric", metric=metric)
        if metric in seen:
            raise RuleProblem("rule.duplicate", metric=metric)
        seen.add(metric)
        comparison = METRICS[metric][0]
        if raw.get("comparison", comparison) != comparison:
            raise RuleProblem("rule.comparison", metric=metric)
        amber = _number(raw.get("amber"), metric, "amber")
        red = _number(raw.get("red"), metric, "red")
        ahead = _number(raw.get("ahead"), metric, "ahead")
        if amber is None and red is None:
            raise RuleProblem("rule.no_threshold", metric=metric)
        if amber is not None and red is not None:
            if amber == red:
                raise RuleProblem("rule.overlap", metric=metric, amber=amber, red=red)
            if (comparison == BELOW and red > amber) or (comparison == AT_LEAST and red < amber):
                raise RuleProblem("rule.inverted", metric=metric, amber=amber, red=red)
        if ahead is not None:
            lowest = amber if amber is not None else red
            assert lowest is not None  # one of them is set (checked above)
            if comparison != BELOW or ahead <= lowest:
                raise RuleProblem("rule.ahead", metric=metric, ahead=ahead, amber=lowest)
        message = str(raw.get("message", "")).strip()
        if not message:
            raise RuleProblem("rule.no_message", metric=metric)
        rules.append(Rule(metric, comparison, amber, red, message, ahead))
    if not rules:
        raise RuleProblem("rule.empty")
    return rules


@dataclass(frozen=True)
class Finding:
    metric: str
    level: str
    value: Decimal | int
    reason: str


def evaluate(rules: list[Rule], facts: dict[str, Decimal | int | None]) -> list[Finding]:
    """The warnings one project's facts raise, worst first."""
    found = []
    for rule in rules:
        value = facts.get(rule.metric)
        level = rule.level(value)
        if level is not None and value is not None:  # no data, no level
            found.append(Finding(rule.metric, level, value, rule.explain(value)))
    return sorted(found, key=lambda f: -SEVERITY[f.level])


def pace(rule: Rule | None, value: Decimal | None) -> str:
    """'ahead', 'normal', 'behind' or 'red' for the completion-vs-time ratio (for the bar)."""
    if value is None or rule is None:
        return ""
    level = rule.level(value)
    if level == RED:
        return "red"
    if level == AMBER:
        return "behind"
    if rule.ahead is not None and value > rule.ahead:
        return "ahead"
    return "normal"
