"""`diaodu import FILE --kind projects|plans|reports|approvals [--dry-run] [--as USERNAME]
[--mapping PROFILE] [--sheet NAME]… [--aliases FILE] [--with-plans] [--with-progress]`: the
web import for administrators and scripts. Prints the same summary, totals and row errors as
the dry-run page; exits non-zero when any row is refused (nothing written). Names matching no
unit, street, category or leader are listed once each with the closest known one;
`--aliases FILE` (two columns: the written name, a unit code, category code or leader
username) saves the answers as aliases first, as the web reconciliation step does. A project
ledger's plan and progress columns are imported in the same job with --with-plans and
--with-progress (the web's tick boxes)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from diaodu.core.errors import UserError
from diaodu.core.models import User
from diaodu.ledgers import mapping as m
from diaodu.ledgers import services
from diaodu.ledgers.models import ImportKind, MappingProfile
from diaodu.ledgers.views import ACTION_LABELS, FIELD_LABELS


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
        parser.add_argument("--sheet", action="append", default=[],
                            help="read only this sheet (repeatable); default: every sheet "
                                 "with a header, skipping notes, hidden and summary sheets")
        parser.add_argument("--with-plans", action="store_true",
                            help="projects: also import the annual plan column (2023年计划投资) "
                                 "as the projects' plans for that year")
        parser.add_argument("--with-progress", action="store_true",
                            help="projects: also import the progress columns (1-2月完成投资, "
                                 "累计完成投资, 形象进度) into the month's round")
        parser.add_argument("--aliases", default="",
                            help="CSV of written name, unit code / category code / leader "
                                 "username, saved as aliases before the run")

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
        if opts["sheet"]:
            options["sheets"] = opts["sheet"]
        if opts["year"]:
            options["year"] = opts["year"]
        if opts["round"]:
            options["round"] = opts["round"]
        parts = [p for p, on in (("plans", opts["with_plans"]),
                                 ("progress", opts["with_progress"])) if on]
        if parts:
            options["with"] = parts
        try:
            if opts["aliases"]:
                aliases = Path(opts["aliases"])
                if not aliases.is_file():
                    raise CommandError(_("文件不存在：%(f)s") % {"f": aliases})
                saved = services.aliases_from_csv(
                    actor=actor, text=aliases.read_bytes().decode("utf-8-sig"))
                self.stdout.write(_("已保存 %(n)s 个别名。") % {"n": len(saved)})
            job = services.import_job_create(actor=actor, kind=opts["kind"],
                                             filename=path.name, data=path.read_bytes(),
                                             profile=profile, options=options)
            self._print_mapping(job)
            job = services.import_job_run(actor=actor, job=job, commit=not opts["dry_run"])
        except UserError as problem:
            raise CommandError(problem.message) from None
        self._print_result(job)
        self._print_unknown(job)
        if job.error_count:
            raise CommandError(_("%(n)s 行被拒绝，未写入任何数据。") % {"n": job.error_count})

    def _print_mapping(self, job):
        labels = job.mapping["labels"]
        pairs = [f"{m.norm(labels[i])}→{key}" for key, i in sorted(job.mapping["fields"].items(),
                                                           key=lambda kv: kv[1])]
        self.stdout.write(_("表头（第 %(r)s 行）：%(p)s")
                          % {"r": job.mapping["header_row"] + 1, "p": "，".join(pairs)})

    def _print_unknown(self, job):
        unknown = job.summary.get("unknown", [])
        if not unknown:
            return
        self.stdout.write(_("以下名称在系统中找不到（每个只列一次；用 --aliases 文件指定对应，"
                            "格式：写法,单位代码或用户名）："))
        for entry in unknown:
            rows = "、".join(entry["rows"])
            more = entry["count"] - len(entry["rows"])
            self.stdout.write(
                _("  %(field)s“%(text)s”：%(n)s 行（%(rows)s%(more)s）；建议：%(s)s")
                % {"field": FIELD_LABELS.get(entry["field"], entry["field"]),
                   "text": entry["text"], "n": entry["count"], "rows": rows,
                   "more": _(" 等") if more > 0 else "",
                   "s": (f"{entry['suggestion_label']}"
                         f"（{entry['suggestion'].split(':', 1)[1]}）")
                   if entry["suggestion"] else _("无")})

    def _print_result(self, job):
        s = job.summary
        self.stdout.write(
            _("%(mode)s：共 %(rows)s 行；新增 %(create)s，更新 %(update)s，无变化 %(unchanged)s，"
              "错误 %(error)s；用时 %(sec)s 秒。")
            % {"mode": _("预检") if s.get("dry_run") else _("导入"), "rows": s["rows"],
               "create": s["create"], "update": s["update"], "unchanged": s["unchanged"],
               "error": s["error"], "sec": s["seconds"]})
        for note in s.get("notes", []) + s.get("checks", []) + s.get("sections", []):
            self.stdout.write(f"  {note}")
        for total in s.get("totals", []):
            if total.get("cause"):
                self.stdout.write(f"  {total['cause']}")
        for row in job.rows:
            for warning in row.get("warnings", []):
                self.stdout.write(f"  {warning['cell']}：{warning['message']}")
            if row["action"] == "error":
                for error in row["errors"]:
                    self.stdout.write(f"  {error['cell']}：{error['message']}")
            elif self.verbosity > 1:
                changes = "；".join(f"{k}：{a or '空'} → {b or '空'}"
                                   for k, (a, b) in row["diff"].items())
                self.stdout.write(f"  {row['row']} {ACTION_LABELS[row['action']]} "
                                  f"{row['key']} {changes}")
