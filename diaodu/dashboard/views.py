"""The leaders' dashboard (领导驾驶舱) and its settings pages, inside the unfold shell."""

import json
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from diaodu.core.errors import NotFound, UserError
from diaodu.core.money import wan_to_yi
from diaodu.core.roles import LEDGER_EDITORS, role_of
from diaodu.core.scoping import may_see
from diaodu.core.views import ShellMixin

from . import selectors, services
from .forms import RuleSetForm, SchemeForm
from .models import (
    RankingKind,
    ScoringScheme,
    UnitRanking,
    WarningLevel,
    WarningMetric,
    WarningRuleSet,
)
from .scoring import LABELS as SCORE_LABELS

RAG_COLOURS = {"ahead": "#2563eb", "normal": "#16a34a", "behind": "#d97706", "red": "#dc2626"}


def _period(request, locked=False) -> selectors.Period:
    """The month asked for, else the last locked round's month, else last month. `locked`:
    the last locked round when the caller has read it already (None = there is none)."""
    try:
        year = int(request.GET.get("year") or 0)
        month = int(request.GET.get("month") or 0)
        if year and month:
            date(year, month, 1)
            return selectors.Period(year, month)
    except ValueError:
        pass
    return selectors.default_period(user=request.user, locked=locked)


def _yi(value) -> float:
    return float(wan_to_yi(value))


def _can_rank(user) -> bool:
    return may_see(user, UnitRanking)


class DashboardView(ShellMixin, TemplateView):
    template_name = "dashboard/index.html"
    title = gettext_lazy("领导驾驶舱")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        locked, years = selectors.monthly_rounds(user=user)
        period = _period(self.request, locked)
        data = selectors.dashboard(user=user, period=period)
        years = sorted(set(years) | {period.year}, reverse=True)
        months = {m["month"]: m for m in data.months}
        line = {
            "labels": [_("%(m)s月") % {"m": m} for m in range(1, 13)],
            "datasets": [
                {"label": _("计划累计（亿元）"), "borderColor": "#9ca3af",
                 "backgroundColor": "#9ca3af",
                 "data": [_yi(months[m]["plan"]) if m in months else None for m in range(1, 13)]},
                {"label": _("实际累计（亿元）"), "borderColor": "var(--color-primary-600)",
                 "backgroundColor": "var(--color-primary-600)",
                 "data": [_yi(months[m]["done"]) if m in months and m <= period.month else None
                          for m in range(1, 13)]},
            ]}
        done = float(data.completion_rate or 0)
        gauge = {
            "labels": [_("已完成"), _("未完成")],
            "datasets": [{"data": [min(done, 100), max(0, 100 - done)],
                          "backgroundColor": [RAG_COLOURS.get(data.pace, "#16a34a"), "#e5e7eb"],
                          "borderWidth": 0}]}
        gauge_options = {"rotation": -90, "circumference": 180, "cutout": "70%",
                         "plugins": {"legend": {"display": False},
                                     "tooltip": {"enabled": True}},
                         "responsive": True, "maintainAspectRatio": False}
        funnel = {
            "labels": [str(f["label"]) for f in data.funnel],
            "datasets": [{"label": _("项目数"), "data": [f["count"] for f in data.funnel],
                          "backgroundColor": "var(--color-primary-600)"}]}
        ranking, scheme = selectors.ranking(user=user, period=period) if _can_rank(user) \
            else ([], None)
        context.update(
            d=data, period=period, years=years, month_choices=range(1, 13),
            as_of=locked, can_edit=role_of(user) in LEDGER_EDITORS,
            can_rank=_can_rank(user),
            planned_yi=wan_to_yi(data.planned_annual), completed_yi=wan_to_yi(data.completed_ytd),
            forecast_yi=wan_to_yi(data.forecast.value) if data.forecast else None,
            line_json=json.dumps(line), gauge_json=json.dumps(gauge),
            gauge_options=json.dumps(gauge_options), funnel_json=json.dumps(funnel),
            groups=selectors.groups(user=user, period=period, by="unit", rule=data.rule,
                                   expected=data.expected),
            by="unit", sort="",
            ranking=ranking, scheme=scheme, kind=RankingKind.UNIT,
            colours=RAG_COLOURS,
        )
        return context


class GroupsPartView(ShellMixin, TemplateView):
    """htmx: the unit / street table, re-sorted or regrouped without reloading the page."""

    template_name = "dashboard/_groups.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = _period(self.request)
        by = "street" if self.request.GET.get("by") == "street" else "unit"
        sort = self.request.GET.get("sort", "")
        sort = sort if sort in ("rate", "done") else ""
        context.update(period=period, by=by, sort=sort,
                       groups=selectors.groups(user=self.request.user, period=period, by=by,
                                               sort=sort))
        return context


