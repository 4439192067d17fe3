"""Schedule pages inside the unfold shell: project Gantt, editing forms (all writes through
services), baselines and the district 挂图作战 chart."""

from collections import Counter

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from diaodu.core import clock
from diaodu.core.calendar import load_calendar
from diaodu.core.errors import NotFound, UserError
from diaodu.core.forms import put_error
from diaodu.core.views import ShellMixin

from . import gantt, policy, selectors, services
from .forms import (
    ActivityForm,
    BaselineForm,
    BoardFilterForm,
    LinkForm,
    ScheduleSettingsForm,
    TemplateApplyForm,
)
from .models import MilestoneType, Rag, ScheduleTemplate


class ProjectScheduleMixin(ShellMixin):
    """Loads the project through the scoped selector (404 outside scope)."""

    edit_only = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.project = selectors.schedule_project_get(user=request.user, pk=kwargs["pk"])
            self.can_edit = services.can_edit(request.user, self.project)
            if self.edit_only and not self.can_edit:
                raise NotFound
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(project=self.project, schedule=selectors.project_schedule(self.project),
                       can_edit=self.can_edit)
        return context

    def gantt_url(self) -> str:
        return reverse("schedule:gantt", args=[self.project.pk])


class GanttView(ProjectScheduleMixin, TemplateView):
    template_name = "schedule/gantt.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        activities = list(selectors.activity_list(user=self.request.user, project=self.project))
        baselines = list(selectors.baseline_list(user=self.request.user, project=self.project))
        baseline = selectors.baseline_get(user=self.request.user, project=self.project,
                                          pk=self.request.GET.get("baseline"))
        slips, project_slip = {}, None
        if baseline is not None:
            slips, project_slip = selectors.baseline_slips(
                baseline=baseline, activities=activities, calendar=load_calendar())
        bars = []
        for a in activities:
            entry = slips[a.pk].entry if a.pk in slips else None
            bars.append(gantt.Bar(
                name=a.name, duration=a.duration, planned_start=a.planned_start,
                planned_finish=a.planned_finish, start=a.early_start, finish=a.early_finish,
                late_finish=None if a.rag == Rag.DONE else a.late_finish,
                total_float=a.total_float,
                actual_start=a.actual_start, actual_finish=a.actual_finish,
                baseline_start=entry.start if entry else None,
                baseline_finish=entry.finish if entry else None, critical=a.critical,
                rag=a.rag))
            a.slip = slips.get(a.pk)
        context.update(
            title=_("进度计划：%(name)s") % {"name": self.project.name},
            activities=activities, baselines=baselines, baseline=baseline,
            project_slip=project_slip, today=today,
            # gantt.render escapes every text it writes.
            chart=mark_safe(gantt.render(bars, today=today)) if activities else "",
            rows=mark_safe(gantt.table_rows(  # escaped in gantt.table_rows
                activities, with_slip=baseline is not None, rag_labels=dict(Rag.choices),
                edit_url=reverse("schedule:edit", args=[self.project.pk])
                if self.can_edit else None)),
            rag_counts=Counter(a.rag for a in activities),
            critical_count=sum(a.critical for a in activities),
            rag_labels=dict(Rag.choices),
        )
        return context


class ActivityEditView(ProjectScheduleMixin, FormView):
    """Add an activity, or edit / delete the one named by ?activity=<id>."""

    template_name = "schedule/edit.html"
    form_class = ActivityForm
    edit_only = True

    activity = None

    def _activity(self):
        if self.activity is None and self.request.GET.get("activity"):
            self.activity = selectors.activity_get(
                user=self.request.user, project=self.project,
                pk=self.request.GET["activity"])
        return self.activity

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["activity"] = self._activity()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("编辑进度计划：%(name)s") % {"name": self.project.name},
            activity=self._activity(),
            activities=selectors.activity_list(user=self.request.user, project=self.project))
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        expected_version = data.pop("expected_version")
        activity = self._activity()
        try:
            if activity is not None and "delete" in self.request.POST:
                services.activity_delete(actor=self.request.user, activity=activity,
                                         expected_version=expected_version)
                messages.success(self.request, _("节点已删除。"))
                return redirect(self.gantt_url())
            if activity is None:
                saved = services.activity_create(
                    actor=self.request.user, project=self.project,
                    **{k: v for k, v in data.items() if v not in (None, "") or k == "name"})
            else:
                if data["duration"] is None:
                    data["duration"] = activity.duration
                if data["position"] is None:
                    data["position"] = activity.position
                data["name"] = data["name"] or activity.name
                data["percent"] = data["percent"] or 0
                saved = services.activity_update(actor=self.request.user, activity=activity,
                                                 expected_version=expected_version, **data)
        except UserError as error:
            put_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("节点“%(name)s”已保存。") % {"name": saved.name})
        if saved.note:
            messages.warning(self.request, saved.note)
        return redirect(self.gantt_url())


