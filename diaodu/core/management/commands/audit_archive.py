"""`diaodu audit_archive`: move audit events older than AUDIT_RETENTION_DAYS into an
encrypted archive file (key: DIAODU_BACKUP_KEY) and record a checkpoint from which
`diaodu audit_verify` continues. `--verify FILE` checks an archive file on its own."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from diaodu.core import audit_archive
from diaodu.core.backups import BackupError
from diaodu.core.models import AuditCheckpoint


class Command(BaseCommand):
    help = "Archive and remove audit events older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--dir", dest="directory", default=None,
                            help=f"where archive files go (default {settings.AUDIT_ARCHIVE_DIR})")
        parser.add_argument("--verify", metavar="FILE", default=None,
                            help="verify an archive file's chain and stop")

    def handle(self, *args, directory=None, verify=None, **options):
        try:
            if verify:
                return self._verify(Path(verify))
            checkpoint = audit_archive.archive(
                directory=Path(directory) if directory else settings.AUDIT_ARCHIVE_DIR)
        except (audit_archive.ArchiveError, BackupError) as exc:
            raise CommandError(str(exc)) from None
        if checkpoint is None:
            self.stdout.write(f"nothing older than {settings.AUDIT_RETENTION_DAYS} days")
            return
        self.stdout.write(
            f"archived events {checkpoint.first_seq}–{checkpoint.seq} "
            f"({checkpoint.event_count}) to {checkpoint.file_name} "
            f"(sha256 {checkpoint.file_sha256}); the live log continues from seq "
            f"{checkpoint.seq + 1}")

    def _verify(self, path: Path):
        header, problems = audit_archive.verify_archive(path)
        recorded = AuditCheckpoint.objects.filter(seq=header["through_seq"]).first()
        if recorded is not None:
            if hashlib.sha256(path.read_bytes()).hexdigest() != recorded.file_sha256:
                problems.append("the file differs from the one the checkpoint recorded")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"archive BROKEN: {len(problems)} problem(s)")
        self.stdout.write(f"archive OK: events {header['first_seq']}–{header['through_seq']} "
                          f"({header['count']}), last hash {header['through_hash']}")
