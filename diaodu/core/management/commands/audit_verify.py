"""`diaodu audit_verify`: walk the audit log's hash chain and report any altered or deleted
row, and committed events the sealer has left out of the chain for more than
AUDIT_UNSEALED_MAX_AGE seconds (default 5). Exit status 1 when the chain is broken (for cron
and monitoring). Archived events are checked in their files (`diaodu audit_archive --verify
FILE`)."""

from django.core.management.base import BaseCommand, CommandError

from diaodu.core.audit_archive import verify_log
from diaodu.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (detects altered or deleted rows)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--head", default="",
            help="the head hash recorded earlier (e.g. with the last backup): also detects "
                 "rows removed from the end of the log")
        parser.add_argument(
            "--settle", type=float, default=1.0,
            help="seconds between looks at unsealed events while a sealer makes progress "
                 "(default 1; 0: one look)")

    def handle(self, *args, head: str = "", **options):
        # From the latest archive checkpoint (`diaodu audit_archive`), or the first event.
        # A sealer at work (an import's thousands of events take a few passes) is given time
        # while it makes progress; only an absent or stuck one is reported.
        count, last_hash, problems = verify_log(settle=options.get("settle", 1.0))
        if head:
            known = AuditEvent.objects.filter(hash=head).values_list("seq", flat=True).first()
            if known is None:
                problems.append(f"the recorded head {head[:12]}… is no longer in the log "
                                "(rows removed from the end, or the log replaced)")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"audit chain BROKEN: {len(problems)} problem(s) in {count} events")
        self.stdout.write(f"audit chain OK: {count} events, head {last_hash}")
