"""Grid boundaries from a GeoJSON file: `manage.py import_grid_geojson FILE [--sample]
[--user NAME]` (as the user, in their scope; without --user as the system)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diaodu.core.errors import UserError
from diaodu.core.models import User
from diaodu.grids import geojson


class Command(BaseCommand):
    help = "导入网格边界（GeoJSON 要素集合）"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--sample", action="store_true",
                            help="示例边界（非实际划界）")
        parser.add_argument("--user", help="以该用户身份导入（默认：系统）")

    def handle(self, *args, **options):
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户 {options['user']} 不存在。")
        try:
            counts = geojson.geojson_import(actor=actor, data=Path(options["path"]).read_bytes(),
                                            sample=options["sample"])
        except (UserError, OSError) as problem:
            raise CommandError(str(getattr(problem, "message", problem))) from None
        self.stdout.write(", ".join(f"{kind}: {n}" for kind, n in counts.items()))
