"""Pages of the operations centres: the events list, one event with its steps, the report
form (phone width), the two-level console (htmx polling, wall mode) and the streets' ranking."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from diaodu.core import clock, photo_services
from diaodu.core.errors import Forbidden, NotFound, UserError
from diaodu.core.forms import put_error
from diaodu.core.models import OrgUnit, UnitKind
from diaodu.core.photos import max_per_owner
from diaodu.core.roles import role_of
from diaodu.core.views import ShellMixin

from . import policy, selectors, services
from .api import act
from .models import Satisfaction, Stage
from .selectors import EventFilters

MAX_KEY = 2**63 - 1


def _int(text: str | None) -> int | None:
    """A whole number the database can hold, else None (a typed or tampered query string)."""
    try:
        value = int(text) if text else None
    except ValueError:
        return None
    return value if value is None or abs(value) <= MAX_KEY else None


class EventListView(ShellMixin, TemplateView):
    """网格事件: the events in the user's scope, filtered; 50 a page."""

    template_name = "cityops/events.html"
    title = gettext_lazy("网格事件")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        filters = EventFilters(street=_int(get.get("street")), grid=_int(get.get("grid")),
                               stage=get.get("stage", "")[:16],
                               category=get.get("category", "")[:16],
                               overdue=get.get("overdue") == "1",
                               flagged=get.get("flagged") == "1", q=get.get("q", "")[:100])
        qs = selectors.event_list(user=self.request.user, filters=filters)
        page = Paginator(qs, 50).get_page(get.get("page"))
        context.update(page=page, events=page.object_list, filters=filters,
                       stages=Stage.choices, now=clock.now(),
                       may_report=role_of(self.request.user) in (policy.GRID_WORKERS
                                                                 | policy.CENTRE_OPERATORS))
        return context


