"""Writes for organisation units, accounts and the working-day calendar."""

from datetime import date

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, clock
from .calendar import package_exceptions, package_years
from .errors import Forbidden, UserError
from .models import CalendarDay, CalendarYear, OrgUnit, PasswordHistory, UnitKind, User
from .roles import (
    ACCOUNT_ADMINS,
    ADMIN_ROLES,
    CALENDAR_EDITORS,
    ROLE_ADMINS,
    ROLE_LABELS,
    ROLES,
    require_role,
)

# Which kinds of unit may sit under which (the district tree of DESIGN §1).
ALLOWED_PARENT: dict[str, set[str | None]] = {
    UnitKind.DISTRICT: {None},
    UnitKind.DEPARTMENT: {UnitKind.DISTRICT},
    UnitKind.STREET: {UnitKind.DISTRICT},
    UnitKind.COMMUNITY: {UnitKind.STREET},
    UnitKind.GRID: {UnitKind.COMMUNITY},
    UnitKind.MICRO_GRID: {UnitKind.GRID},
}


def _require(actor: User | None, roles: frozenset[str], what: str) -> None:
    # actor None = the system itself (migrations, demo loader, scheduled tasks).
    require_role(actor, roles, _("您的角色无权%(what)s。") % {"what": what})


def org_unit_create(
    *, actor: User | None, parent: OrgUnit | None, code: str, name: str, kind: str,
    short_name: str = "", sort: int = 0,
) -> OrgUnit:
    """Add a unit under `parent` (None for the district root)."""
    _require(actor, ACCOUNT_ADMINS, _("维护组织单位"))
    code = code.strip()
    if not code:
        raise UserError("unit.code_required", _("请填写单位代码。"), "code")
    if kind not in UnitKind.values:
        raise UserError("unit.kind_invalid", _("单位类型无效：%(kind)s") % {"kind": kind}, "kind")
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENT[UnitKind(kind)]:
        raise UserError(
            "unit.parent_invalid",
            _("%(kind)s不能设在%(parent)s之下。")
            % {"kind": UnitKind(kind).label, "parent": parent or _("顶层")},
            "parent",
        )
    with transaction.atomic():
        if OrgUnit.objects.filter(code=code).exists():
            raise UserError("unit.code_duplicate", _("单位代码 %(code)s 已存在。") % {"code": code},
                            "code")
        fields = {"code": code, "name": name, "kind": kind, "short_name": short_name, "sort": sort}
        # Re-read the parent: treebeard needs its current path and child count.
        unit = (OrgUnit.objects.add_child(OrgUnit.objects.get(pk=parent.pk), fields) if parent
                else OrgUnit.objects.add_root(fields))
        audit.record(actor, "org_unit.create", unit, fields)
    return unit


def user_create(
    *, actor: User | None, username: str, password: str, unit: OrgUnit | None, role: str,
    display_name: str = "", phone: str = "", must_change_password: bool = True,
) -> User:
    """Open an account. The system administrator opens accounts (三员分立); the role they ask
    for waits as `pending_role` until the security administrator confirms it (two people).
    Only the system itself (actor None: installation, demo) opens an account with a role."""
    _require(actor, ACCOUNT_ADMINS, _("开设账号"))
    if role and role not in ROLES:
        raise UserError("user.role_invalid", _("角色无效：%(role)s") % {"role": role}, "role")
    if role and role not in ADMIN_ROLES and unit is None:
        raise UserError("user.unit_required", _("业务账号必须指定所属单位。"), "unit")
    candidate = User(username=username, display_name=display_name)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise UserError("user.password_weak", " ".join(exc.messages), "password") from None
    granted, pending = (role, "") if actor is None else ("", role)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise UserError("user.username_duplicate",
                            _("用户名 %(name)s 已被使用。") % {"name": username}, "username")
        user = User(
            username=username, unit=unit, role=granted, pending_role=pending,
            display_name=display_name, phone=phone,
            must_change_password=must_change_password, password_changed_at=timezone.now(),
        )
        user.set_password(password)
        user.save()
        PasswordHistory.objects.create(user=user, password=user.password)
        audit.record(actor, "user.create", user,
                     {"username": username, "unit": unit, "role": granted,
                      "pending_role": pending})
    return user


def user_change_password(*, actor: User, user: User, new_password: str) -> User:
    """A user sets their own new password (the old one was checked by the caller's form). The
    rules, the last-five history and the forced-change flag are handled here."""
    if actor is None or actor.pk != user.pk:
        raise Forbidden("permission.denied", _("只能修改自己的密码。"))
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise UserError("user.password_weak", " ".join(exc.messages), "new_password1") from None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        PasswordHistory.objects.create(user=user, password=user.password)
        # Keep the history short: only the most recent ones are ever compared.
        keep = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id") \
            .values_list("pk", flat=True)[: max(settings.PASSWORD_HISTORY, 1)]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
        audit.record(actor, "user.change_password", user, {})  # never the password itself
    return user


