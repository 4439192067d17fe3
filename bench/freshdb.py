"""The benches' fresh database: PostgreSQL on 127.0.0.1:5432 (trust auth) dropped and
recreated, or a new SQLite file /tmp/<name>.sqlite3; then Django set up on it and migrated.

Every bench starts from an empty schema so one run's data never leaks into the next one's
timings; keep=True reuses the last run's data (migrated, not dropped).
"""

import os
import subprocess
from pathlib import Path


def fresh_database(name: str, db: str = "postgres", *, settings: str = "diaodu.settings",
                   hosts: list[str] | None = None, keep: bool = False) -> str:
    """Point DATABASE_URL at an empty database `name` (db: "postgres" or "sqlite"), run
    django.setup() with `settings` and migrate; `hosts` replaces ALLOWED_HOSTS (the test
    client's "localhost"). Returns the database URL."""
    path = Path(f"/tmp/{name}.sqlite3")
    url = f"postgres://postgres@127.0.0.1:5432/{name}" if db == "postgres" else f"sqlite:///{path}"
    if not keep:
        _empty(name, db, path)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django

    django.setup()
    from django.conf import settings as conf
    from django.core.management import call_command

    if hosts is not None:
        conf.ALLOWED_HOSTS = hosts
    call_command("migrate", verbosity=0)
    return url


def _empty(name: str, db: str, path: Path) -> None:
    if db == "postgres":
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], check=True,
                           capture_output=True)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