class EventReportView(ShellMixin, TemplateView):
    """上报 (a grid worker's phone first): category, description, place, photos and point in
    one of the user's grids; without a point typed in, the first photo's GPS is the event's."""

    template_name = "cityops/report.html"
    title = gettext_lazy("上报事件")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and role_of(request.user) not in (
                policy.GRID_WORKERS | policy.CENTRE_OPERATORS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def grids(self):
        user = self.request.user
        qs = OrgUnit.objects.filter(kind__in=[UnitKind.GRID, UnitKind.MICRO_GRID], active=True)
        if role_of(user) in policy.DISTRICT_OPERATORS:
            return qs.order_by("path")
        return qs.filter(path__startswith=user.unit.path).order_by("path") if user.unit_id \
            else qs.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(grids=self.grids(), categories=selectors.categories(),
                       values=kwargs.get("values", {}), error=kwargs.get("error"),
                       photo_limit=max_per_owner())
        return context

    def post(self, request):
        values = {k: request.POST.get(k, "").strip() for k in (
            "grid", "category", "detail", "address", "lat", "lon")}
        try:
            grid = self.grids().filter(pk=_int(values["grid"])).first()
            if grid is None:
                raise UserError("event.grid_unknown", _("请选择您负责的网格。"), "grid")
            event = services.event_report(
                actor=request.user, grid=grid, category=values["category"],
                detail=values["detail"], address=values["address"],
                lat=values["lat"] or None, lon=values["lon"] or None,
                photos=request.FILES.getlist("photos"))
        except UserError as error:
            if isinstance(error, Forbidden):
                raise PermissionDenied(error.message) from None
            return self.render_to_response(self.get_context_data(values=values, error=error))
        messages.success(request, _("事件已上报：%(n)s") % {"n": event.case.number})
        return redirect(event.get_absolute_url())


class EventView(ShellMixin, TemplateView):
    """One event: where, what, its log, and the steps the user may take now."""

    template_name = "cityops/event.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = selectors.event_get(user=self.request.user, pk=kwargs["pk"])
        steps = policy.allowed_steps(self.request.user, event)
        context.update(
            event=event, case=event.case, title=event.case.title, now=clock.now(),
            steps=[(s, _(policy.STEP_LABELS[s])) for s in steps],
            satisfactions=Satisfaction.choices,
            photos=photo_services.shown(photo_services.photo_list(user=self.request.user,
                                                                  owner=event)),
            units=OrgUnit.objects.filter(active=True, kind__in=[
                UnitKind.DEPARTMENT, UnitKind.STREET, UnitKind.COMMUNITY]).order_by("path")
            if policy.DISPATCH in steps else [])
        return context

    def post(self, request, pk: int):
        event = selectors.event_get(user=request.user, pk=pk)
        step = request.POST.get("step", "")
        if step not in policy.allowed_steps(request.user, event):
            raise NotFound
        data = {"step": step, "expected_version": _int(request.POST.get("version")),
                "note": request.POST.get("note", ""), "reason": request.POST.get("reason", ""),
                "result": request.POST.get("result", ""),
                "lead_unit": _int(request.POST.get("lead_unit")),
                "co_units": [v for v in map(_int, request.POST.getlist("co_units")) if v],
                "passed": request.POST.get("passed", "1") == "1",
                "satisfaction": request.POST.get("satisfaction")}
        try:
            act(request.user, event, data)
            messages.success(request, _("已%(step)s。") % {"step": _(policy.STEP_LABELS[step])})
        except UserError as error:
            put_error(None, error, request=request)
        return redirect("cityops:event", pk=pk)


class ConsoleView(ShellMixin, TemplateView):
    """城运中心 console: the street centre's (its grids) or the district centre's (all
    streets, or one). `?wall=1`: the 1920×1080 wall screen. The counters refresh by htmx."""

    title = gettext_lazy("城运中心")

    def get_template_names(self):
        if self.request.GET.get("part") == "counters":
            return ["cityops/_console.html"]
        if self.request.GET.get("wall") == "1":
            return ["cityops/wall.html"]
        return ["cityops/console.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        street = _int(self.request.GET.get("street"))
        streets = selectors.console_streets(user=self.request.user, street=street)
        district = role_of(self.request.user) in policy.DISTRICT_READERS
        wall = self.request.GET.get("wall") == "1"
        context.update(
            console=selectors.console(streets=streets), streets=streets, street=street,
            wall=wall, refresh=settings.CITYOPS_WALL_REFRESH_SECONDS if wall
            else settings.CITYOPS_REFRESH_SECONDS,
            scope_name=streets[0].name if streets else _("全区"),
            street_choices=OrgUnit.objects.filter(kind=UnitKind.STREET, active=True)
            .order_by("sort", "code") if district else [])
        return context


class RankingView(ShellMixin, TemplateView):
    """街道网格治理排名: one month, each street's score and KPIs, its place last month and
    the gap to the 第一方阵; the district centre computes it."""

    template_name = "cityops/ranking.html"
    title = gettext_lazy("网格治理排名")

    def _period(self, source) -> tuple[int, int]:
        today = clock.today()
        year = _int(source.get("year")) or today.year
        month = _int(source.get("month")) or today.month
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise NotFound
        return year, month

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, month = self._period(self.request.GET)
        context.update(year=year, month=month, period=date(year, month, 1),
                       table=selectors.street_ranking(user=self.request.user, year=year,
                                                    month=month),
                       may_compute=role_of(self.request.user) in services.ranking.RANKERS)
        return context

    def post(self, request):
        year, month = self._period(request.POST)
        if role_of(request.user) not in services.ranking.RANKERS:
            raise PermissionDenied
        try:
            count = services.ranking_compute(actor=request.user, year=year, month=month)
            messages.success(request, _("已计算 %(n)s 个街道的排名。") % {"n": count})
        except UserError as error:
            put_error(None, error, request=request)
        return redirect(f"{request.path}?year={year}&month={month}")
