"""The contract between the ledger import (`diaodu.ledgers`: jobs, reading, mapping, the
runner) and the apps whose data a ledger row becomes. Each app owns the planner that turns a
parsed row into calls of its own services (`diaodu/<app>/imports.py`, found by
`autodiscover_modules("imports")` when ledgers starts) and registers it here by kind — as
NetBox apps declare their bulk-import forms and one generic view runs them.

A planner sees the run through three objects the runner passes in:
* `job` — kind, filename and options (`job.options["year"]` …);
* `sheet` — `cell(key)` (the column letter of a field, "" if not in the file), `label(key)`
  (the field's Chinese name), `fields` (field → column) and `labels` (column headers);
* `sheet.header(key)` — the column's header as written ("2023年1-2月完成投资"), and
  `sheet.title` — the title rows above the header;
* `names` — the names people write resolved to records: `unit(text, key)`,
  `category(text)`, `leader(text)`; an unknown name returns None and is listed for the
  reconciliation step (the planner decides whether the row is refused or warned).
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .errors import UserError


@dataclass
class Line:
    """One data row: where it is (sheet, Excel row), the raw cells of the mapped fields, and
    what the planner makes of it."""

    row: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    action: str = ""
    key: str = ""
    diff: dict[str, list[str]] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    sheet: str = ""          # named in cell references when the job reads several sheets
    # Month-precision dates among `values` ({field: "month"}): 2022年4月 is not the 1st.
    precision: dict[str, str] = field(default_factory=dict)
    # Cells of the columns another app imports in the same job (a project ledger's 年度计划
    # and progress columns, when ticked), and the record the row is about once it is known
    # (a new project: after its write) — what those apps' `Extra` planners read.
    extra: dict[str, Any] = field(default_factory=dict)
    subject: Any = None

    def where(self, column: str) -> str:
        """'H5', or '区住建局!H5' when the job reads several sheets."""
        cell = f"{column or 'A'}{self.row}"
        return f"{self.sheet}!{cell}" if self.sheet else cell

    def error(self, column: str, code: str, message: str) -> None:
        self.errors.append({"cell": self.where(column), "code": code, "message": str(message)})
        self.action = "error"

    def warn(self, column: str, code: str, message: str) -> None:
        self.warnings.append({"cell": self.where(column), "code": code,
                              "message": str(message)})

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "sheet": self.sheet, "action": self.action, "key": self.key,
                "diff": self.diff, "errors": self.errors, "warnings": self.warnings}


class Pending(Exception):
    """A row names a project an earlier row of the unwritten batch creates or changes: write
    the batch, then plan the row again (so it sees what the earlier row did)."""


class Planner(ABC):
    """Turns parsed lines into actions for one kind and applies them through the services,
    `batch` rows at a time (1: each row is written before the next is planned)."""

    batch = 1
    # Roles the app's policy lets import this kind, beside those ledgers' own table names
    # (ledgers/jobs.py KINDS_FOR_ROLE): a kind from an app above ledgers says it here.
    importers: frozenset[str] = frozenset()
    # The columns of the kind: (key, Chinese label, "text"/"int"/"date"/"money", *synonyms),
    # taken in by the ledger's mapping at start-up (ledgers/apps.py). Only the key-project
    # kinds, whose columns ledgers' own catalogue lists (ledgers/fields.py), leave it empty.
    FIELDS: tuple[tuple[str, ...], ...] = ()
    # The fields that identify a row, one of which the header must have (the first one mapped
    # is the column the row classifier reads); empty: the project name or code ("name", "code").
    IDENTITY: tuple[str, ...] = ()
    # A field the section rows above a data row fill when its own cell is empty: the
    # section's title without its numbering (一、阳光花苑社区 → 阳光花苑社区).
    SECTION_FIELD = ""
    # The runner turns this off once the rows it lists are full: a new record's diff (every
    # value) is then not built at all.
    want_diffs = True

    def __init__(self, actor, job, sheet, names):
        self.actor, self.job, self.sheet, self.names = actor, job, sheet, names
        self.pending: set[tuple] = set()

    @abstractmethod
    def plan(self, line: Line) -> None:
        """Decide what the row would do (create / update / unchanged / error)."""

    @abstractmethod
    def apply(self, line: Line) -> None:
        """Write the row through the services."""

    def refuse(self, line: Line, problem: UserError) -> None:
        line.error(self.column_of_field(problem.field), problem.code, problem.message)

    def apply_many(self, lines: list[Line]) -> None:
        """Write planned rows; a refused row gets its error (the run then rolls back)."""
        for line in lines:
            try:
                self.apply(line)
            except UserError as problem:
                self.refuse(line, problem)
        self.pending.clear()

    # A service names its own field; the ledger column that fed it may have another key.
    FIELD_COLUMNS: dict[str, str] = {}

    def column_of_field(self, field_name: str | None) -> str:
        key = self.FIELD_COLUMNS.get(field_name or "", field_name or "")
        return self.sheet.cell(key) or self.sheet.cell("name") or "A"


# kind → planner class; filled by each app's imports module.
PLANNERS: dict[str, type[Planner]] = {}


def register(kind: str):
    """Class decorator: the planner for ledger rows of `kind`."""
    def wrap(cls: type[Planner]) -> type[Planner]:
        PLANNERS[kind] = cls
        return cls
    return wrap


class Extra(ABC):
    """The columns of a row another app imports in the same job, after the row's own record
    is written (`line.subject`): the annual plan and the month's progress in a project
    ledger. `handle` plans and writes through the app's services, adds its changes to
    `line.diff` and returns whether it wrote; a refusal is the row's error (the run then
    rolls back, all kinds together)."""

    # A service names its own field; the ledger column that fed it may have another key.
    FIELD_COLUMNS: dict[str, tuple[str, ...]] = {}

    def __init__(self, actor, job, sheet, names):
        self.actor, self.job, self.sheet, self.names = actor, job, sheet, names

    @abstractmethod
    def plan_and_apply(self, line: Line) -> bool:
        """Write what the row's columns say (nothing when the database already says it)."""

    def handle(self, line: Line) -> bool:
        try:
            return self.plan_and_apply(line)
        except UserError as problem:
            keys = self.FIELD_COLUMNS.get(problem.field or "", (problem.field or "",))
            column = next((self.sheet.cell(k) for k in keys if self.sheet.cell(k)), "")
            line.error(column or self.sheet.cell("name") or "A", problem.code,
                       problem.message)
            return False


# (kind, part) → the app's planner for that part of a row of `kind`.
EXTRAS: dict[tuple[str, str], type[Extra]] = {}


def register_extra(kind: str, part: str):
    """Class decorator: the planner for the `part` columns (FieldSpec.part) of `kind` rows."""
    def wrap(cls: type[Extra]) -> type[Extra]:
        EXTRAS[(kind, part)] = cls
        return cls
    return wrap


_SPACE = re.compile(r"\s+")


def name_key(text: object) -> str:
    """Comparable unit, category or leader name: NFKC (full-width folded), no whitespace,
    unified brackets, 办事处 dropped (林山寨街道办事处 = 林山寨街道)."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = s.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    return _SPACE.sub("", s).removesuffix("办事处")


def show(value: Any, choices: dict[str, Any] | None = None) -> str:
    """A value as the preview lists it: choice labels, 是/否, ISO dates, '' for empty."""
    if value is None or value == "":
        return ""
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
