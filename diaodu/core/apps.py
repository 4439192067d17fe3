from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "diaodu.core"
    label = "core"
    verbose_name = _("组织与账号")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from . import checks, scoping, security, signals, user_errors  # noqa: F401  (checks, sign-in events)

        # Policies are pure; their refusals are put into the request's language when raised.
        user_errors.translate = gettext

        security.connect_lockout_signal()
        from .models import AuditEvent, CalendarDay, CalendarYear, OrgUnit, UnitRobot, User
        from .roles import ACCOUNT_ADMINS, AUDIT_READERS, ROBOT_ADMINS, ROLE_ADMINS

        scoping.register(OrgUnit, scoping.ScopeRule(public=True))
        scoping.register(CalendarDay, scoping.ScopeRule(public=True))
        scoping.register(CalendarYear, scoping.ScopeRule(public=True))
        scoping.register(User, scoping.ScopeRule(readers=ACCOUNT_ADMINS | ROLE_ADMINS))
        scoping.register(AuditEvent, scoping.ScopeRule(readers=AUDIT_READERS))
        scoping.register(UnitRobot, scoping.ScopeRule(readers=ROBOT_ADMINS))
