"""`{% project_progress project %}`: the project page's 进度条 block, so the project page
(owned by the projects app) only includes it."""

from django import template

from diaodu.dashboard import selectors

register = template.Library()


@register.inclusion_tag("dashboard/_project_progress.html", takes_context=True)
def project_progress(context, project):
    request = context["request"]
    return {"p": selectors.project_progress(user=request.user, project=project),
            "project": project, "request": request}
