from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from diaodu.core import clock, photo_services
from diaodu.core.errors import UserError
from diaodu.core.forms import run_service
from diaodu.core.models import OrgUnit
from diaodu.core.money import wan_to_yi
from diaodu.core.photo_views import PhotoUploadForm
from diaodu.core.roles import role_of
from diaodu.core.views import ShellMixin, route
from diaodu.projects import photos as project_photos
from diaodu.projects import policy as project_policy
from diaodu.projects import services as project_services
from diaodu.projects.models import Level, Project
from diaodu.projects.selectors import project_get

from . import policy, quality, selectors, services
from .forms import RegisterForm, ReportForm, ReviewForm, RoundOpenForm
from .models import Cadence, ReportStatus

FILL_ACTIONS = ("save", "submit")


def report_url(report) -> str:
    return reverse("investment:report", args=[report.pk])


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _apply(request, form, call) -> bool:
    """Run a service; a UserError lands on its form field, else as a page message."""
    return run_service(call, form, request=request)[0]


class ReportListView(ShellMixin, TemplateView):
    template_name = "investment/report_list.html"
    title = gettext_lazy("进度填报")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rounds = list(selectors.round_list(user=user)[:24])
        try:
            round_id = int(self.request.GET.get("round") or (rounds[0].pk if rounds else 0))
        except ValueError:
            round_id = 0
        status = self.request.GET.get("status", "")
        status = status if status in ReportStatus.values else ""
        # Units start from what they fill in; the street's other projects are one click away.
        fills = role_of(user) in policy.FILLERS
        mine = self.request.GET.get("mine", "1" if fills else "") == "1"
        reports = selectors.report_list(user=user, round_id=round_id, status=status,
                                        mine=mine)
        page = Paginator(reports, 50).get_page(self.request.GET.get("page"))
        context.update(rounds=rounds, round_id=round_id, status=status, page=page,
                       statuses=ReportStatus.choices, mine=mine, fills=fills)
        return context


