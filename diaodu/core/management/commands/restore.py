"""`diaodu restore FILE --target T`: decrypt a backup into a NEW database — a SQLite file
path, or the name of an empty PostgreSQL database — and check there that every table's row
count and the audit chain match the backup. Point DATABASE_URL at it afterwards."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diaodu.core import backups


class Command(BaseCommand):
    help = "Restore an encrypted backup into a new database and verify it."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--target", required=True,
                            help="new SQLite file, or an empty PostgreSQL database name")

    def handle(self, *args, file, target, **options):
        try:
            header = backups.restore(Path(file), target=target)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        check = header["check"]
        if "skipped" in check:
            self.stdout.write(f"restored into {target}; check skipped: {check['skipped']}")
            return
        problems = []
        if not check["counts_match"]:
            problems.append(f"row counts differ: {check['mismatched']}")
        if check["audit_problems"] or not check["audit_head_match"]:
            problems.append(f"audit chain: {check['audit_problems'] or 'head differs'}")
        if problems:
            raise CommandError("restored, but the check FAILED: " + "; ".join(problems))
        self.stdout.write(f"restored into {target}: row counts match, audit chain OK "
                          f"({check['audit_events']} events, head {header['audit_head']})")
