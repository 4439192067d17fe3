"""The `diaodu` command: `diaodu demo` sets up and serves the demo; anything else is passed to
Django's manage.py (e.g. `diaodu migrate`, `diaodu createsuperuser`)."""

import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diaodu.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    if argv[1:2] == ["demo"]:
        # The demo lives on its business day, and its web server and task worker share a
        # cache (the import progress bar) — set before the settings load, for both.
        # (settings.py must not be imported before: it reads the environment once.)
        data = Path(os.environ.get("DIAODU_DATA_DIR", Path(__file__).resolve().parent.parent
                                   / "data"))
        os.environ.setdefault("DIAODU_TODAY", "2023-03-31")
        os.environ.setdefault("DIAODU_CACHE_DIR", str(data / "cache"))
    execute_from_command_line(["diaodu", *argv[1:]])


if __name__ == "__main__":
    main()