class RankingPartView(ShellMixin, TemplateView):
    """htmx: the ranking of units or of streets."""

    template_name = "dashboard/_ranking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = _period(self.request)
        kind = RankingKind.STREET if self.request.GET.get("kind") == "street" \
            else RankingKind.UNIT
        ranking, scheme = (selectors.ranking(user=self.request.user, period=period, kind=kind)
                           if _can_rank(self.request.user) else ([], None))
        context.update(period=period, kind=kind, ranking=ranking, scheme=scheme,
                       can_rank=_can_rank(self.request.user))
        return context


class WarningListView(ShellMixin, TemplateView):
    template_name = "dashboard/warnings.html"
    title = gettext_lazy("预警项目")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        level = self.request.GET.get("level", "")
        level = level if level in WarningLevel.values else ""
        metric = self.request.GET.get("metric", "")
        metric = metric if metric in WarningMetric.values else ""
        history = self.request.GET.get("history") == "1"
        rows = selectors.warning_list(user=self.request.user, level=level, metric=metric,
                                      history=history)
        page = Paginator(rows, 50).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(page=page, level=level, metric=metric, history=history,
                       levels=WarningLevel.choices, metrics=WarningMetric.choices,
                       querystring=query.urlencode())
        return context


class OverdueReportsView(ShellMixin, TemplateView):
    template_name = "dashboard/overdue_reports.html"
    title = gettext_lazy("逾期未报")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.overdue_reports(user=self.request.user)
        context["page"] = Paginator(rows, 50).get_page(self.request.GET.get("page"))
        return context


class _SettingsView(ShellMixin, TemplateView):
    """Readers (dispatchers, leaders, statistics) see the versions; dispatchers add one."""

    model = WarningRuleSet

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see(request.user, self.model):
            raise NotFound
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if role_of(request.user) not in LEDGER_EDITORS:
            raise NotFound
        form = self.build_form(request.POST)
        if form.is_valid():
            try:
                version = self.save(form)
            except UserError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已保存为第%(v)s版并生效。") % {"v": version.version})
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = role_of(self.request.user) in LEDGER_EDITORS
        if "form" not in context:
            context["form"] = self.build_form(None)
        return context


class RuleSetView(_SettingsView):
    template_name = "dashboard/rules.html"
    title = gettext_lazy("预警规则")
    model = WarningRuleSet

    def _versions(self):
        return list(selectors.rule_sets(user=self.request.user))

    def build_form(self, data):
        versions = self._versions()
        active = next((v for v in versions if v.is_active), None)
        from .rules import DEFAULT_RULES

        return RuleSetForm(data, current=active.rules if active else DEFAULT_RULES)

    def save(self, form):
        return services.rule_set_create(actor=self.request.user, rules_data=form.rules_data(),
                                        note=form.cleaned_data["note"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(WarningMetric.choices)
        versions = self._versions()
        for v in versions:
            v.display = [{**r, "label": labels.get(r["metric"], r["metric"])} for r in v.rules]
        context["versions"] = versions
        return context


class SchemeView(_SettingsView):
    template_name = "dashboard/scheme.html"
    title = gettext_lazy("评分方案")

    model = ScoringScheme

    def build_form(self, data):
        active = next((s for s in selectors.schemes(user=self.request.user) if s.is_active),
                      None)
        initial = {"top_group_size": active.top_group_size if active
                   else services.DEFAULT_TOP_GROUP}
        return SchemeForm(data, initial=initial,
                          current=active.weights if active else services.DEFAULT_WEIGHTS)

    def save(self, form):
        return services.scheme_create(actor=self.request.user, weights=form.weights(),
                                      top_group_size=form.cleaned_data["top_group_size"],
                                      note=form.cleaned_data["note"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(selectors.schemes(user=self.request.user))
        for v in versions:
            v.display = [(SCORE_LABELS[k], v.weights.get(k, 0)) for k in SCORE_LABELS]
        context["versions"] = versions
        return context


class EvaluateView(ShellMixin, TemplateView):
    """POST: re-evaluate every warning and the ranking now (dispatchers); GET goes back."""

    def get(self, request, *args, **kwargs):
        return redirect("dashboard:index")

    def post(self, request, *args, **kwargs):
        if role_of(request.user) not in LEDGER_EDITORS:
            raise NotFound
        result = services.dashboard_refresh(actor=request.user)
        messages.success(request, _("已重新评估：新增预警%(opened)s条，解除%(cleared)s条，"
                                    "更新%(updated)s条。") % result)
        return redirect(request.POST.get("next") or reverse("dashboard:index"))
