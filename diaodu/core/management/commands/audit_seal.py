"""`diaodu audit_seal`: seal the committed audit events into the hash chain now (task workers
do it every AUDIT_SEAL_INTERVAL seconds, and each commit nudges it). `--loop` keeps sealing,
for a deployment that runs no task worker."""

from django.core.management.base import BaseCommand

from diaodu.core import audit_seal


class Command(BaseCommand):
    help = "Seal committed audit events into the hash chain (once, or --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep sealing until stopped")
        parser.add_argument("--interval", type=float, default=audit_seal.INTERVAL,
                            help="seconds between passes with --loop")

    def handle(self, *args, loop: bool = False, interval: float = audit_seal.INTERVAL,
               **options):
        if not loop:
            self.stdout.write(f"sealed {audit_seal.seal()} event(s)")
            return
        sealer = audit_seal.Sealer(interval)
        sealer.start()
        try:
            sealer.join()
        except KeyboardInterrupt:
            sealer.stopped.set()
