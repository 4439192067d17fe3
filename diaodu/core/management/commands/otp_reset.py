"""`diaodu otp_reset USERNAME`: remove a user's TOTP device from the server's shell — the way
back in when the only security administrator has lost their phone. Audited as the system."""

from django.core.management.base import BaseCommand, CommandError

from diaodu.core import two_factor
from diaodu.core.models import User


class Command(BaseCommand):
    help = "Reset a user's two-factor (TOTP) device; they enrol again at the next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account {username!r}")
        removed = two_factor.otp_device_reset(actor=None, user=user)
        self.stdout.write(f"{username}: {removed} device(s) removed; enrols again at next sign-in")
