"""Money is Decimal in 万元 with two places; summaries show 亿元 (1 亿元 = 10,000 万元).

SQLite stores DecimalField values with REAL affinity, so SUM() there can drift by a few
hundred-millionths; every money aggregate goes through sum_wan(), which quantizes.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from .errors import UserError

CENT = Decimal("0.01")
WAN_PER_YI = Decimal(10000)
MAX_WAN = Decimal("999999999999.99")  # Decimal(14, 2)


def parse_wan(
    value: object, *, field: str, label: str, allow_none: bool = False
) -> Decimal | None:
    """A 万元 amount from user input: non-negative, at most two decimal places."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise UserError("money.required", _("请填写%(label)s（万元）。") % {"label": label}, field)
    if isinstance(value, float):
        # A float has already lost the exact cents the user typed; refuse to guess.
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise UserError("money.invalid", _("%(label)s不是有效金额：%(value)s")
                        % {"label": label, "value": value}, field)
    if amount < 0:
        raise UserError("money.negative", _("%(label)s不能为负数。") % {"label": label}, field)
    if amount != amount.quantize(CENT):
        raise UserError(
            "money.precision", _("%(label)s最多保留两位小数（万元）。") % {"label": label}, field
        )
    if amount > MAX_WAN:
        raise UserError("money.too_large", _("%(label)s超出允许范围。") % {"label": label}, field)
    return amount.quantize(CENT)


def quantize_wan(value: Decimal | int | float | None) -> Decimal:
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def sum_wan(queryset: QuerySet, field: str) -> Decimal:
    """Exact 万元 total of a DecimalField over a queryset, the same on SQLite and PostgreSQL."""
    return quantize_wan(queryset.aggregate(total=Sum(field))["total"])


def wan_to_yi(value: Decimal) -> Decimal:
    return (Decimal(value) / WAN_PER_YI).quantize(CENT, rounding=ROUND_HALF_UP)
