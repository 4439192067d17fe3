"""Data-quality checks on a progress report (pure: plain values in, UserError or flags out).

Errors stop the submit and name the field; flags let it through but ask the reviewer to look.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diaodu.core.errors import UserError

FLAG_OVERRUN = "overrun"        # cumulative above total investment, within the tolerance
FLAG_JUMP = "jump"              # this period far above the previous one
FLAG_LABELS = {
    FLAG_OVERRUN: gettext_lazy("累计完成超过总投资（在容差内），请复核"),
    FLAG_JUMP: gettext_lazy("本期完成较上期跳增，请复核"),
}


@dataclass(frozen=True)
class ReportFigures:
    completed_in_period: Decimal
    cumulative_completed: Decimal
    ytd_completed: Decimal
    physical_progress: str
    under_construction: bool


@dataclass(frozen=True)
class History:
    previous_cumulative: Decimal | None   # the latest earlier report's cumulative
    previous_period: Decimal | None       # the latest earlier report's period figure
    total_investment: Decimal


@dataclass(frozen=True)
class Thresholds:
    overrun_tolerance_pct: int = 10
    jump_factor: Decimal = Decimal("3")

    @classmethod
    def of(cls, config: Any) -> "Thresholds":
        """The thresholds a DispatchSettings row (or its unsaved defaults) sets."""
        return cls(overrun_tolerance_pct=config.overrun_tolerance_pct,
                   jump_factor=config.jump_factor)


def check(figures: ReportFigures, history: History, limits: Thresholds) -> list[str]:
    """Raise UserError for a report that must not be submitted; return review flags."""
    if figures.under_construction and not figures.physical_progress.strip():
        raise UserError("quality.physical_progress_required",
                        _("在建项目须填写形象进度。"), "physical_progress")
    if history.previous_cumulative is not None and \
            figures.cumulative_completed < history.previous_cumulative:
        raise UserError(
            "quality.cumulative_decreased",
            _("开工累计完成 %(now)s 万元小于上期的 %(before)s 万元，累计数不能减少。")
            % {"now": figures.cumulative_completed, "before": history.previous_cumulative},
            "cumulative_completed")
    if figures.ytd_completed > figures.cumulative_completed:
        raise UserError(
            "quality.ytd_exceeds_cumulative",
            _("年度累计完成 %(ytd)s 万元大于开工累计完成 %(cum)s 万元，请核对。")
            % {"ytd": figures.ytd_completed, "cum": figures.cumulative_completed},
            "cumulative_completed")
    flags = []
    limit = history.total_investment * (100 + limits.overrun_tolerance_pct) / 100
    if figures.cumulative_completed > limit:
        raise UserError(
            "quality.cumulative_exceeds_total",
            _("开工累计完成 %(cum)s 万元超过总投资 %(total)s 万元的 %(pct)s%% 容差，"
              "请核对或先调整总投资。")
            % {"cum": figures.cumulative_completed, "total": history.total_investment,
               "pct": limits.overrun_tolerance_pct},
            "cumulative_completed")
    if figures.cumulative_completed > history.total_investment:
        flags.append(FLAG_OVERRUN)
    if history.previous_period and \
            figures.completed_in_period > history.previous_period * limits.jump_factor:
        flags.append(FLAG_JUMP)
    return flags
