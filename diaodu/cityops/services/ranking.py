"""The streets' monthly grid-governance ranking: the KPIs every 应用场景 declares (core/scenarios),
weighted by the active, versioned GridScoringScheme, scored and ranked with the key-project
ranking's own formulas (dashboard/kpis.py: score, rank, competition ranking, 第一方阵)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from diaodu.core import audit, scenarios, versions
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.roles import gettext_noop, require_role
from diaodu.dashboard import kpis

from .. import policy
from ..models import Event, GridScoringScheme, StreetRanking

RANKERS = frozenset({*policy.DISTRICT_OPERATORS})
DEFAULT_TOP_GROUP = 5


def month_span(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    after = date(year + (month == 12), month % 12 + 1, 1)
    return first, after


def _rate(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(100) * part / whole).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)


def event_kpis(year: int, month: int) -> dict[str, dict[int, Any]]:
    """The grid-event KPIs of every street in one month, in one grouped query:
    on_time — events closed in the month with no step over its limit ÷ events closed;
    verification — events closed in the month verified on site by the grid ÷ events closed;
    satisfaction — 满意 + 基本满意 ÷ evaluated, of the events closed in the month."""
    first, after = month_span(year, month)
    rows = (Event.objects.filter(closed_on__gte=first, closed_on__lt=after,
                                 stage__in=policy.DONE_STAGES)
            .order_by().values("street_id")
            .annotate(closed=Count("pk"), on_time=Count("pk", filter=Q(overdue_steps=0)),
                      verified=Count("pk", filter=Q(verified_at__isnull=False)),
                      evaluated=Count("pk", filter=Q(satisfaction__isnull=False)),
                      satisfied=Count("pk", filter=Q(satisfaction__gte=2))))
    result: dict[str, dict[int, Any]] = {"on_time": {}, "verification": {}, "satisfaction": {}}
    for row in rows:
        street = row["street_id"]
        result["on_time"][street] = _rate(row["on_time"], row["closed"])
        result["verification"][street] = _rate(row["verified"], row["closed"])
        result["satisfaction"][street] = _rate(row["satisfied"], row["evaluated"])
    return result


def known_kpis() -> list[str]:
    return [kpi.key for _scenario, kpi in scenarios.kpis()]


def default_weights() -> dict[str, int]:
    keys = known_kpis()
    if not keys:
        return {}
    share, extra = divmod(100, len(keys))
    return {k: share + (1 if i < extra else 0) for i, k in enumerate(keys)}


def scheme_create(*, actor: User | None, weights: dict[str, Any], top_group_size: Any,
                  note: str = "") -> GridScoringScheme:
    """A new version of the ranking weights (whole numbers summing to 100 over the declared
    KPIs), active at once; the versions before stay for the months they ranked."""
    require_role(actor, RANKERS, gettext_noop("只有区城运中心可以修改网格治理评分方案。"))
    known = set(known_kpis())
    clean: dict[str, int] = {}
    for key, raw in weights.items():
        if key not in known:
            raise UserError("scheme.unknown_metric", _("评分方案含有未知的评分项：%(k)s。")
                            % {"k": key}, "weights")
        try:
            value = int(str(raw).strip() or "0")
        except ValueError:
            raise UserError("scheme.not_a_number", _("权重必须是整数。"), "weights") from None
        if value < 0:
            raise UserError("scheme.negative", _("权重不能为负数。"), "weights")
        clean[key] = value
    if sum(clean.values()) != 100:
        raise UserError("scheme.sum", _("各项权重之和必须等于100，当前为%(total)s。")
                        % {"total": sum(clean.values())}, "weights")
    try:
        size = int(str(top_group_size).strip())
    except ValueError:
        size = 0
    if size < 1:
        raise UserError("scheme.top_group", _("第一方阵名额至少为1。"), "top_group_size")
    return versions.version_create(actor, GridScoringScheme,
                                   {"weights": clean, "top_group_size": size}, note=note,
                                   action="grid_scheme.create",
                                   audited=("weights", "top_group_size"))


def scheme_active() -> GridScoringScheme:
    active = GridScoringScheme.objects.filter(is_active=True).first()
    return active or scheme_create(actor=None, weights=default_weights(),
                                   top_group_size=DEFAULT_TOP_GROUP, note=_("默认方案"))


def ranking_compute(*, actor: User | None, year: int, month: int) -> int:
    """Score and rank every street for the month (replacing that month's ranking)."""
    require_role(actor, RANKERS, gettext_noop("只有区城运中心可以计算网格治理排名。"))
    if not 1 <= month <= 12:
        raise UserError("ranking.month", _("月份必须在1到12之间。"), "month")
    streets = list(OrgUnit.objects.filter(kind=UnitKind.STREET, active=True)
                   .values_list("pk", flat=True))
    with transaction.atomic():
        scheme = scheme_active()
        values: dict[int, dict[str, Any]] = {s: {} for s in streets}
        for _scenario, kpi in scenarios.kpis():
            for street, value in kpi.compute(year, month).items():
                if street in values:
                    values[street][kpi.key] = value
        scores = {s: kpis.score(m, scheme.weights) for s, m in values.items()}
        rows = [StreetRanking(year=year, month=month, street_id=p.key, scheme=scheme,
                              score=p.score, rank=p.rank, top_group=p.top_group,
                              computed_by=actor,
                              metrics={k: None if v is None else str(v)
                                       for k, v in values[p.key].items()})
                for p in kpis.rank(scores, scheme.top_group_size)]
        StreetRanking.objects.filter(year=year, month=month).delete()
        StreetRanking.objects.bulk_create(rows)
        audit.record(actor, "street_ranking.compute", scheme,
                     {"year": year, "month": month, "streets": len(rows)})
    return len(rows)
