"""Pages of the 督办 engine inside the unfold shell: 问题台账, a case with its steps, visits,
approvals and task forces. Views are thin: forms in, services and selectors out."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from diaodu.core import clock
from diaodu.core.errors import NotFound, UserError
from diaodu.core.forms import ServiceFormMixin, put_error
from diaodu.core.roles import Role, role_of
from diaodu.core.views import ShellMixin, route
from diaodu.projects import policy as project_policy
from diaodu.projects.selectors import project_get, project_list, task_force_get

from . import forms, policy, selectors, services
from .models import CaseStatus

PAGE_SIZE = 25


class CaseListView(ShellMixin, TemplateView):
    """问题台账: every case the user may see, filterable by status, unit, category, overdue."""

    template_name = "cases/list.html"
    title = gettext_lazy("问题台账")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        form = forms.CaseFilterForm(self.request.GET or None)
        cases = selectors.case_list(user=self.request.user, filters=form.to_filters(),
                                    today=today)
        page = Paginator(cases, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(form=form, page=page, today=today,
                       total_count=page.paginator.count,
                       may_create=policy.may_raise(self.request.user))
        return context


class CaseStatsView(ShellMixin, TemplateView):
    """督办统计: closure rate, overdue count, average working days by unit and category."""

    template_name = "cases/stats.html"
    title = gettext_lazy("督办统计")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.case_kpis(user=self.request.user))
        return context


class CaseCreateView(ShellMixin, FormView):
    template_name = "cases/form.html"
    form_class = forms.CaseCreateForm
    title = gettext_lazy("登记督办事项")

    def dispatch(self, request, *args, **kwargs):
        self.project = None
        if request.user.is_authenticated and not policy.may_raise(request.user):
            raise NotFound
        if request.user.is_authenticated and request.GET.get("project"):
            self.project = project_get(user=request.user, pk=request.GET["project"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["may_assign"] = policy.may_assign_when_raising(self.request.user)
        return kwargs

    def get_initial(self):
        source = "report" if role_of(self.request.user) in policy.UNIT_ROLES \
            else "leader"
        return {"kind": "problem", "source": source, "priority": "normal", "category": "other"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(project=self.project, back=self.request.GET.get("project"))
        return context

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            case = services.case_create(
                actor=self.request.user, kind=d["kind"], title=d["title"], detail=d["detail"],
                category=d["category"], source=d["source"], priority=d["priority"],
                project=self.project, lead_unit=d.get("lead_unit"),
                co_units=list(d.get("co_units") or []), due_workdays=d.get("due_workdays"),
                due_on=d.get("due_on"))
        except UserError as error:
            put_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记督办事项 %(n)s。") % {"n": case.number})
        return redirect(case.get_absolute_url())


def _action_forms(user, case, data=None, files=None) -> dict:
    """A form for each step `user` may take on `case` now (cases/policy.py decides which)."""
    version = {"expected_version": case.version}
    builders = {
        policy.REPLY: lambda: forms.ReplyForm(data, files, prefix="reply"),
        policy.RESOLVE: lambda: forms.ResolveForm(
            data, files, prefix="resolve",
            initial={**version, "resolved_on": clock.today()}),
        policy.ASSIGN: lambda: forms.AssignForm(data, prefix="assign", initial={
            **version, "lead_unit": case.lead_unit_id,
            "co_units": [u.pk for u in case.co_units.all()],
            "due_workdays": case.due_workdays}),
        policy.VERIFY: lambda: forms.VerifyForm(data, prefix="verify", initial=version),
        policy.CLOSE: lambda: forms.CloseForm(data, prefix="close", initial=version),
        policy.NOTICE: lambda: forms.NoticeForm(data, prefix="notice"),
        policy.COMMENT: lambda: forms.CommentForm(data, prefix="comment"),
    }
    return {step: builders[step]() for step in policy.allowed_steps(user, case)}


class CaseDetailView(ShellMixin, TemplateView):
    template_name = "cases/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = kwargs.get("case") or selectors.case_get(user=self.request.user,
                                                        pk=self.kwargs["pk"])
        action_forms = kwargs.get("action_forms") or _action_forms(self.request.user, case)
        context.update(case=case, title=f"{case.number} {case.title}",
                       action_forms=action_forms, today=clock.today(),
                       overdue=case.is_overdue(clock.today()))
        return context


class CaseActView(ShellMixin, View):
    """One step on a case (reply, resolve, assign, verify, close, comment, notice): POST only;
    a GET goes back to the case (or is 404 outside scope)."""

    def get(self, request, pk, action):
        case = selectors.case_get(user=request.user, pk=pk)
        return redirect(case.get_absolute_url())

    def post(self, request, pk, action):
        case = selectors.case_get(user=request.user, pk=pk)
        available = _action_forms(request.user, case, request.POST, request.FILES)
        if action not in available:
            raise NotFound
        form = available[action]
        if form.is_valid():
            try:
                message = self._run(action, case, form.cleaned_data)
            except UserError as error:
                put_error(form, error)
            else:
                messages.success(request, message)
                return redirect(case.get_absolute_url())
        # Show the page again with this form's errors and the other forms fresh.
        fresh = _action_forms(request.user, case)
        fresh[action] = form
        view = CaseDetailView(request=request, kwargs={"pk": pk})
        context = view.get_context_data(case=case, action_forms=fresh, failed=action)
        return view.render_to_response(context, status=400)

    def _run(self, action, case, d) -> str:
        """Take the step; the message to show after it."""
        user = self.request.user

        def reply():
            services.case_reply(actor=user, case=case, text=d["text"], files=d["files"])
            return _("已提交回复。")

        def resolve():
            services.case_resolve(actor=user, case=case, text=d["text"], files=d["files"],
                                  resolved_on=d["resolved_on"],
                                  expected_version=d["expected_version"])
            return _("已报办结，等待核查。")

        def assign():
            services.case_assign(actor=user, case=case, lead_unit=d["lead_unit"],
                                 co_units=list(d["co_units"]), due_workdays=d["due_workdays"],
                                 due_on=d["due_on"], expected_version=d["expected_version"])
            return _("已交办。")

        def verify():
            services.case_verify(actor=user, case=case, passed=d["passed"], note=d["note"],
                                 expected_version=d["expected_version"])
            return _("核查通过。") if d["passed"] else _("已退回牵头单位。")

        def close():
            services.case_close(actor=user, case=case, note=d["note"],
                                expected_version=d["expected_version"])
            return _("已销号。")

        def notice():
            issued = services.notice_issue(actor=user, case=case, kind=d["kind"])
            return _("已印发 %(ref)s。") % {"ref": issued}

        def comment():
            services.case_comment(actor=user, case=case, text=d["text"])
            return _("已填写意见。")

        return route(action, {policy.REPLY: reply, policy.RESOLVE: resolve,
                              policy.ASSIGN: assign, policy.VERIFY: verify,
                              policy.CLOSE: close, policy.NOTICE: notice,
                              policy.COMMENT: comment})


class AttachmentView(ShellMixin, View):
    def get(self, request, pk):
        attachment = selectors.attachment_get(user=request.user, pk=pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)


class NoticeDocxView(ShellMixin, View):
    def get(self, request, pk):
        from .notices import render_notice

        notice = selectors.notice_get(user=request.user, pk=pk)
        response = HttpResponse(
            render_notice(notice),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml"
                         ".document")
        filename = f"{notice.get_kind_display()}{notice.year}-{notice.number}.docx"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response


class VisitListView(ShellMixin, TemplateView):
    template_name = "cases/visits.html"
    title = gettext_lazy("督导调研")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(visits=selectors.visit_list(user=self.request.user),
                       may_create=policy.may_keep_visits(self.request.user))
        return context


class VisitCreateView(ShellMixin, FormView):
    template_name = "cases/form.html"
    form_class = forms.VisitForm
    title = gettext_lazy("登记督导调研")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not policy.may_keep_visits(request.user):
            raise NotFound
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["projects"] = project_list(user=self.request.user)
        return kwargs

    def form_valid(self, form):
        d = form.cleaned_data
        lines = [line for line in d["instructions"].splitlines() if line.strip()]
        try:
            visit = services.visit_create(
                actor=self.request.user, visited_on=d["visited_on"], kind=d["kind"],
                title=d["title"], leaders=d["leaders"], projects=list(d["projects"]),
                notes=d["notes"], instructions=lines,
                lead_user=self.request.user if role_of(self.request.user) == Role.LEADER
                else None)
        except UserError as error:
            put_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记督导调研。"))
        return redirect(visit.get_absolute_url())


class VisitUpdateView(ShellMixin, FormView):
    """修改督导调研: correct the record (a wrong date, a missing project) and add instructions."""

    template_name = "cases/form.html"
    form_class = forms.VisitEditForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not policy.may_keep_visits(request.user):
                raise NotFound
            self.visit = selectors.visit_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return _("修改督导调研：%(visit)s") % {"visit": self.visit}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=self.get_title())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["projects"] = project_list(user=self.request.user)
        return kwargs

    def get_initial(self):
        visit = self.visit
        return {"visited_on": visit.visited_on, "kind": visit.kind, "title": visit.title,
                "leaders": visit.leaders, "notes": visit.notes, "version": visit.version,
                "projects": list(visit.projects.all())}

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            visit = services.visit_update(
                actor=self.request.user, visit=self.visit, expected_version=d["version"],
                visited_on=d["visited_on"], kind=d["kind"], title=d["title"],
                leaders=d["leaders"], projects=list(d["projects"]), notes=d["notes"],
                new_instructions=d["instructions"].splitlines())
        except UserError as error:
            put_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存督导调研。"))
        return redirect(visit.get_absolute_url())


class VisitDetailView(ShellMixin, TemplateView):
    template_name = "cases/visit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = selectors.visit_get(user=self.request.user, pk=self.kwargs["pk"])
        may_convert = policy.may_keep_visits(self.request.user)
        context.update(visit=visit, title=str(visit), may_convert=may_convert,
                       convert_form=forms.InstructionCaseForm(prefix="convert")
                       if may_convert else None)
        return context


class InstructionToCaseView(ShellMixin, View):
    """转为督办: one click on the visit page."""

    def get(self, request, pk):
        instruction = selectors.instruction_get(user=request.user, pk=pk)
        return redirect(instruction.visit.get_absolute_url())

    def post(self, request, pk):
        instruction = selectors.instruction_get(user=request.user, pk=pk)
        if not policy.may_keep_visits(request.user):
            raise NotFound
        form = forms.InstructionCaseForm(request.POST, prefix="convert")
        if not form.is_valid():
            messages.error(request, _("请选择牵头单位和有效的办理时限。"))
            return redirect(instruction.visit.get_absolute_url())
        d = form.cleaned_data
        try:
            case = services.instruction_to_case(
                actor=request.user, instruction=instruction, lead_unit=d["lead_unit"],
                due_workdays=d["due_workdays"], category=d["category"])
        except UserError as error:
            messages.error(request, error.message)
            return redirect(instruction.visit.get_absolute_url())
        messages.success(request, _("已转为督办事项 %(n)s。") % {"n": case.number})
        return redirect(case.get_absolute_url())


class ApprovalListView(ShellMixin, TemplateView):
    """审批事项: items against their legal time limits, with the on-time KPI."""

    template_name = "cases/approvals.html"
    title = gettext_lazy("审批事项")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET.copy()
        data.setdefault("year", str(clock.today().year))
        form = forms.ApprovalFilterForm(data)
        approvals = selectors.approval_list(user=self.request.user, filters=form.to_filters())
        page = Paginator(approvals, 50).get_page(self.request.GET.get("page"))
        context.update(form=form, page=page,
                       kpis=selectors.approval_kpis(approvals),
                       may_edit=policy.may_keep_approvals(self.request.user))
        return context


class ApprovalKeeperMixin(ShellMixin):
    """Pages of the approval register: its keepers only (cases/policy.py); others 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not policy.may_keep_approvals(request.user):
            raise NotFound
        return super().dispatch(request, *args, **kwargs)


