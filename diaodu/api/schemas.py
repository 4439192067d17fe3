"""Request and response shapes. Every input schema lists its fields and forbids others (no
mass assignment); money travels as text in 万元 so no cent is lost to floating point."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints

from diaodu.core.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, validate_plain_text


def _plain(value: str) -> str:
    # The one rule of core/text.py (the pages' forms use it too), as a 400 naming the field.
    try:
        validate_plain_text(value)
    except DjangoValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return value


Money = Annotated[str, StringConstraints(max_length=24)]
ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT_MAX), AfterValidator(_plain)]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX), AfterValidator(_plain)]
Version = Annotated[int, Field(ge=1, le=2_147_483_647)]
Pk = Annotated[int, Field(ge=1, le=9_223_372_036_854_775_807)]
# Dates the working calendar covers (2000–2060); outside it no deadline can be computed.
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2060, 12, 31))]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Error(Schema):
    code: str
    message: str
    field: str | None = None


class UnitRef(Schema):
    id: int
    name: str


class ProjectOut(Schema):
    id: int
    code: str | None
    name: str
    level: str
    stage: str
    category_id: int
    category: str = Field(alias="category.name")
    responsible_unit: UnitRef
    street: UnitRef | None
    leader_id: int | None
    owner_name: str
    total_investment: Decimal
    scope: str
    planned_start: date | None
    planned_completion: date | None
    actual_start: date | None
    actual_completion: date | None
    on_whitelist: bool
    stats_registered_on: date | None
    location: str
    version: int


class ProjectCreate(Strict):
    name: ShortText
    level: Annotated[str, StringConstraints(max_length=16)]
    category: Pk
    responsible_unit: Pk
    total_investment: Money
    code: Annotated[str, StringConstraints(max_length=40)] | None = None
    street: Pk | None = None
    leader: Pk | None = None
    owner_name: ShortText = ""
    scope: LongText = ""
    planned_start: date | None = None
    planned_completion: date | None = None
    location: ShortText = ""


class ProjectUpdate(Strict):
    expected_version: Version
    name: ShortText | None = None
    level: Annotated[str, StringConstraints(max_length=16)] | None = None
    category: Pk | None = None
    responsible_unit: Pk | None = None
    total_investment: Money | None = None
    code: Annotated[str, StringConstraints(max_length=40)] | None = None
    street: Pk | None = None
    leader: Pk | None = None
    owner_name: ShortText | None = None
    scope: LongText | None = None
    planned_start: date | None = None
    planned_completion: date | None = None
    actual_start: date | None = None
    actual_completion: date | None = None
    location: ShortText | None = None


class RoundOut(Schema):
    id: int
    title: str
    cadence: str
    period_start: date
    period_end: date
    opens_at: datetime
    due_at: datetime
    locked_at: datetime | None


class ReportOut(Schema):
    id: int
    round_id: int
    project_id: int
    project: str = Field(alias="project.name")
    responsible_unit_id: int = Field(alias="project.responsible_unit_id")
    completed_in_period: Decimal
    cumulative_completed: Decimal
    ytd_completed: Decimal
    physical_progress: str
    issues: str
    status: str
    review_flags: list
    is_overdue: bool
    submitted_at: datetime | None
    reviewed_at: datetime | None
    return_reason: str
    version: int


class ReportSave(Strict):
    expected_version: Version
    completed_in_period: Money
    cumulative_completed: Money
    physical_progress: LongText = ""
    issues: LongText = ""
    submit: bool = False


class VersionIn(Strict):
    expected_version: Version


class ReturnIn(Strict):
    expected_version: Version
    reason: LongText


class KpiRowOut(Schema):
    label: str
    planned_annual: Decimal
    completed_ytd: Decimal
    completion_rate: Decimal | None


class KpisOut(Schema):
    year: int
    month: int
    planned_annual: Decimal
    completed_ytd: Decimal
    completion_rate: Decimal | None
    time_progress: Decimal
    by_level: list[KpiRowOut]
    by_unit: list[KpiRowOut]
    by_street: list[KpiRowOut]
