"""`diaodu backup FILE`: an encrypted backup (key from DIAODU_BACKUP_KEY) of the whole
database; `diaodu backup --generate-key` prints a new key. The header records the audit
chain's head: keep it, `diaodu audit_verify --head` then also detects a cut-off log."""

from pathlib import Path

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError

from diaodu.core import backups


class Command(BaseCommand):
    help = "Write an encrypted backup of the database (SQLite or PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write the backup")
        parser.add_argument("--generate-key", action="store_true",
                            help="print a new key for DIAODU_BACKUP_KEY and stop")

    def handle(self, *args, file=None, generate_key=False, **options):
        if generate_key:
            self.stdout.write(Fernet.generate_key().decode())
            return
        if not file:
            raise CommandError("name the backup file")
        try:
            header = backups.backup(Path(file))
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(header["counts"].values())
        self.stdout.write(f"backup written: {file} ({header['vendor']}, {rows} rows, "
                          f"{header['audit_events']} audit events, audit head "
                          f"{header['audit_head']})")
        if not header["audit_chain_ok"]:
            self.stderr.write("warning: the audit chain was already broken at backup time")