class ApprovalCreateView(ApprovalKeeperMixin, ServiceFormMixin, FormView):
    """登记审批事项 (was the admin's add form: workflow pages live outside the admin)."""

    template_name = "cases/form.html"
    form_class = forms.ApprovalForm
    title = gettext_lazy("登记审批事项")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["projects"] = project_list(user=self.request.user)
        return kwargs

    def perform(self, data):
        return services.approval_create(
            actor=self.request.user, item=data["item"], applicant=data["applicant"],
            project=data["project"], kind=data["kind"], received_on=data["received_on"],
            time_limit=data["time_limit"], completed_on=data["completed_on"],
            result=data["result"], document_no=data["document_no"])

    def succeeded(self, approval):
        messages.success(self.request, _("已登记审批事项：%(item)s。") % {"item": approval.item})
        return redirect("cases:approvals")


class ApprovalCompleteView(ApprovalKeeperMixin, ServiceFormMixin, FormView):
    """办结 an approval item; one already completed is final (back to the list)."""

    template_name = "cases/form.html"
    form_class = forms.ApprovalCompleteForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and policy.may_keep_approvals(request.user):
            self.approval = selectors.approval_get(user=request.user, pk=kwargs["pk"])
            if self.approval.completed_on is not None:
                return redirect("cases:approvals")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"completed_on": clock.today()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("办结：%(item)s") % {"item": self.approval.item}
        return context

    def perform(self, data):
        return services.approval_complete(
            actor=self.request.user, approval=self.approval, completed_on=data["completed_on"],
            result=data["result"], document_no=data["document_no"])

    def succeeded(self, approval):
        messages.success(self.request, _("已办结：%(item)s。") % {"item": approval.item})
        return redirect("cases:approvals")


class TaskForceListView(ShellMixin, TemplateView):
    template_name = "cases/task_forces.html"
    title = gettext_lazy("服务专班")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(task_forces=selectors.task_force_list(user=self.request.user),
                       may_edit=project_policy.may_keep_ledger(self.request.user))
        return context


class TaskForceDetailView(ShellMixin, TemplateView):
    template_name = "cases/task_force.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task_force = task_force_get(user=self.request.user, pk=self.kwargs["pk"])
        cases = selectors.task_force_cases(user=self.request.user, task_force=task_force)
        context.update(task_force=task_force, title=task_force.name, cases=cases,
                       closed=sum(1 for c in cases if c.status == CaseStatus.CLOSED))
        return context
