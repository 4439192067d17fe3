"""Stage rules for the four libraries (四库). Pure: plain values in, UserError out."""

from datetime import date

from django.utils.translation import gettext as _

from diaodu.core.errors import UserError

from .models import Stage

ORDER = [Stage.PIPELINE, Stage.NEGOTIATING, Stage.SIGNED, Stage.PREPARATION,
         Stage.CONSTRUCTION, Stage.COMPLETED]


# Looked up for every row of a ledger import: a dict, not ORDER.index(Stage(...)).
_RANK = {stage.value: rank for rank, stage in enumerate(ORDER)}


def stage_rank(stage: str) -> int:
    try:
        return _RANK[stage]
    except KeyError:
        raise ValueError(f"unknown stage: {stage!r}") from None


def check_stage(stage: str, *, actual_start: date | None, actual_completion: date | None) -> None:
    """What a project in `stage` must already have."""
    if stage not in _RANK:
        raise UserError("project.stage_invalid", _("阶段无效：%(stage)s") % {"stage": stage},
                        "stage")
    rank = stage_rank(stage)
    if rank >= stage_rank(Stage.CONSTRUCTION) and actual_start is None:
        raise UserError("project.stage_needs_start",
                        _("进入“在建”阶段须先填写实际开工日期。"), "actual_start")
    if rank >= stage_rank(Stage.COMPLETED) and actual_completion is None:
        raise UserError("project.stage_needs_completion",
                        _("进入“竣工投产”阶段须先填写实际竣工日期。"), "actual_completion")
    if rank < stage_rank(Stage.CONSTRUCTION) and actual_start is not None:
        raise UserError("project.started_not_construction",
                        _("已填写实际开工日期的项目应处于“在建”或“竣工投产”阶段。"), "stage")


def check_stage_change(current: str, target: str, *, reason: str) -> None:
    """Going backwards (e.g. 在建 → 前期) needs a written reason; staying put is not a change."""
    if current == target:
        raise UserError("project.stage_unchanged", _("项目已处于该阶段。"), "stage")
    if stage_rank(target) < stage_rank(current) and not reason.strip():
        raise UserError("project.stage_back_needs_reason",
                        _("阶段回退须填写原因。"), "reason")


def check_dates(*, planned_start: date | None, planned_completion: date | None,
                actual_start: date | None, actual_completion: date | None,
                today: date | None) -> None:
    """`today` may be None when neither actual date is given (nothing is compared with it)."""
    if planned_start and planned_completion and planned_completion < planned_start:
        raise UserError("project.planned_dates_order",
                        _("计划竣工日期不能早于计划开工日期。"), "planned_completion")
    if actual_start and actual_start > today:
        raise UserError("project.actual_start_future",
                        _("实际开工日期不能晚于今天。"), "actual_start")
    if actual_completion and actual_completion > today:
        raise UserError("project.actual_completion_future",
                        _("实际竣工日期不能晚于今天。"), "actual_completion")
    if actual_completion and not actual_start:
        raise UserError("project.completion_without_start",
                        _("填写实际竣工日期前须先填写实际开工日期。"), "actual_start")
    if actual_start and actual_completion and actual_completion < actual_start:
        raise UserError("project.actual_dates_order",
                        _("实际竣工日期不能早于实际开工日期。"), "actual_completion")
