"""The `diaodu` command: `diaodu demo` sets up and serves the demo; anything else is passed to
Django's manage.py (e.g. `diaodu migrate`, `diaodu createsuperuser`)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diaodu.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    execute_from_command_line(["diaodu", *argv[1:]])


if __name__ == "__main__":
    main()