class LinksView(ProjectScheduleMixin, FormView):
    template_name = "schedule/links.html"
    form_class = LinkForm
    edit_only = True

    def _activities(self):
        return selectors.activity_list(user=self.request.user, project=self.project)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"activities": self._activities()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("节点关系：%(name)s") % {"name": self.project.name},
                       links=selectors.dependency_list(user=self.request.user,
                                                       project=self.project))
        return context

    def post(self, request, *args, **kwargs):
        remove = request.POST.get("remove")
        if remove:
            link = selectors.dependency_list(user=request.user, project=self.project) \
                .filter(pk=remove if remove.isdigit() else 0).first()
            if link is None:
                raise NotFound
            services.dependency_remove(actor=request.user, dependency=link)
            messages.success(request, _("关系已删除。"))
            return redirect(reverse("schedule:links", args=[self.project.pk]))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.dependency_add(actor=self.request.user, predecessor=data["predecessor"],
                                    successor=data["successor"], kind=data["kind"],
                                    lag=data["lag"])
        except UserError as error:
            put_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("关系已添加。"))
        return redirect(reverse("schedule:links", args=[self.project.pk]))


class SettingsView(ProjectScheduleMixin, FormView):
    """Schedule start, the 倒排工期 target finish and the at-risk threshold."""

    template_name = "schedule/form.html"
    form_class = ScheduleSettingsForm
    edit_only = True

    def get_initial(self):
        schedule = selectors.project_schedule(self.project)
        if schedule is None:
            return {"start_on": self.project.planned_start or clock.today(),
                    "target_finish": self.project.planned_completion, "risk_float": 5}
        return {"start_on": schedule.start_on, "target_finish": schedule.target_finish,
                "risk_float": schedule.risk_float, "expected_version": schedule.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("工期设置与倒排工期：%(name)s") % {"name": self.project.name},
                       intro=_("设定目标完成日期后，系统从该日期倒推每个节点的最迟开始和最迟完成；"
                               "最迟开始已过而尚未开始的节点标红，负浮动表示目标完成日期面临的风险（工作日）。"))
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            schedule = services.schedule_update(
                actor=self.request.user, project=self.project,
                expected_version=data["expected_version"], start_on=data["start_on"],
                target_finish=data["target_finish"], risk_float=data["risk_float"],
                fill_plan=data["fill_plan"])
        except UserError as error:
            put_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("工期设置已保存。"))
        if schedule.note:
            messages.warning(self.request, schedule.note)
        return redirect(self.gantt_url())


class TemplateApplyView(ProjectScheduleMixin, FormView):
    template_name = "schedule/form.html"
    form_class = TemplateApplyForm
    edit_only = True

    def get_initial(self):
        suggested = (ScheduleTemplate.objects.filter(category=self.project.category_id).first()
                     or ScheduleTemplate.objects.filter(code=self.project.category.code).first())
        return {"template": suggested,
                "start_on": self.project.planned_start or clock.today(),
                "target_finish": self.project.planned_completion}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("按模板生成进度计划：%(name)s") % {"name": self.project.name},
                       intro=_("模板一次生成该类项目的常用节点及其关系（含搭接关系），生成后可逐项修改。"
                               "只能用于尚无节点的项目。"))
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            schedule = services.schedule_apply_template(
                actor=self.request.user, project=self.project, template=data["template"],
                start_on=data["start_on"], target_finish=data["target_finish"])
        except UserError as error:
            put_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已按模板生成进度计划。"))
        if schedule.note:
            messages.warning(self.request, schedule.note)
        return redirect(self.gantt_url())


class BaselinesView(ProjectScheduleMixin, FormView):
    template_name = "schedule/baselines.html"
    form_class = BaselineForm

    def can_save(self) -> bool:
        return policy.may_baseline(self.request.user, in_scope=self.can_edit)

    def get_initial(self):
        return {"name": _("%(date)s 基线") % {"date": clock.today().isoformat()}}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("进度基线：%(name)s") % {"name": self.project.name},
                       baselines=selectors.baseline_list(user=self.request.user,
                                                         project=self.project),
                       can_save=self.can_save())
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_save():
            raise NotFound
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            baseline = services.baseline_save(actor=self.request.user, project=self.project,
                                              name=form.cleaned_data["name"])
        except UserError as error:
            put_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("基线已保存。"))
        return redirect(f"{self.gantt_url()}?baseline={baseline.pk}")


class BoardView(ShellMixin, TemplateView):
    """挂图作战: every visible project's key milestones on one printable sheet."""

    template_name = "schedule/board.html"
    title = gettext_lazy("挂图作战")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = BoardFilterForm(self.request.GET or None)
        groups = selectors.board(user=self.request.user, filters=form.to_filters(),
                                 group_by=form.group_by(), status=form.status_shown())
        columns = list(MilestoneType.objects.filter(is_key=True, active=True))
        for group in groups:
            for row in group.rows:
                row.cells = [row.milestones.get(c.pk) for c in columns]
                row.rag_label = Rag(row.rag).label if row.rag else ""
        context.update(form=form, groups=groups, columns=columns,
                       today=clock.today(), rag_labels=dict(Rag.choices),
                       project_count=sum(len(g.rows) for g in groups))
        return context

