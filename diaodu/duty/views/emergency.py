"""防汛 (posts, plans, warnings), 应急演练 (plans, drills, findings to cases, coverage) and
流调 (groups by echelon, on-call status, activations)."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from diaodu.core import clock
from diaodu.core.errors import NotFound, UserError
from diaodu.core.roles import Role, role_of
from diaodu.core.scoping import scope_for
from diaodu.core.views import ShellMixin

from .. import forms, rules, selectors, services
from ..models import DrillPlan, FloodPlan, FloodWarning, TracingMember
from ..policy import is_duty_office, may_issue_warning, may_manage
from .base import ActionView

# ---------------------------------------------------------------------------------------------
# 防汛


class FloodView(ShellMixin, TemplateView):
    template_name = "duty/flood.html"
    title = gettext_lazy("防汛值守")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = clock.today()
        season = selectors.flood_season(year=today.year)
        plans = scope_for(user, FloodPlan).prefetch_related("units__unit")
        context.update(
            posts=selectors.flood_post_list(user=user), plans=plans,
            warnings={w.plan_id: w for w in selectors.active_warnings(user=user)},
            season=season, in_season=rules.in_season(today, season),
            form=forms.WarningForm() if may_issue_warning(user) else None,
            levels=rules.DUTY_LEVELS)
        return context


class FloodPostView(ShellMixin, TemplateView):
    template_name = "duty/flood_post.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = selectors.flood_post_get(user=self.request.user, pk=self.kwargs["pk"])
        context.update(post=post, title=post.name)
        return context


class WarningIssueView(ActionView):
    fallback = "duty:flood"

    def act(self, request, pk):
        try:
            plan = scope_for(request.user, FloodPlan).get(pk=pk)
        except FloodPlan.DoesNotExist:
            raise NotFound from None
        form = forms.WarningForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择蓝、黄、橙、红四级之一。"))
            return None
        warning = services.flood_warning_issue(actor=request.user, plan=plan,
                                               **form.cleaned_data)
        messages.success(request, _("已发布%(level)s预警，预案所列单位值班等级已提升。")
                         % {"level": warning.get_level_display()})
        return None


class WarningLiftView(ActionView):
    fallback = "duty:flood"

    def act(self, request, pk):
        try:
            warning = scope_for(request.user, FloodWarning).get(pk=pk)
        except FloodWarning.DoesNotExist:
            raise NotFound from None
        services.flood_warning_lift(actor=request.user, warning=warning)
        messages.success(request, _("预警已解除，值班恢复常态。"))
        return None


# ---------------------------------------------------------------------------------------------
# 应急演练


def _year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return clock.today().year


class DrillListView(ShellMixin, TemplateView):
    """Plans at both levels, the year's drills and the coverage check."""

    template_name = "duty/drills.html"
    title = gettext_lazy("应急演练")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = _year(self.request)
        plans = list(selectors.drill_plan_list(user=user))
        context.update(
            year=year, plans=plans, drills=selectors.drill_list(user=user, year=year),
            gaps=selectors.drill_coverage(user=user, year=year),
            may_record={p.pk for p in plans if may_manage(user, p.unit) or (
                p.tier == DrillPlan.Tier.DISTRICT and role_of(user) == Role.UNIT_HEAD)})
        return context


class DrillCreateView(ShellMixin, FormView):
    template_name = "duty/form.html"
    form_class = forms.DrillForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.plan = selectors.drill_plan_list(user=request.user).get(pk=kwargs["pk"])
            except DrillPlan.DoesNotExist:
                raise NotFound from None
            if not self._units().exists():
                raise NotFound
        return super().dispatch(request, *args, **kwargs)

    def _units(self):
        from diaodu.core.models import OrgUnit

        units = OrgUnit.objects.filter(active=True).order_by("path")
        if self.plan.tier == DrillPlan.Tier.STREET:
            units = units.filter(pk=self.plan.unit_id)
        return units.filter(pk__in=[u.pk for u in units if may_manage(self.request.user, u)])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": self._units()}

    def get_initial(self):
        return {"mode": self.plan.mode, "held_on": clock.today()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("登记演练：%(plan)s") % {"plan": self.plan}
        return context

    def form_valid(self, form):
        from django.shortcuts import redirect

        data = form.cleaned_data
        try:
            drill = services.drill_record(
                actor=self.request.user, plan=self.plan, unit=data["unit"],
                held_on=data["held_on"], mode=data["mode"], units=list(data["units"]),
                participants=data["participants"], duration_minutes=data["duration_minutes"],
                summary=data["summary"],
                findings=[(line, data["unit"]) for line in form.finding_lines()])
        except UserError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("演练已登记。"))
        return redirect(drill.get_absolute_url())


