"""Duty board, rosters, shifts (handover, swaps), swap approvals, spot checks and the
public-holiday duty table."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from diaodu.core import clock
from diaodu.core.errors import NotFound
from diaodu.core.scoping import scope_for
from diaodu.core.views import ShellMixin

from .. import exports, forms, rules, selectors, services
from ..models import DutyAssignment, DutyPerson, SwapStatus
from ..policy import is_duty_office, may_act_for, may_manage
from .base import ActionView, parse_day


class BoardView(ShellMixin, TemplateView):
    """值班看板: every unit in scope on one duty day — leader, staff, level, shortfall."""

    template_name = "duty/board.html"
    title = gettext_lazy("值班看板")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = rules.duty_day(timezone.localtime(clock.now()))
        day = parse_day(self.request.GET.get("day"), today)
        season = selectors.flood_season(year=day.year)
        context.update(
            day=day, today=today, previous=day - timedelta(days=1), next=day + timedelta(days=1),
            rows=selectors.duty_board(user=self.request.user, day=day),
            warnings=list(selectors.active_warnings(user=self.request.user)),
            season=season, in_season=rules.in_season(day, season))
        return context


def _month(text: str | None, default: date) -> date:
    try:
        return datetime.strptime(text, "%Y-%m").date() if text else default.replace(day=1)
    except ValueError:
        return default.replace(day=1)


class RosterView(ShellMixin, TemplateView):
    """A unit's month of shifts; managers generate rosters from here."""

    template_name = "duty/roster.html"
    title = gettext_lazy("值班表")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units = selectors.duty_units(user=user)
        unit = None
        if self.request.GET.get("unit"):
            unit = selectors.duty_unit_get(user=user, pk=self.request.GET["unit"])
        elif user.unit_id and units.filter(pk=user.unit_id).exists():
            unit = user.unit
        else:
            unit = units.first()
        month = _month(self.request.GET.get("month"), clock.today())
        manageable = units.filter(pk__in=[u.pk for u in units if may_manage(user, u)])
        context.update(
            units=units, unit=unit, month=month,
            previous=(month - timedelta(days=1)).replace(day=1),
            next=(month + timedelta(days=32)).replace(day=1),
            shifts=selectors.roster_month(user=user, unit=unit, month=month) if unit else [],
            generate_form=forms.RosterGenerateForm(units=manageable, initial={
                "unit": unit, "start": month,
                "end": (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)})
            if manageable.exists() else None)
        return context


class RosterGenerateView(ActionView):
    fallback = "duty:roster"

    def act(self, request, **kwargs):
        user = request.user
        units = selectors.duty_units(user=user)
        form = forms.RosterGenerateForm(request.POST, units=units)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return None
        data = form.cleaned_data
        chosen = [data["unit"]] if data["unit"] else [u for u in units if may_manage(user, u)]
        made = services.roster_generate_all(
            actor=user, units=chosen, start=data["start"], end=data["end"],
            staff_per_shift=data["staff_per_shift"], holiday_staff=data["holiday_staff"])
        messages.success(request, _("已生成 %(n)s 个班次。") % {"n": made})
        return None


class ShiftView(ShellMixin, TemplateView):
    template_name = "duty/shift.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        shift = selectors.shift_get(user=user, pk=self.kwargs["pk"])
        handover = getattr(shift, "handover", None)
        may_write = may_act_for(user, shift.unit) or may_manage(user, shift.unit)
        on_shift = selectors.shift_people(shift=shift).filter(assignments__shift=shift)
        context.update(
            shift=shift, handover=handover, may_write=may_write,
            title=_("%(unit)s %(day)s 值班") % {"unit": shift.unit, "day": shift.date},
            leaders=[a.person for a in shift.assignments.all()
                     if a.role == DutyAssignment.Role.LEADER],
            staff=[a.person for a in shift.assignments.all()
                   if a.role == DutyAssignment.Role.STAFF],
            required=rules.required_staff(shift.base_staff, shift.level),
            leader_24h=rules.DUTY_LEVELS[shift.level].leader_24h,
            swaps=shift.swaps.select_related("from_person", "to_person"),
            handover_form=forms.HandoverForm(initial={
                "events": handover.events, "calls": handover.calls,
                "open_items": handover.open_items} if handover else None),
            swap_form=forms.SwapForm(on_shift=on_shift,
                                     people=selectors.shift_people(shift=shift)))
        return context


class HandoverView(ActionView):
    def act(self, request, pk):
        shift = selectors.shift_get(user=request.user, pk=pk)
        form = forms.HandoverForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return shift.get_absolute_url()
        services.handover_record(actor=request.user, shift=shift, **form.cleaned_data)
        messages.success(request, _("交接班记录已保存。"))
        return shift.get_absolute_url()


