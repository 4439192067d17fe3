"""`diaodu import FILE --kind projects|plans|reports|approvals [--dry-run] [--as USERNAME]
[--mapping PROFILE]`: the web import for administrators and scripts. Prints the same summary
and row errors as the dry-run page; exits non-zero when any row is refused (nothing written)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from diaodu.core.errors import UserError
from diaodu.core.models import User
from diaodu.ledgers import mapping as m
from diaodu.ledgers import services
from diaodu.ledgers.models import ImportKind, MappingProfile
from diaodu.ledgers.views import ACTION_LABELS


class Command(BaseCommand):
    help = "Import a ledger (台账) from an xlsx, xls, ods or csv file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--as", dest="username", default="",
                            help="run as this user (scope and permissions apply)")
        parser.add_argument("--mapping", default="", help="a saved mapping profile's name")
        parser.add_argument("--year", type=int, help="plans: the year when the file has none")
        parser.add_argument("--round", type=int, help="reports: the round's id")
        parser.add_argument("--no-submit", action="store_true",
                            help="reports: save without submitting")

    def handle(self, *args, **opts):
        self.verbosity = opts["verbosity"]
        actor = None
        if opts["username"]:
            actor = User.objects.select_related("unit").filter(
                username=opts["username"], is_active=True).first()
            if actor is None:
                raise CommandError(_("用户不存在：%(u)s") % {"u": opts["username"]})
        profile = None
        if opts["mapping"]:
            profiles = MappingProfile.objects.filter(kind=opts["kind"], name=opts["mapping"])
            if actor is not None and actor.unit_id:
                profiles = profiles.filter(unit_id=actor.unit_id)
            profile = profiles.first()
            if profile is None:
                raise CommandError(_("映射方案不存在：%(p)s") % {"p": opts["mapping"]})
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(_("文件不存在：%(f)s") % {"f": path})
        options = {"submit": not opts["no_submit"]}
        if opts["year"]:
            options["year"] = opts["year"]
        if opts["round"]:
            options["round"] = opts["round"]
        try:
            job = services.import_job_create(actor=actor, kind=opts["kind"],
                                             filename=path.name, data=path.read_bytes(),
                                             profile=profile, options=options)
            self._print_mapping(job)
            job = services.import_job_run(actor=actor, job=job, commit=not opts["dry_run"])
        except UserError as problem:
            raise CommandError(problem.message) from None
        self._print_result(job)
        if job.error_count:
            raise CommandError(_("%(n)s 行被拒绝，未写入任何数据。") % {"n": job.error_count})

    def _print_mapping(self, job):
        labels = job.mapping["labels"]
        pairs = [f"{m.norm(labels[i])}→{key}" for key, i in sorted(job.mapping["fields"].items(),
                                                           key=lambda kv: kv[1])]
        self.stdout.write(_("表头（第 %(r)s 行）：%(p)s")
                          % {"r": job.mapping["header_row"] + 1, "p": "，".join(pairs)})

    def _print_result(self, job):
        s = job.summary
        self.stdout.write(
            _("%(mode)s：共 %(rows)s 行；新增 %(create)s，更新 %(update)s，无变化 %(unchanged)s，"
              "错误 %(error)s；用时 %(sec)s 秒。")
            % {"mode": _("预检") if s.get("dry_run") else _("导入"), "rows": s["rows"],
               "create": s["create"], "update": s["update"], "unchanged": s["unchanged"],
               "error": s["error"], "sec": s["seconds"]})
        for note in s.get("notes", []) + s.get("checks", []):
            self.stdout.write(f"  {note}")
        for row in job.rows:
            if row["action"] == "error":
                for error in row["errors"]:
                    self.stdout.write(f"  {error['cell']}：{error['message']}")
            elif self.verbosity > 1:
                changes = "；".join(f"{k}：{a or '空'} → {b or '空'}"
                                   for k, (a, b) in row["diff"].items())
                self.stdout.write(f"  {row['row']} {ACTION_LABELS[row['action']]} "
                                  f"{row['key']} {changes}")