class ReportDetailView(ShellMixin, TemplateView):
    """The report form (works at phone width) with the review actions the role allows."""

    template_name = "investment/report_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.report = None
        if request.user.is_authenticated and role_of(request.user) and not self._fills(request):
            # A POST that succeeds redirects: it reads what the steps need, not the page
            # (a form shown again with its error loads the rest as it renders).
            page = request.method != "POST"
            self.report = selectors.report_get(user=request.user, pk=kwargs["pk"],
                                               adjustments=page, page=page)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _fills(request) -> bool:
        """A save or a submission (the month-end surge is mostly these): its service reads
        the report once, locked, and refuses (404) anyone policy.fills does not allow, so
        the page does not read it first."""
        return request.method == "POST" and request.POST.get("action") in FILL_ACTIONS

    def _can(self):
        """The buttons the page shows, from investment/policy.py's allowed steps."""
        steps = policy.allowed_steps(self.request.user, self.report)
        return {"fill": policy.FILL in steps, "unit_review": policy.UNIT_APPROVE in steps,
                "review": policy.APPROVE in steps, "raise_case": policy.RAISE_CASE in steps}

    def get_context_data(self, form=None, review_form=None, photo_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        form = form or ReportForm(initial={
            "completed_in_period": report.completed_in_period,
            "cumulative_completed": report.cumulative_completed,
            "physical_progress": report.physical_progress, "issues": report.issues,
            "expected_version": report.version})
        can = self._can()
        context.update(
            report=report, title=str(report), form=form, can=can,
            photos=selectors.report_photos(report=report),
            photo_form=photo_form or (PhotoUploadForm() if can["fill"] else None),
            review_form=review_form or ReviewForm(initial={"expected_version": report.version}),
            flags=[quality.FLAG_LABELS.get(f, f) for f in report.review_flags],
            reminders=selectors.reminders_for(user=self.request.user, report=report),
        )
        return context

    def _fill(self, request, action: str, pk: int):
        form = ReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data

            def run():
                services.report_save(
                    actor=request.user, report=pk, expected_version=data["expected_version"],
                    completed_in_period=data["completed_in_period"],
                    cumulative_completed=data["cumulative_completed"],
                    physical_progress=data["physical_progress"], issues=data["issues"],
                    submit=action == "submit")

            if _apply(request, form, run):
                messages.success(request, _("已提交。") if action == "submit" else _("已保存。"))
                return redirect("investment:report", pk=pk)
        # Shown again with its error only to whom the page offers the form, as before the
        # service was called: anyone else gets the 404 an unknown step gets.
        self.report = selectors.report_get(user=request.user, pk=pk)
        if not self._can()["fill"]:
            raise Http404
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if self._fills(request):
            return self._fill(request, action, kwargs["pk"])
        can = self._can()
        report, user = self.report, request.user

        def review():
            form = ReviewForm(request.POST)
            if form.is_valid():
                version = form.cleaned_data["expected_version"]
                calls = {
                    "unit_approve": lambda: services.report_unit_approve(
                        actor=user, report=report, expected_version=version),
                    "approve": lambda: services.report_approve(
                        actor=user, report=report, expected_version=version),
                    "return": lambda: services.report_return(
                        actor=user, report=report, reason=form.cleaned_data["reason"],
                        expected_version=version),
                }
                if _apply(request, form, calls[action]):
                    messages.success(request, _("操作成功。"))
                    return redirect("investment:report", pk=report.pk)
            return self.render_to_response(self.get_context_data(review_form=form))

        def raise_case():
            try:
                case = services.report_raise_case(actor=user, report=report)
            except UserError as error:
                messages.error(request, error.message)
                return redirect("investment:report", pk=report.pk)
            messages.success(request, _("已转为督办事项 %(n)s。") % {"n": case.number})
            return redirect(case.get_absolute_url())

        def photo_add():
            form = PhotoUploadForm(request.POST, request.FILES)
            if form.is_valid() and _apply(request, form, lambda: photo_services.photo_add_many(
                    actor=user, owner=report, uploads=form.cleaned_data["photo"],
                    caption=form.cleaned_data["caption"])):
                messages.success(request, _("照片已上传。"))
                return redirect(f"{report_url(report)}#photos")
            return self.render_to_response(self.get_context_data(photo_form=form))

        def photo_remove():
            photo = photo_services.photo_get(user=user, pk=_int(request.POST.get("photo")))
            if photo.owner_id != report.pk or photo.owner_type.model != "progressreport":
                raise Http404
            if _apply(request, None, lambda: photo_services.photo_remove(actor=user,
                                                                         photo=photo)):
                messages.success(request, _("照片已删除。"))
            return redirect(f"{report_url(report)}#photos")

        # Only the steps the page offers now (investment/policy.py); any other is 404.
        handlers = {}
        if can["fill"]:
            handlers.update(photo_add=photo_add, photo_remove=photo_remove)
        if can["unit_review"] or can["review"]:
            handlers.update(unit_approve=review, approve=review, **{"return": review})
        if can["raise_case"]:
            handlers["raise_case"] = raise_case
        return route(action, handlers)


class DispatcherMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not policy.may_review(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class RoundListView(DispatcherMixin, ShellMixin, TemplateView):
    template_name = "investment/round_list.html"
    title = gettext_lazy("调度轮次")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        context.update(rounds=selectors.round_list(user=self.request.user)[:36],
                       form=form or RoundOpenForm(initial={
                           "cadence": Cadence.MONTHLY, "period_start": today.replace(day=1)}))
        return context

    def post(self, request, *args, **kwargs):
        form = RoundOpenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            projects = None
            if data["campaign_only"]:
                projects = list(services.active_projects().filter(
                    campaign_entries__isnull=False).distinct())

            def run():
                self.opened = services.round_open(
                    actor=request.user, cadence=data["cadence"],
                    period_start=data["period_start"], period_end=data["period_end"],
                    due_at=data["due_at"], title=data["title"], projects=projects)

            if _apply(request, form, run):
                messages.success(request, _("已开启：%(t)s") % {"t": self.opened})
                return redirect("investment:round", pk=self.opened.pk)
        return self.render_to_response(self.get_context_data(form=form))


class RoundDetailView(DispatcherMixin, ShellMixin, TemplateView):
    """Round overview: who has not reported (催报 with one click), review progress, lock."""

    template_name = "investment/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = selectors.round_get(user=self.request.user, pk=self.kwargs["pk"])
        units = selectors.round_overview(user=self.request.user, round_=round_)
        context.update(round=round_, title=str(round_), units=units,
                       totals={k: sum(getattr(u, k) for u in units)
                               for k in ("total", "pending", "submitted", "approved",
                                         "returned", "overdue")})
        return context

    def post(self, request, *args, **kwargs):
        round_ = selectors.round_get(user=request.user, pk=kwargs["pk"])

        def lock():
            services.round_lock(actor=request.user, round_=round_)
            messages.success(request, _("本轮已锁定。"))

        def remind():
            try:
                unit = OrgUnit.objects.get(pk=request.POST.get("unit"))
            except (OrgUnit.DoesNotExist, ValueError):
                raise Http404 from None
            if _apply(request, None, lambda: services.round_remind(
                    actor=request.user, round_=round_, unit=unit)):
                messages.success(request, _("已向 %(u)s 催报。") % {"u": unit})

        route(request.POST.get("action", ""), {"lock": lock, "remind": remind})
        return redirect("investment:round", pk=round_.pk)


class KpiView(ShellMixin, TemplateView):
    template_name = "investment/kpis.html"
    title = gettext_lazy("投资完成情况")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        try:
            year = int(self.request.GET.get("year") or today.year)
            month = int(self.request.GET.get("month") or (12 if year < today.year
                                                           else today.month))
            date(year, month, 1)
        except ValueError:
            year, month = today.year, today.month
        scope = self.request.GET.get("scope", "key")
        levels = (Level.PROVINCE, Level.CITY) if scope == "key" else ()
        result = selectors.year_kpis(user=self.request.user, year=year, month=month,
                                     levels=levels)
        context.update(k=result, year=year, month=month, scope=scope,
                       planned_yi=wan_to_yi(result.planned_annual),
                       completed_yi=wan_to_yi(result.completed_ytd),
                       years=range(today.year, 2019, -1), months=range(1, 13))
        return context


class RegistrationView(ShellMixin, TemplateView):
    """入库 reconciliation: started projects ≥ 500万元 not registered yet, and 拟入库."""

    template_name = "investment/registration.html"
    title = gettext_lazy("统计入库")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = clock.today()
        next_month = (today.replace(day=28) + timezone.timedelta(days=5)).replace(day=1)
        done, total, rate = selectors.registration_rate(user=user)
        unregistered = list(selectors.unregistered(user=user)[:200])
        latest = photo_services.latest_by_subject(Project, [p.pk for p in unregistered])
        for project in unregistered:
            project.latest_photo = latest.get(project.pk)
        context.update(
            unregistered=unregistered,
            plans=selectors.registration_plans(user=user, month=next_month),
            next_month=next_month, done=done, total=total, rate=rate,
            can_register=policy.may_register(user),
            today=today,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not policy.may_register(request.user):
            raise Http404
        project = project_get(user=request.user, pk=request.POST.get("project"))
        form = RegisterForm(request.POST)
        if form.is_valid():
            if _apply(request, None, lambda: project_services.project_register_stats(
                    actor=request.user, project=project,
                    registered_on=form.cleaned_data["registered_on"],
                    expected_version=form.cleaned_data["expected_version"])):
                messages.success(request, _("%(p)s 已登记入库。") % {"p": project})
        else:
            messages.error(request, _("请填写有效的入库日期。"))
        return redirect("investment:registration")


class RegistrationEvidenceView(ShellMixin, TemplateView):
    """入库 documentation of one project: its evidence photos (the responsible unit, the
    statistics bureau and the DRC upload them), checked against the days since the actual
    start and the project's point, beside the latest photos of its progress reports."""

    template_name = "investment/registration_evidence.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and role_of(request.user):
            self.project = project_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, photo_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        project, user = self.project, self.request.user
        can = project_policy.may_keep_evidence(user, project)
        evidence = project_photos.evidence_context(project)
        context.update(
            project=project, title=_("%(p)s · 入库佐证") % {"p": project.name},
            photos=photo_services.shown(photo_services.photos_of([project])[project.pk],
                                        evidence.period),
            report_photos=photo_services.subject_photos(project, exclude_owner=project),
            photo_form=photo_form or (PhotoUploadForm() if can else None), can=can,
            period=evidence.period)
        return context

    def post(self, request, *args, **kwargs):
        if not project_policy.may_keep_evidence(request.user, self.project):
            raise Http404
        project, user = self.project, request.user
        url = reverse("investment:registration_evidence", args=[project.pk]) + "#photos"
        if request.POST.get("action") == "photo_remove":
            photo = photo_services.photo_get(user=user, pk=_int(request.POST.get("photo")))
            if photo.owner_id != project.pk or photo.owner_type.model != "project":
                raise Http404
            if _apply(request, None, lambda: photo_services.photo_remove(actor=user,
                                                                         photo=photo)):
                messages.success(request, _("照片已删除。"))
            return redirect(url)
        if request.POST.get("action") != "photo_add":
            raise Http404
        form = PhotoUploadForm(request.POST, request.FILES)
        if form.is_valid() and _apply(request, form, lambda: photo_services.photo_add_many(
                actor=user, owner=project, uploads=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"])):
            messages.success(request, _("照片已上传。"))
            return redirect(url)
        return self.render_to_response(self.get_context_data(photo_form=form))
