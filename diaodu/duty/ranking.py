"""查岗 in the monthly unit ranking (单位排名): the share of a month's spot checks a unit answered
within their window. A check still inside its window is left out (neither answered nor
missed); a month with no closed check gives no value, so the item carries no weight for it."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from diaodu.core import clock
from diaodu.core.models import UnitKind
from diaodu.investment.kpis import rate

from .models import SpotCheck

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _month(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=SHANGHAI)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def answer_rates(year: int, month: int, kind: str, *,
                 now: datetime | None = None) -> dict[int, Decimal | None]:
    """{unit id: answered ÷ (answered + missed) × 100} for checks called in the month; the
    street ranking counts streets only. Missed = unanswered with the deadline before `now`
    (the business moment), as `SpotCheck.missed` says."""
    start, end = _month(year, month)
    now = now or clock.now()
    checks = SpotCheck.objects.filter(called_at__gte=start, called_at__lt=end)
    if kind == "street":
        checks = checks.filter(unit__kind=UnitKind.STREET)
    rows = (checks.values("unit").order_by()
            .annotate(answered=Count("id", filter=Q(answered_at__isnull=False)),
                      missed=Count("id", filter=Q(answered_at__isnull=True,
                                                  deadline_at__lt=now))))
    return {row["unit"]: rate(row["answered"], row["answered"] + row["missed"])
            for row in rows}
