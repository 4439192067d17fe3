"""Pages of 无记名投票 in the unfold shell: the list, setting a poll up, the ballot, closing
and the results. The cast view answers the same whatever was chosen."""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from diaodu.core import clock
from diaodu.core.errors import NotFound, UserError
from diaodu.core.models import User
from diaodu.core.roles import Role, role_of
from diaodu.core.views import ShellMixin

from . import exports, forms, policy, rules, selectors, services
from .models import PollStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organiser(user) -> bool:
    return role_of(user) == Role.UNIT_HEAD and bool(user.unit_id)


class PollListView(ShellMixin, TemplateView):
    template_name = "votes/list.html"
    title = gettext_lazy("无记名投票")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(polls=selectors.poll_list(user=self.request.user),
                       may_create=_organiser(self.request.user))
        return context


class PollCreateView(ShellMixin, FormView):
    template_name = "votes/form.html"
    form_class = forms.PollForm
    title = gettext_lazy("发起无记名投票")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _organiser(request.user):
            raise NotFound
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        unit = self.request.user.unit
        people = User.objects.filter(Q(unit__path__startswith=unit.path), is_active=True) \
            .exclude(role="").order_by("unit__path", "username")
        return {**super().get_form_kwargs(), "people": people}

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            poll = services.poll_create(
                actor=self.request.user, unit=self.request.user.unit, title=d["title"],
                description=d["description"], candidates=d["candidates"].splitlines(),
                max_choices=d["max_choices"], opens_at=d["opens_at"], closes_at=d["closes_at"],
                voters=list(d["voters"]))
        except UserError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已发起投票。"))
        return redirect(poll.get_absolute_url())


class PollDetailView(ShellMixin, TemplateView):
    template_name = "votes/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        poll = selectors.poll_get(user=self.request.user, pk=self.kwargs["pk"])
        state = rules.accepting(poll.status, poll.opens_at, poll.closes_at, clock.now())
        may_vote = state == "open" and poll.my_voter is not None and not poll.my_voter.voted
        context.update(
            poll=poll, title=poll.title, state=state,
            ballot_form=kwargs.get("ballot_form") or (
                forms.BallotForm(poll=poll) if may_vote else None),
            may_close=poll.status == PollStatus.OPEN and policy.may_organise(
                self.request.user, poll.unit))
        return context


class CastView(ShellMixin, View):
    def get(self, request, pk):
        return redirect(selectors.poll_get(user=request.user, pk=pk).get_absolute_url())

    def post(self, request, pk):
        poll = selectors.poll_get(user=request.user, pk=pk)
        form = forms.BallotForm(request.POST, poll=poll)
        if form.is_valid():
            try:
                services.ballot_cast(actor=request.user, poll=poll,
                                     choices=form.cleaned_data["choices"])
            except UserError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("投票成功。选票不记名，任何人都无法查看您的选择。"))
                return redirect(poll.get_absolute_url())
        view = PollDetailView(request=request, kwargs={"pk": pk})
        return view.render_to_response(view.get_context_data(ballot_form=form), status=400)


class CloseView(ShellMixin, View):
    def get(self, request, pk):
        return redirect(selectors.poll_get(user=request.user, pk=pk).get_absolute_url())

    def post(self, request, pk):
        poll = selectors.poll_get(user=request.user, pk=pk)
        try:
            services.poll_close(actor=request.user, poll=poll)
        except UserError as error:
            messages.error(request, error.message)
            return redirect(poll.get_absolute_url())
        messages.success(request, _("投票已结束并完成计票。"))
        return redirect("votes:results", pk=poll.pk)


class ResultsView(ShellMixin, TemplateView):
    template_name = "votes/results.html"
    title = gettext_lazy("投票结果")

    def get(self, request, *args, **kwargs):
        try:
            results = selectors.poll_results(user=request.user, pk=kwargs["pk"])
        except UserError as error:
            poll = selectors.poll_get(user=request.user, pk=kwargs["pk"])
            context = self.get_context_data(error=error.message, poll=poll, **kwargs)
            return self.render_to_response(context, status=400)
        return self.render_to_response(self.get_context_data(results=results,
                                                             poll=results.poll, **kwargs))


class ExportView(ShellMixin, View):
    """投票结果登记表 (.xlsx): the count and the roll (who voted, not how)."""

    def get(self, request, pk):
        try:
            results = selectors.poll_results(user=request.user, pk=pk)
        except UserError:
            raise NotFound from None
        body = exports.export_results(request.user, results)
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, f"投票结果{results.poll.pk}.xlsx")
        return response