class DrillView(ShellMixin, TemplateView):
    template_name = "duty/drill.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        drill = selectors.drill_get(user=self.request.user, pk=self.kwargs["pk"])
        context.update(drill=drill, title=str(drill),
                       may_case=may_manage(self.request.user, drill.unit))
        return context


class FindingCaseView(ActionView):
    fallback = "duty:drills"

    def act(self, request, pk):
        finding = selectors.finding_get(user=request.user, pk=pk)
        finding = services.finding_to_case(actor=request.user, finding=finding)
        messages.success(request, _("已转为督办事项 %(number)s。")
                         % {"number": finding.case.number})
        return finding.drill.get_absolute_url()


# ---------------------------------------------------------------------------------------------
# 流调


class TracingView(ShellMixin, TemplateView):
    """The tracing force: members by source, groups by echelon with who is on call, and the
    activations with their times to first contact and closure."""

    template_name = "duty/tracing.html"
    title = gettext_lazy("流调队伍")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        team = selectors.tracing_teams(user=user).first()
        groups = selectors.tracing_groups(user=user, team=team) if team else []
        for group in groups:
            group.on_call = sum(1 for m in group.members.all()
                                if m.status == TracingMember.Status.ON_CALL)
        echelons = {}
        for group in groups:
            echelons.setdefault(group.get_echelon_display(), []).append(group)
        context.update(
            team=team, echelons=echelons,
            counts=selectors.tracing_member_counts(user=user, team=team) if team else {},
            activations=selectors.activation_list(user=user)[:50],
            may_start=team is not None and (is_duty_office(user) or may_manage(user, team.unit)),
            form=forms.ActivationForm(),
            status_form=forms.MemberStatusForm(members=selectors.tracing_members(user=user)))
        return context


class ActivationStartView(ActionView):
    fallback = "duty:tracing"

    def act(self, request, pk):
        team = selectors.tracing_teams(user=request.user).filter(pk=pk).first()
        if team is None:
            raise NotFound
        form = forms.ActivationForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return None
        activation = services.activation_start(actor=request.user, team=team,
                                               **form.cleaned_data)
        return activation.get_absolute_url()


class ActivationView(ShellMixin, TemplateView):
    template_name = "duty/activation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activation = selectors.activation_get(user=self.request.user, pk=self.kwargs["pk"])
        user = self.request.user
        context.update(activation=activation, title=activation.title,
                       may_act=is_duty_office(user) or may_manage(user, activation.team.unit))
        return context


class ActivationStepView(ActionView):
    fallback = "duty:tracing"

    def act(self, request, pk, step):
        activation = selectors.activation_get(user=request.user, pk=pk)
        if step == "contact":
            services.activation_contact(actor=request.user, activation=activation)
        elif step == "close":
            services.activation_close(actor=request.user, activation=activation)
        else:
            raise NotFound
        return activation.get_absolute_url()


class MemberStatusView(ActionView):
    """A member goes on call, rests or takes leave (the member is chosen in the form)."""

    fallback = "duty:tracing"

    def act(self, request):
        form = forms.MemberStatusForm(request.POST,
                                      members=selectors.tracing_members(user=request.user))
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return None
        services.tracing_member_set_status(actor=request.user, **form.cleaned_data)
        messages.success(request, _("待命状态已更新。"))
        return None
