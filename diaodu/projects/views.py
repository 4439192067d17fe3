from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from diaodu.core.errors import NotFound
from diaodu.core.forms import run_service
from diaodu.core.money import sum_wan, wan_to_yi
from diaodu.core.views import ShellMixin

from . import policy, selectors, services
from .forms import ProjectFilterForm, StageChangeForm

PAGE_SIZE = 25


class ProjectListView(ShellMixin, TemplateView):
    template_name = "projects/list.html"
    title = gettext_lazy("重点项目")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ProjectFilterForm(self.request.GET or None)
        projects = selectors.project_list(user=self.request.user, filters=form.to_filters())
        page = Paginator(projects, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            form=form, page=page, can_edit=policy.may_keep_ledger(self.request.user),
            total_count=page.paginator.count,
            total_investment_yi=wan_to_yi(sum_wan(projects, "total_investment")),
        )
        return context


class ProjectDetailView(ShellMixin, TemplateView):
    template_name = "projects/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = selectors.project_get(user=self.request.user, pk=self.kwargs["pk"])
        context.update(
            project=project, title=project.name,
            can_edit=policy.may_keep_ledger(self.request.user),
            total_investment_yi=wan_to_yi(project.total_investment),
        )
        return context


class ProjectStageView(ShellMixin, FormView):
    """变更阶段: the only way a project moves between libraries, under the stage rules."""

    template_name = "projects/stage.html"
    form_class = StageChangeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.project = selectors.project_get(user=request.user, pk=kwargs["pk"])
            if not policy.may_keep_ledger(request.user):
                raise NotFound
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"stage": self.project.stage, "actual_start": self.project.actual_start,
                "actual_completion": self.project.actual_completion,
                "expected_version": self.project.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(project=self.project, title=_("变更阶段：%(name)s") %
                       {"name": self.project.name})
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        ok, _project = run_service(lambda: services.project_change_stage(
            actor=self.request.user, project=self.project, stage=data["stage"],
            expected_version=data["expected_version"], reason=data["reason"],
            actual_start=data["actual_start"], actual_completion=data["actual_completion"]),
            form)
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("阶段已变更。"))
        return redirect(self.project.get_absolute_url())
