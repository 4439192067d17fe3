"""`diaodu create_admins --unit CODE`: open the first three administrators (三员分立: system,
security and audit administrator), each with a random initial password printed once and a
forced change at first sign-in. Refuses when any of the three roles already has an account;
after that, the system administrator opens accounts and the security administrator assigns
roles. No superuser is ever made."""

import secrets
import string

from django.core.management.base import BaseCommand, CommandError

from diaodu.core import services
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, User
from diaodu.core.roles import Role

ADMINS = ((Role.SYSADMIN, "sysadmin", "系统管理员"), (Role.SECADMIN, "secadmin", "安全管理员"),
          (Role.AUDITOR, "auditor", "安全审计员"))


def initial_password() -> str:
    """16 random characters with every class, so it passes the password rules."""
    alphabet = string.ascii_letters + string.digits + "!@#%^*-_=+"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate)
                and any(not c.isalnum() for c in candidate)):
            return candidate


class Command(BaseCommand):
    help = "Create the first system, security and audit administrators (三员分立)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", default="", help="code of the administrators' unit")
        parser.add_argument("--prefix", default="", help="prefix for the three usernames")

    def handle(self, *args, unit: str = "", prefix: str = "", **options):
        existing = User.objects.filter(role__in=[role for role, _n, _d in ADMINS])
        if existing.exists():
            raise CommandError("administrators already exist: "
                               + ", ".join(existing.values_list("username", flat=True)))
        org = None
        if unit:
            org = OrgUnit.objects.filter(code=unit).first()
            if org is None:
                raise CommandError(f"no unit with code {unit}")
        self.stdout.write("Initial passwords (shown once; each must be changed at first "
                          "sign-in, and each administrator sets up two-factor sign-in):")
        for role, name, display in ADMINS:
            password = initial_password()
            try:
                services.user_create(actor=None, username=f"{prefix}{name}", password=password,
                                     unit=org, role=role, display_name=display,
                                     must_change_password=True)
            except UserError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"  {prefix}{name:<10} {role:<9} {password}")
