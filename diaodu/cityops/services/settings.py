"""The working hours and escalation settings, and the default category list."""

import time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit, scenarios
from diaodu.core.calendar import load_calendar
from diaodu.core.errors import UserError
from diaodu.core.locking import check_version, last_audit
from diaodu.core.models import User
from diaodu.core.roles import gettext_noop, require_role

from .. import hours, policy
from ..models import EventCategory, OpsSettings

SETTINGS_KEEPERS = policy.DISTRICT_OPERATORS
FIELDS = ("periods", "near_percent", "escalate_after_hours")


def settings_get() -> OpsSettings:
    value, _created = OpsSettings.objects.get_or_create(pk=1)
    return value


_CACHE: dict[str, tuple[float, str, hours.WorkingHours]] = {}
CACHE_SECONDS = 60


def working_hours(settings: OpsSettings | None = None) -> hours.WorkingHours:
    """The office periods on the working-day calendar. Kept for a minute per process (every
    report needs it; the calendar is read whole): a changed calendar counts from then on, a
    changed period at once (its text is part of the key)."""
    settings = settings or settings_get()
    cached = _CACHE.get("wh")
    if cached and cached[1] == settings.periods and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[2]
    value = hours.WorkingHours(load_calendar(), hours.parse_periods(settings.periods))
    _CACHE["wh"] = (time.monotonic(), settings.periods, value)
    return value


def settings_update(*, actor: User | None, expected_version: int | None = None,
                    **values) -> OpsSettings:
    """Change the working hours, the near-limit share or the escalation delay."""
    require_role(actor, SETTINGS_KEEPERS, gettext_noop("只有区城运中心可以修改城运时限设置。"))
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise UserError("ops.field_unknown", _("不能修改这些字段：%(f)s")
                        % {"f": "、".join(sorted(unknown))})
    with transaction.atomic():
        current = OpsSettings.objects.select_for_update().get(pk=settings_get().pk)
        check_version(current, expected_version, code="ops.conflict", subject=_("城运时限设置"),
                      last_change=lambda: last_audit(current), field=None)
        before = {f: getattr(current, f) for f in FIELDS}
        if "periods" in values:
            try:
                periods = hours.parse_periods(str(values["periods"]))
                current.periods = hours.format_periods(periods)
            except ValueError:
                raise UserError("ops.periods",
                                _("工作时段格式应为 08:30-12:00,14:00-17:30，"
                                  "且各时段按时间先后、互不重叠。"), "periods") from None
        if "near_percent" in values:
            near = int(values["near_percent"])
            if not 1 <= near <= 90:
                raise UserError("ops.near_percent", _("临期提醒应为 1 至 90（%）。"),
                                "near_percent")
            current.near_percent = near
        if "escalate_after_hours" in values:
            current.escalate_after_hours = limit_hours(values["escalate_after_hours"],
                                                       field="escalate_after_hours",
                                                       allow_zero=True)
        current.version += 1
        current.save()
        audit.record(actor, "ops_settings.update", current,
                     audit.diff(before, {f: getattr(current, f) for f in FIELDS}))
    return current


def limit_hours(value, *, field: str, allow_zero: bool = False) -> Decimal:
    """A limit in working hours: 0.25 to 999 (0 allowed where it means "at once")."""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise UserError("ops.hours", _("时限应为工作小时数，如 2 或 0.5。"), field) from None
    low = Decimal(0) if allow_zero else Decimal("0.25")
    if not low <= number <= 999:
        raise UserError("ops.hours", _("时限应在 %(low)s 至 999 个工作小时之间。")
                        % {"low": low}, field)
    return number


def categories_ensure() -> int:
    """Load the categories every 应用场景 declares (grid events: the GB/T 30428.2 classes)
    once; returns how many were added. Existing codes stay as administrators keep them."""
    known = set(EventCategory.objects.values_list("code", flat=True))
    new = []
    for scenario in scenarios.all_scenarios():
        for index, c in enumerate(scenario.categories):
            if c.code not in known:
                known.add(c.code)
                new.append(EventCategory(
                    code=c.code, kind=c.kind, major_code=c.major_code,
                    major_name=c.major_name, name=c.name, scenario=scenario.code,
                    handle_hours=Decimal(str(c.handle_hours)), sort=scenario.sort * 1000 + index))
    EventCategory.objects.bulk_create(new)
    return len(new)


CATEGORY_FIELDS = ("code", "kind", "major_code", "major_name", "name", "scenario",
                   "accept_hours", "dispatch_hours", "handle_hours", "verify_hours",
                   "close_hours", "sort", "active")


def category_save(*, actor: User | None, category: EventCategory | None = None,
                  **values) -> EventCategory:
    """Add a category or change one (the managed list: names, limits, on or off)."""
    require_role(actor, SETTINGS_KEEPERS, gettext_noop("只有区城运中心可以维护事件类别。"))
    unknown = set(values) - set(CATEGORY_FIELDS)
    if unknown:
        raise UserError("category.field_unknown", _("不能修改这些字段：%(f)s")
                        % {"f": "、".join(sorted(unknown))})
    for name in ("accept", "dispatch", "handle", "verify", "close"):
        if f"{name}_hours" in values:
            values[f"{name}_hours"] = limit_hours(values[f"{name}_hours"],
                                                  field=f"{name}_hours")
    with transaction.atomic():
        if category is None:
            category = EventCategory()
            before: dict = {}
        else:
            category = EventCategory.objects.select_for_update().get(pk=category.pk)
            before = {f: getattr(category, f) for f in CATEGORY_FIELDS}
        for name, value in values.items():
            setattr(category, name, value)
        code = (category.code or "").strip()
        if not code or not category.name.strip():
            raise UserError("category.required", _("请填写类别代码和小类名称。"), "code")
        clash = EventCategory.objects.filter(code=code).exclude(pk=category.pk)
        if clash.exists():
            raise UserError("category.code_taken", _("类别代码“%(c)s”已被使用。") % {"c": code},
                            "code")
        category.code = code
        category.save()
        audit.record(actor, "event_category.save", category,
                     audit.diff(before, {f: getattr(category, f) for f in CATEGORY_FIELDS}))
    return category
