"""`{% project_progress project %}`: the project page's 进度条 block, so the project page
(owned by the projects app) only includes it; `score_parts` for the ranking rows."""

from django import template

from diaodu.dashboard import selectors
from diaodu.dashboard.scoring import LABELS as SCORE_LABELS

register = template.Library()


@register.inclusion_tag("dashboard/_project_progress.html", takes_context=True)
def project_progress(context, project):
    request = context["request"]
    return {"p": selectors.project_progress(user=request.user, project=project),
            "project": project, "request": request}


@register.filter
def score_parts(metrics: dict) -> str:
    """"投资完成（对月度计划） 95.0%；…" of a ranking row, joined in Python: a nested template
    loop per row cost more than the rest of the ranking at province scale (120 units)."""
    return "；".join(f"{SCORE_LABELS[key]} {value}%" for key, value in (metrics or {}).items()
                    if value is not None and key in SCORE_LABELS)
