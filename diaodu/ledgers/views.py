"""Import wizard (upload → confirm mapping → dry run → commit, with a polled progress bar),
the export list with its downloads, and the Word briefing."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from diaodu.core import clock
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.roles import Role, role_of
from diaodu.core.scoping import may_see
from diaodu.core.views import ShellMixin
from diaodu.dashboard.selectors import default_period
from diaodu.projects.models import Category, Project

from . import mapping as m
from . import selectors, services
from .forms import UploadForm
from .models import JobStatus
from .readers import max_bytes
from .sheet import parts_of

ACTION_LABELS = {"create": gettext_lazy("新增"), "update": gettext_lazy("更新"),
                 "unchanged": gettext_lazy("无变化"), "error": gettext_lazy("错误")}
FIELD_LABELS = {"responsible_unit": gettext_lazy("责任单位"), "street": gettext_lazy("属地街道"),
                "category": gettext_lazy("项目类别"), "leader": gettext_lazy("包联领导")}


def _importer(request) -> None:
    if not services.kinds_for(request.user):
        raise Http404


class ImportListView(ShellMixin, TemplateView):
    template_name = "ledgers/import_list.html"
    title = gettext_lazy("台账导入")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _importer(request)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None, files=None):
        user = self.request.user
        kinds = services.kinds_for(user)
        # ?kind= preselects the ledger an app's page sends people here for (排查台账 …).
        asked = self.request.GET.get("kind", "")
        return UploadForm(data, files, kinds=kinds,
                          profiles=selectors.mapping_profile_list(user=user),
                          initial={"kind": asked} if asked in kinds else None)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=form or self._form(),
                       jobs=selectors.import_job_list(user=self.request.user)[:50])
        return context

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        upload = data["file"]
        if upload.size > max_bytes():
            form.add_error("file", _("文件过大，请拆分后导入。"))
            return self.render_to_response(self.get_context_data(form=form))
        options = {"submit": bool(data["submit"])}
        if data.get("year"):
            options["year"] = data["year"]
        if data.get("round"):
            options["round"] = data["round"].pk
        try:
            # Stored here, read by a background task: the page polls until the header is
            # found or the file is refused.
            job = services.import_job_upload(
                actor=request.user, kind=data["kind"], filename=upload.name,
                data=upload.read(), profile=data.get("profile"), options=options)
        except UserError as problem:
            form.add_error("file" if problem.field in (None, "file") else None, problem.message)
            return self.render_to_response(self.get_context_data(form=form))
        return redirect("ledgers:import", pk=job.pk)


class ImportDetailView(ShellMixin, TemplateView):
    """Confirm the mapping, start the dry run, read its rows, then commit."""

    template_name = "ledgers/import_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and role_of(request.user):
            self.job = selectors.import_job_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        choices = [(s.key, s.label) for s in m.FIELDS[job.kind] if not s.key.startswith("_")]
        sheets = []
        for index, part in enumerate(parts_of(job.mapping) if job.mapping else []):
            by_column = {i: key for key, i in part.get("fields", {}).items()}
            ignored = part.get("ignored", {})
            sheets.append({
                "index": index, "name": part.get("sheet", ""), "skip": part.get("skip", False),
                "header_row": part.get("header_row", 0) + 1, "unit": part.get("unit", ""),
                "columns": [{"index": i, "letter": m.column_letter(i), "label": label,
                             "key": by_column.get(i, ""), "ignored": ignored.get(str(i), "")}
                            for i, label in enumerate(part.get("labels", [])) if label]})
        rows = [{**r, "label": ACTION_LABELS.get(r["action"], r["action"])} for r in job.rows]
        summary = job.summary
        context.update(
            job=job, title=str(job), sheets=sheets, several=len(sheets) > 1,
            choices=choices, rows=rows,
            editable=job.status in (JobStatus.MAPPED, JobStatus.CHECKED),
            can_commit=job.status == JobStatus.CHECKED and not job.error_count,
            progress=selectors.import_job_progress(job), s=summary,
            # Saving an alias is the DRC's (names are shared by every unit's imports).
            unknown=_unknown_with_candidates(summary.get("unknown", []))
            if job.status == JobStatus.CHECKED and role_of(self.request.user) == Role.DISPATCHER
            else [],
            header_row=job.mapping.get("header_row", 0) + 1)
        return context

    def post(self, request, *args, **kwargs):
        job, action = self.job, request.POST.get("action", "")
        try:
            if action == "dry_run":
                fields, skip = _posted_mapping(job, request.POST)
                services.import_job_set_mapping(actor=request.user, job=job, fields=fields[0],
                                                sheets=fields, skip=skip,
                                                save_as=request.POST.get("save_as", ""))
                services.import_job_queue(actor=request.user, job=job, commit=False)
                messages.info(request, _("已开始预检，完成后页面会自动刷新。"))
            elif action == "reconcile":
                answers = {}
                for entry in job.summary.get("unknown", []):
                    value = request.POST.get(f"alias-{entry['field']}-{entry['text']}", "")
                    answers[(entry["field"], entry["text"])] = value
                saved = services.import_job_reconcile(actor=request.user, job=job,
                                                      choices=answers)
                services.import_job_queue(actor=request.user, job=job, commit=False)
                messages.info(request, _("已保存 %(n)s 个名称对应，正在重新预检。")
                              % {"n": len(saved)})
            elif action == "commit":
                services.import_job_queue(actor=request.user, job=job, commit=True)
                messages.info(request, _("已开始导入，完成后页面会自动刷新。"))
            else:
                raise Http404
        except (UserError, ValueError) as problem:
            messages.error(request, getattr(problem, "message", str(problem)))
        return redirect("ledgers:import", pk=job.pk)


def _posted_mapping(job, post) -> tuple[dict[int, dict[str, int]], set[int]]:
    """The mapping form: `col-<sheet>-<column>` (`col-<column>` for the first sheet) and a
    `sheet-<n>` box per sheet when the file has several."""
    parts = parts_of(job.mapping)
    fields: dict[int, dict[str, int]] = {i: {} for i in range(len(parts))}
    for key, value in post.items():
        if not key.startswith("col-") or not value:
            continue
        bits = key[4:].split("-")
        sheet, column = (0, int(bits[0])) if len(bits) == 1 else (int(bits[0]), int(bits[1]))
        if sheet not in fields:
            raise ValueError(_("工作表序号无效。"))
        if value in fields[sheet]:
            raise UserError("import.field_twice", _("字段“%(f)s”对应了两列。")
                            % {"f": m.spec_of(job.kind, value).label})
        fields[sheet][value] = column
    skip = ({i for i in range(len(parts)) if not post.get(f"sheet-{i}")}
            if len(parts) > 1 else set())
    return fields, skip


def _unknown_with_candidates(unknown: list[dict]) -> list[dict]:
    """Each unknown name with what it may be matched to (the suggestion first)."""
    if not unknown:
        return []
    kinds = {u["field"] for u in unknown}
    options = {}
    if kinds & {"responsible_unit", "street"}:
        units = list(OrgUnit.objects.filter(active=True, kind__in=(UnitKind.DEPARTMENT,
                                                                  UnitKind.STREET))
                     .order_by("kind", "sort", "code"))
        options["responsible_unit"] = [(f"unit:{u.code}", u.name) for u in units]
        options["street"] = [(f"unit:{u.code}", u.name) for u in units
                             if u.kind == UnitKind.STREET]
    if "category" in kinds:
        options["category"] = [(f"category:{c.code}", c.name)
                               for c in Category.objects.filter(active=True)]
    if "leader" in kinds:
        options["leader"] = [(f"leader:{u.username}", str(u)) for u in
                             User.objects.filter(role=Role.LEADER, is_active=True)
                             .order_by("username")]
    return [{**u, "label": FIELD_LABELS.get(u["field"], u["field"]),
             "options": options.get(u["field"], [])} for u in unknown]


class ImportProgressView(ShellMixin, TemplateView):
    """The progress bar, polled by htmx while the job runs; a finished job reloads the page."""

    template_name = "ledgers/import_progress.html"

    def get(self, request, *args, **kwargs):
        job = selectors.import_job_get(user=request.user, pk=kwargs["pk"])
        response = self.render_to_response({"job": job,
                                            "progress": selectors.import_job_progress(job)})
        if not job.busy and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


# ---------------------------------------------------------------- exports


def _exporter(request) -> None:
    if not may_see(request.user, Project):
        raise Http404


class ExportListView(ShellMixin, TemplateView):
    template_name = "ledgers/export_list.html"
    title = gettext_lazy("台账导出")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _exporter(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from .exports import LEDGERS

        context = super().get_context_data(**kwargs)
        year, month = _year_month(self.request)
        last = max(clock.today().year, year)
        context.update(ledgers=LEDGERS, year=year, month=month,
                       years=range(last, 2019, -1), months=range(1, 13))
        return context


def _year_month(request) -> tuple[int, int]:
    """The month asked for, else the one the dashboard opens on (its latest locked period)."""
    try:
        year = int(request.GET.get("year") or 0)
        month = int(request.GET.get("month") or 0)
        if year and month:
            date(year, month, 1)
            return year, month
    except ValueError:
        pass
    period = default_period(user=request.user)
    return period.year, period.month


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ExportView(ShellMixin, View):
    def get(self, request, ledger):
        from .exports import LEDGERS, export_ledger

        _exporter(request)
        if ledger not in LEDGERS:
            raise Http404
        year, month = _year_month(request)
        content, filename = export_ledger(ledger, user=request.user, year=year, month=month)
        return _download(content, filename, XLSX)


class BriefingView(ShellMixin, View):
    def get(self, request):
        from .briefing import briefing_docx

        _exporter(request)
        year, month = _year_month(request)
        content, filename = briefing_docx(user=request.user, year=year, month=month)
        return _download(content, filename, DOCX)
