"""The flood-control 应用场景 (防汛值守): its two event categories (险情 at a post, 积水点), and
the consoles' widget of the streets' flood-control posts and the people on them. It plugs into
the operations centres through core/scenarios only — no change to the events engine."""

from datetime import datetime

from django.db.models import Count

from diaodu.core import scenarios
from diaodu.core.roles import gettext_noop

from .models import FloodPost


def _posts(*, streets: list[int] | None, now: datetime) -> list[tuple[str, int]]:
    qs = FloodPost.objects.all()
    if streets is not None:
        qs = qs.filter(street__in=streets)
    row = qs.aggregate(posts=Count("pk", distinct=True), people=Count("members"))
    return [(gettext_noop("防汛值守点"), row["posts"]), (gettext_noop("值守人员"), row["people"])]


FLOOD_POSTS = scenarios.Scenario(
    code="flood_posts", title=gettext_noop("防汛值守"), sort=30,
    description=gettext_noop("汛期值守点的险情和积水点，随网格事件上报、派遣、处置。"),
    categories=(
        scenarios.CategoryDef("FX01", gettext_noop("防汛值守点险情"), "04", "突发事件",
                              handle_hours=1),
        scenarios.CategoryDef("FX02", gettext_noop("低洼积水点"), "04", "突发事件",
                              handle_hours=2),
    ),
    widgets=(scenarios.Widget("posts", gettext_noop("防汛值守点"), _posts),),
)