def _check_role_change(actor: User | None, user: User, role: str) -> None:
    """三员分立 for every role change: only the security administrator, never on their own
    account, and never across the line between administrator and business accounts."""
    _require(actor, ROLE_ADMINS, _("分配角色"))
    if role not in ROLES:
        raise UserError("user.role_invalid", _("角色无效：%(role)s") % {"role": role}, "role")
    if actor is not None and actor.pk == user.pk:
        raise Forbidden("permission.denied", _("不能给自己分配或确认角色。"), "role")
    if user.role and (user.role in ADMIN_ROLES) != (role in ADMIN_ROLES):
        raise UserError(
            "user.role_crossover",
            _("管理员账号不能持有业务角色，业务账号也不能改为管理员角色："
              "%(old)s → %(new)s。请另开账号。")
            % {"old": _(ROLE_LABELS[user.role]), "new": _(ROLE_LABELS[role])}, "role")
    if role not in ADMIN_ROLES and user.unit_id is None:
        raise UserError("user.unit_required", _("业务账号必须指定所属单位。"), "unit")


def user_set_role(*, actor: User | None, user: User, role: str) -> User:
    """Change a user's role. Only the security administrator assigns roles (三员分立), never
    to themselves; a pending request is replaced by this decision."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _check_role_change(actor, user, role)
        old, pending = user.role, user.pending_role
        user.role, user.pending_role = role, ""
        user.save(update_fields=["role", "pending_role"])
        audit.record(actor, "user.set_role", user,
                     {"role": [old, role], "pending_role": [pending, ""]})
    return user


def user_confirm_role(*, actor: User, user: User) -> User:
    """The second person: the security administrator confirms the role the system
    administrator asked for when opening the account, which only now takes effect."""
    _require(actor, ROLE_ADMINS, _("确认角色"))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.pending_role:
            raise UserError("user.no_pending_role",
                            _("账号 %(name)s 没有待确认的角色。") % {"name": user.username},
                            "role")
        role = user.pending_role
        _check_role_change(actor, user, role)
        old = user.role
        user.role, user.pending_role = role, ""
        user.save(update_fields=["role", "pending_role"])
        audit.record(actor, "user.confirm_role", user, {"role": [old, role]})
    return user


def calendar_seed_from_package(*, actor: User | None, years: range | None = None) -> int:
    """Load holiday exceptions from chinesecalendar for the years it knows. Days an
    administrator entered are kept. Returns the number of days written."""
    _require(actor, CALENDAR_EDITORS, _("维护工作日历"))
    known = package_years()
    years = years or known
    written = 0
    with transaction.atomic():
        admin_days = set(
            CalendarDay.objects.filter(source=CalendarDay.Source.ADMIN).values_list("date",
                                                                                    flat=True)
        )
        for year in years:
            if year not in known:
                continue
            for day, (is_workday, name) in package_exceptions(year).items():
                if day in admin_days:
                    continue
                _day, created = CalendarDay.objects.update_or_create(
                    date=day,
                    defaults={"is_workday": is_workday, "name": name,
                              "source": CalendarDay.Source.PACKAGE},
                )
                written += int(created)
            CalendarYear.objects.get_or_create(
                year=year, defaults={"complete": True, "source_note": "chinesecalendar"}
            )
        if written:
            audit.record(actor, "calendar.seed", CalendarYear.objects.order_by("-year").first(),
                         {"days": written, "years": [years.start, years.stop - 1]})
    return written


def calendar_set_day(*, actor: User, day: date, is_workday: bool, name: str) -> CalendarDay:
    """Enter one day of the State Council's annual notice (a holiday or a 调休 workday)."""
    _require(actor, CALENDAR_EDITORS, _("维护工作日历"))
    with transaction.atomic():
        entry, _created = CalendarDay.objects.update_or_create(
            date=day,
            defaults={"is_workday": is_workday, "name": name, "source": CalendarDay.Source.ADMIN},
        )
        audit.record(actor, "calendar.set_day", entry, {"is_workday": is_workday, "name": name})
    return entry


def calendar_missing_next_year(today: date | None = None) -> int | None:
    """The coming year when its holidays are not entered yet (shown as a warning from
    November on, when the State Council usually publishes the notice)."""
    today = today or clock.today()
    next_year = today.year + 1
    if today.month >= 11 and not CalendarYear.objects.filter(year=next_year,
                                                             complete=True).exists():
        return next_year
    return None


def user_update(*, actor: User | None, user: User, display_name: str, phone: str,
                unit: OrgUnit | None, is_active: bool) -> User:
    """Edit an account's details (not its role: see user_set_role)."""
    _require(actor, ACCOUNT_ADMINS, _("维护账号"))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {"display_name": user.display_name, "phone": user.phone, "unit": user.unit,
                  "is_active": user.is_active}
        after = {"display_name": display_name.strip(), "phone": phone.strip(), "unit": unit,
                 "is_active": is_active}
        if (user.role or user.pending_role) not in ADMIN_ROLES | {""} and unit is None:
            raise UserError("user.unit_required", _("业务账号必须指定所属单位。"), "unit")
        for field, value in after.items():
            setattr(user, field, value)
        user.save(update_fields=list(after))
        audit.record(actor, "user.update", user, audit.diff(before, after))
    return user
