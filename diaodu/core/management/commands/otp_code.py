"""`diaodu otp_code USERNAME`: the current code of a demo account's authenticator, for trying
the demo without a phone. Works only for devices with the demo's published secret (so it
reveals nothing that is not public already) and never in the production profile."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from diaodu.core import two_factor
from diaodu.core.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (demo secret only, not in production)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if settings.PRODUCTION:
            raise CommandError("otp_code is for the demo; it is refused in the production profile")
        user = User.objects.filter(username=username).first()
        device = two_factor.device_of(user) if user else None
        if not two_factor.is_demo_device(device):
            raise CommandError(f"{username!r} has no demo authenticator (only demo accounts do)")
        self.stdout.write(two_factor.current_code(two_factor.DEMO_KEY))
