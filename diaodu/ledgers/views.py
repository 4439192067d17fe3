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
from diaodu.core.roles import role_of
from diaodu.core.scoping import may_see
from diaodu.core.views import ShellMixin
from diaodu.projects.models import Project

from . import mapping as m
from . import selectors, services
from .forms import UploadForm
from .models import JobStatus
from .readers import max_bytes

ACTION_LABELS = {"create": gettext_lazy("新增"), "update": gettext_lazy("更新"),
                 "unchanged": gettext_lazy("无变化"), "error": gettext_lazy("错误")}


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
        return UploadForm(data, files, kinds=services.kinds_for(user),
                          profiles=selectors.mapping_profile_list(user=user))

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
            job = services.import_job_create(
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
        labels = job.mapping.get("labels", [])
        by_column = {i: key for key, i in job.mapping.get("fields", {}).items()}
        choices = [(s.key, s.label) for s in m.FIELDS[job.kind] if not s.key.startswith("_")]
        columns = [{"index": i, "letter": m.column_letter(i), "label": label,
                    "key": by_column.get(i, "")} for i, label in enumerate(labels) if label]
        rows = [{**r, "label": ACTION_LABELS.get(r["action"], r["action"])} for r in job.rows]
        context.update(
            job=job, title=str(job), columns=columns, choices=choices, rows=rows,
            editable=job.status in (JobStatus.MAPPED, JobStatus.CHECKED),
            can_commit=job.status == JobStatus.CHECKED and not job.error_count,
            progress=selectors.import_job_progress(job), s=job.summary,
            header_row=job.mapping.get("header_row", 0) + 1)
        return context

    def post(self, request, *args, **kwargs):
        job, action = self.job, request.POST.get("action", "")
        try:
            if action == "dry_run":
                fields = {}
                for key, value in request.POST.items():
                    if key.startswith("col-") and value:
                        if value in fields:
                            raise UserError("import.field_twice",
                                            _("字段“%(f)s”对应了两列。")
                                            % {"f": m.spec_of(job.kind, value).label})
                        fields[value] = int(key[4:])
                services.import_job_set_mapping(actor=request.user, job=job, fields=fields,
                                                save_as=request.POST.get("save_as", ""))
                services.import_job_queue(actor=request.user, job=job, commit=False)
                messages.info(request, _("已开始预检，完成后页面会自动刷新。"))
            elif action == "commit":
                services.import_job_queue(actor=request.user, job=job, commit=True)
                messages.info(request, _("已开始导入，完成后页面会自动刷新。"))
            else:
                raise Http404
        except (UserError, ValueError) as problem:
            messages.error(request, getattr(problem, "message", str(problem)))
        return redirect("ledgers:import", pk=job.pk)


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
        today = clock.today()
        context.update(ledgers=LEDGERS, year=today.year, month=today.month,
                       years=range(today.year, 2019, -1), months=range(1, 13))
        return context


def _year_month(request) -> tuple[int, int]:
    today = clock.today()
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET.get("month") or today.month)
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


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
