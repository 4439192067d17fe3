"""Pages of 三级人民调解 and the legal network inside the unfold shell. Thin: forms in,
services and selectors out. Someone who may not see disputes gets 404 (no existence leak)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from diaodu.core.errors import NotFound, UserError
from diaodu.core.scoping import may_see
from diaodu.core.views import ShellMixin

from . import exports, forms, selectors, services
from .models import Committee, Dispute, Outcome

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form_error(form, error: UserError) -> None:
    field = form.fields.get(error.field or "")
    form.add_error(error.field if field is not None and not field.widget.is_hidden else None,
                   error.message)


class ViewerMixin(ShellMixin):
    """Pages of the register: for roles that see disputes at all."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see(request.user, Dispute):
            raise NotFound
        return super().dispatch(request, *args, **kwargs)


class HandlerMixin(ShellMixin):
    """Pages that write: for users who handle some committee's disputes."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.committees = selectors.committees_for(request.user)
            if not self.committees.exists():
                raise NotFound
        return super().dispatch(request, *args, **kwargs)


class DisputeListView(ViewerMixin, TemplateView):
    template_name = "mediation/list.html"
    title = gettext_lazy("人民调解登记")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = forms.DisputeFilterForm(self.request.GET or None)
        qs = selectors.dispute_list(user=self.request.user, filters=form.to_filters())
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        page.object_list = selectors.with_parties(self.request.user, page.object_list)
        context.update(form=form, page=page, total_count=page.paginator.count,
                       may_register=selectors.committees_for(self.request.user).exists(),
                       year=(form.is_valid() and form.cleaned_data["year"])
                       or services.today().year)
        return context


class DisputeCreateView(HandlerMixin, FormView):
    template_name = "mediation/form.html"
    form_class = forms.DisputeForm
    title = gettext_lazy("登记矛盾纠纷")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "committees": self.committees}

    def get_initial(self):
        return {"received_on": services.today(), "applicant_kind": "person",
                "respondent_kind": "person"}

    def form_valid(self, form):
        d = form.cleaned_data
        parties = [services.PartyData(side, d[f"{side}_name"], d[f"{side}_kind"],
                                      d[f"{side}_phone"], d[f"{side}_address"])
                   for side in ("applicant", "respondent")]
        try:
            dispute = services.dispute_register(actor=self.request.user, data=services.DisputeData(
                committee=d["committee"], category=d["category"], summary=d["summary"],
                received_on=d["received_on"], amount=services.parse_amount(d["amount"] or "0"),
                parties=parties))
        except UserError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记 %(n)s。") % {"n": dispute.number})
        return redirect(dispute.get_absolute_url())


def _action_forms(dispute, data=None) -> dict:
    """The step forms for a user who handles `dispute`, by its state."""
    if not dispute.handled:
        return {}
    version = {"expected_version": dispute.version}
    today = services.today()
    if dispute.outcome == Outcome.PENDING:
        return {
            "conclude": forms.ConcludeForm(data, prefix="conclude",
                                           initial={**version, "concluded_on": today}),
            "refer": forms.ReferForm(data, prefix="refer",
                                     children=Committee.objects.filter(parent=dispute.committee,
                                                                       active=True),
                                     initial={**version, "referred_on": today}),
        }
    if dispute.outcome == Outcome.SETTLED:
        return {"follow_up": forms.FollowUpForm(data, prefix="follow_up",
                                                initial={"visited_on": today})}
    return {}


class DisputeDetailView(ViewerMixin, TemplateView):
    template_name = "mediation/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dispute = kwargs.get("dispute") or selectors.dispute_get(user=self.request.user,
                                                                 pk=self.kwargs["pk"])
        context.update(dispute=dispute, title=dispute.number,
                       action_forms=kwargs.get("action_forms") or _action_forms(dispute))
        return context


ACTION_TITLES = {"conclude": gettext_lazy("登记调解结果"), "refer": gettext_lazy("移交"),
                 "follow_up": gettext_lazy("回访")}


class DisputeActView(ViewerMixin, View):
    """One step on a dispute (conclude, refer, follow_up): POST; a GET goes back to it."""

    def get(self, request, pk, action):
        dispute = selectors.dispute_get(user=request.user, pk=pk)
        return redirect(dispute.get_absolute_url())

    def post(self, request, pk, action):
        dispute = selectors.dispute_get(user=request.user, pk=pk)
        available = _action_forms(dispute, request.POST)
        if action not in available:
            raise NotFound
        form = available[action]
        if form.is_valid():
            try:
                message = self._run(action, dispute, form.cleaned_data)
            except UserError as error:
                _form_error(form, error)
            else:
                messages.success(request, message)
                return redirect(dispute.get_absolute_url())
        fresh = _action_forms(dispute)
        fresh[action] = form
        view = DisputeDetailView(request=request, kwargs={"pk": pk})
        context = view.get_context_data(dispute=dispute, action_forms=fresh)
        return view.render_to_response(context, status=400)

    def _run(self, action, dispute, d) -> str:
        user = self.request.user
        if action == "conclude":
            services.dispute_conclude(actor=user, dispute=dispute, outcome=d["outcome"],
                                      concluded_on=d["concluded_on"], terms=d["terms"],
                                      performance=d["performance"],
                                      expected_version=d["expected_version"])
            return _("已登记调解结果。")
        if action == "refer":
            referral = services.dispute_refer(
                actor=user, dispute=dispute, to_level=d["to_level"],
                to_committee=d["to_committee"], reason=d["reason"],
                referred_on=d["referred_on"], expected_version=d["expected_version"])
            return _("已移交%(c)s。") % {"c": referral.to_committee}
        services.dispute_follow_up(actor=user, dispute=dispute, visited_on=d["visited_on"],
                                   performance=d["performance"], note=d["note"])
        return _("已记录回访。")


class AgreementView(ShellMixin, View):
    """人民调解协议书 (.docx) of a settled dispute, for those who handle it."""

    def get(self, request, pk):
        from .agreement import render_agreement

        dispute = selectors.handled_dispute_get(user=request.user, pk=pk)
        if dispute.outcome != Outcome.SETTLED:
            raise NotFound
        response = HttpResponse(render_agreement(dispute), content_type=DOCX)
        response["Content-Disposition"] = content_disposition_header(
            True, f"人民调解协议书{dispute.year}-{dispute.serial:05d}.docx")
        return response


class StatsView(ViewerMixin, TemplateView):
    template_name = "mediation/stats.html"
    title = gettext_lazy("调解统计")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = forms.StatsForm(self.request.GET or {"year": services.today().year})
        year, month = ((form.cleaned_data["year"], form.cleaned_data["month"])
                       if form.is_valid() else (services.today().year, None))
        context.update(form=form, stats=selectors.dispute_stats(
            user=self.request.user, year=year, month=month))
        return context


EXPORTS = {"disputes", "stats", "mediators", "directory"}


class ExportView(ShellMixin, View):
    """One register as .xlsx: ?year= (and ?month= for the statistics)."""

    def get(self, request, kind):
        if kind not in EXPORTS:
            raise NotFound
        if kind in ("disputes", "stats") and not may_see(request.user, Dispute):
            raise NotFound
        today = services.today()
        try:
            year = int(request.GET.get("year") or today.year)
            month = int(request.GET["month"]) if request.GET.get("month") else None
        except ValueError:
            raise NotFound from None
        if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
            raise NotFound
        body, name = {
            "disputes": lambda: (exports.export_disputes(request.user, year),
                                 f"人民调解登记台账{year}"),
            "stats": lambda: (exports.export_stats(request.user, year, month),
                              f"人民调解统计{year}{f'-{month:02d}' if month else ''}"),
            "mediators": lambda: (exports.export_mediators(request.user), "人民调解员名册"),
            "directory": lambda: (exports.export_directory(request.user, today),
                                  "公共法律服务名录"),
        }[kind]()
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
        return response


class CommitteeListView(ShellMixin, TemplateView):
    template_name = "mediation/committees.html"
    title = gettext_lazy("调解组织与金牌调解员")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(committees=selectors.committee_list(user=self.request.user),
                       gold=selectors.mediator_list(user=self.request.user, gold=True))
        return context


class NetworkView(ShellMixin, TemplateView):
    """公共法律服务网络: counts, the coverage check and the way to the printable directory."""

    template_name = "mediation/network.html"
    title = gettext_lazy("公共法律服务网络")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = services.today()
        book = selectors.directory(user=self.request.user, on=today)
        context.update(book=book, gaps=selectors.coverage(user=self.request.user, on=today),
                       today=today)
        return context


class DirectoryPrintView(ShellMixin, View):
    """The directory as a plain A4 page for printing (no shell around it)."""

    def get(self, request):
        today = services.today()
        return render(request, "mediation/directory_print.html", {
            "book": selectors.directory(user=request.user, on=today), "today": today})
