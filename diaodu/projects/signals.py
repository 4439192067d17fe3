"""What the project ledger tells the apps built on it. The ledger does not know who listens
(investment keeps its rollups by unit, street, level and category): it says a project moved,
with where it counted before, inside the writing transaction."""

from django.dispatch import Signal

# Sent after a project's responsible unit, street, level or category changed and was saved.
# Arguments: project (saved), before (a Placement).
project_moved = Signal()

# Where a project's figures count: (responsible_unit_id, street_id, level, category_id).
type Placement = tuple[int, int | None, str, int]


def placement(project) -> Placement:
    return (project.responsible_unit_id, project.street_id, project.level, project.category_id)


def moved(project, before: Placement) -> None:
    if placement(project) != before:
        project_moved.send(sender=type(project), project=project, before=before)
