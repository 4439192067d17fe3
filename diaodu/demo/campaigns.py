"""三个一批 in the demo: each phase lists the projects that start, sign or go into operation
within its window (data.CAMPAIGN_WINDOWS) — never a project that started years before.

Signing is not a ledger field: an enterprise project counts as signed ten months before its
planned start (SAMPLE rule, the same one that sets its 履约 date in loader.py).
"""

import random
from datetime import date

from diaodu.projects import services
from diaodu.projects.models import Campaign, CampaignEntry, Level, Project, Stage

from . import data
from .catalogue import SIGN_LEAD_MONTHS, add_months, is_enterprise


def signed_on(project: Project) -> date | None:
    """When an enterprise project signed (SAMPLE rule); None for government investment."""
    if not is_enterprise(project.owner_name) or project.planned_start is None \
            or project.stage in (Stage.PIPELINE, Stage.NEGOTIATING):
        return None
    return add_months(project.actual_start or project.planned_start, -SIGN_LEAD_MONTHS)


def phase_of(day: date | None) -> int | None:
    if day is None:
        return None
    return next((phase for phase, (first, last) in data.CAMPAIGN_WINDOWS.items()
                 if first <= day <= last), None)


def campaign_entries(campaigns: dict[int, Campaign], rng: random.Random) -> int:
    """List the generated projects in the phases their dates fall in; returns how many."""
    listed = set(CampaignEntry.objects.values_list("project_id", "batch"))
    added = 0
    projects = Project.objects.select_related("category").exclude(
        level=Level.DISTRICT).order_by("id")
    for project in projects:
        for batch, day in (("start", project.actual_start), ("sign", signed_on(project)),
                           ("produce", project.actual_completion)):
            phase = phase_of(day)
            if phase is None or (project.pk, batch) in listed or day > data.DEMO_TODAY:
                continue
            if batch == "produce" and not is_enterprise(project.owner_name) \
                    and rng.random() < 0.5:
                continue  # 投产一批 is mostly industry; some public works open in it too
            campaign = campaigns[phase]
            services.campaign_entry_add(actor=None, campaign=campaign, project=project,
                                        batch=batch, listed_on=campaign.held_on)
            added += 1
    return added