class SwapRequestView(ActionView):
    def act(self, request, pk):
        shift = selectors.shift_get(user=request.user, pk=pk)
        people = selectors.shift_people(shift=shift)
        # Anyone the user may see may be named, so the service (not the form) refuses another
        # unit's person with its own message; people out of scope stay unknown.
        form = forms.SwapForm(request.POST, on_shift=people,
                              people=scope_for(request.user, DutyPerson))
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return shift.get_absolute_url()
        services.swap_request(actor=request.user, shift=shift, **form.cleaned_data)
        messages.success(request, _("换班申请已提交，等待审批。"))
        return shift.get_absolute_url()


class SwapListView(ShellMixin, TemplateView):
    template_name = "duty/swaps.html"
    title = gettext_lazy("换班审批")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        swaps = list(selectors.swap_list(user=self.request.user)[:200])
        for swap in swaps:
            swap.may_decide = swap.status == SwapStatus.PENDING and \
                may_manage(self.request.user, swap.shift.unit)
        context.update(swaps=swaps)
        return context


class SwapDecideView(ActionView):
    fallback = "duty:swaps"

    def act(self, request, pk):
        swap = selectors.swap_get(user=request.user, pk=pk)
        services.swap_decide(actor=request.user, swap=swap,
                             approve=request.POST.get("approve") == "1",
                             note=request.POST.get("note", ""))
        messages.success(request, _("已审批。"))
        return None


class SpotCheckListView(ShellMixin, TemplateView):
    """查岗: the checks of the last 30 days, the unit ranking by missed checks, and (for the
    duty office) a form to call a unit now."""

    template_name = "duty/checks.html"
    title = gettext_lazy("查岗")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        now = clock.now()
        since = now - timedelta(days=30)
        checks = list(selectors.spot_check_list(user=user, since=since)[:200])
        for check in checks:
            check.is_missed = check.missed(now)
            check.may_answer = check.answered_at is None and not check.is_missed and \
                may_act_for(user, check.unit)
        context.update(
            checks=checks, now=now,
            ranking=selectors.spot_check_ranking(user=user, start=since, end=now, now=now),
            form=forms.SpotCheckForm(units=selectors.duty_units(user=user))
            if is_duty_office(user) else None)
        return context


class SpotCheckCreateView(ActionView):
    fallback = "duty:checks"

    def act(self, request):
        form = forms.SpotCheckForm(request.POST, units=selectors.duty_units(user=request.user))
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return None
        check = services.spot_check_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("已向%(unit)s发起查岗，请于 %(deadline)s 前应答。") % {
            "unit": check.unit, "deadline": f"{timezone.localtime(check.deadline_at):%H:%M}"})
        return None


class SpotCheckAnswerView(ActionView):
    fallback = "duty:checks"

    def act(self, request, pk):
        check = selectors.spot_check_get(user=request.user, pk=pk)
        services.spot_check_answer(actor=request.user, check=check)
        messages.success(request, _("已应答查岗。"))
        return None


class HolidayView(ShellMixin, TemplateView):
    """节假日值班表: the year's holiday periods, each exported to Excel or Word."""

    template_name = "duty/holiday.html"
    title = gettext_lazy("节假日值班表")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = clock.today().year
        try:
            year = int(self.request.GET.get("year", year))
        except ValueError:
            pass
        context.update(year=year, periods=selectors.holiday_periods(year=year),
                       units=selectors.duty_units(user=self.request.user))
        return context


class HolidayExportView(ShellMixin, TemplateView):
    """The holiday duty table of a period as .xlsx or .docx (?start=&end=&unit=&format=)."""

    def get(self, request, *args, **kwargs):
        user = request.user
        form = forms.HolidayExportForm(request.GET, units=selectors.duty_units(user=user))
        fmt = kwargs["fmt"]
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return redirect("duty:holiday")
        data = form.cleaned_data
        if data["end"] < data["start"] or (data["end"] - data["start"]).days > 31:
            messages.error(request, _("节假日值班表的日期范围应在 1 至 32 天之间。"))
            return redirect("duty:holiday")
        table = exports.holiday_table(user=user, start=data["start"], end=data["end"],
                                      unit=data["unit"])
        if fmt == "xlsx":
            body, mime = exports.holiday_xlsx(table), \
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "docx":
            body, mime = exports.holiday_docx(table), \
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            raise NotFound
        response = HttpResponse(body, content_type=mime)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{table.title}.{fmt}")
        return response
