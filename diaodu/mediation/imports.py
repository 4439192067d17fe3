"""矛盾纠纷排查台账 import: a committee's screening ledger (Excel/CSV) into the mediation
register. Self-contained: the file is read by diaodu/ledgers/readers.py, each row becomes a
`DisputeData` checked by the same rules as the form, and everything is written through
services.write_disputes / dispute_conclude in one transaction — all rows or none.

Idempotent: a row is known by (committee, 排查编号). A known row changes nothing, except that a
pending dispute whose row now carries an outcome is concluded (the monthly ledger is the same
sheet with outcomes filled in). Errors name the row and the column, in Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import User
from diaodu.ledgers.readers import read_table

from . import policy, services
from .models import Category, Committee, Dispute, Mediator, Outcome, PartyKind, Side, Source

# Column key → accepted header labels (after removing spaces and brackets' content).
COLUMNS = {
    "ref": ("排查编号", "编号"),
    "received_on": ("排查日期", "受理日期", "登记日期"),
    "committee": ("调委会", "人民调解委员会", "调解组织"),
    "category": ("纠纷类型", "类型"),
    "applicant": ("申请人", "当事人申请人", "当事人（申请人）"),
    "applicant_phone": ("申请人电话", "申请人联系电话"),
    "respondent": ("被申请人", "当事人被申请人", "当事人（被申请人）"),
    "respondent_phone": ("被申请人电话", "被申请人联系电话"),
    "summary": ("纠纷简要情况", "简要情况", "纠纷情况"),
    "amount": ("涉及金额万元", "涉及金额（万元）", "涉及金额"),
    "mediator": ("调解员",),
    "outcome": ("调解结果", "结果"),
    "concluded_on": ("办结日期", "调结日期"),
    "terms": ("协议内容", "协议"),
}
REQUIRED = ("ref", "received_on", "committee", "category", "applicant", "respondent",
            "summary")
LABELS = {key: labels[0] for key, labels in COLUMNS.items()}
LABELS["amount"] = "涉及金额（万元）"
HEADER_ROWS = 15
_OUTCOMES = {label: value for value, label in Outcome.choices} | {
    "调解成功": Outcome.SETTLED, "成功": Outcome.SETTLED, "调解不成功": Outcome.FAILED,
    "不成功": Outcome.FAILED, "诉讼": Outcome.LITIGATION, "": Outcome.PENDING}
_CATEGORIES = {str(label): value for value, label in Category.choices} | {
    str(label).removesuffix("纠纷"): value for value, label in Category.choices}
_ORG = re.compile(r"(公司|厂|店|中心|委员会|物业|医院|学校|合作社)$")


def _norm(value: object) -> str:
    return re.sub(r"\s+", "", str(value or "")).replace("(", "（").replace(")", "）")


@dataclass
class RowError:
    row: int          # 1-based, as Excel shows it
    column: str       # the header label, "" for the row as a whole
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("第%(row)s行“%(col)s”列：%(msg)s") % {
                "row": self.row, "col": self.column, "msg": self.message}
        return _("第%(row)s行：%(msg)s") % {"row": self.row, "msg": self.message}


@dataclass
class ImportReport:
    created: int = 0
    concluded: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int]]:
    """The header row's index and the column of each key found in it."""
    lookup = {_norm(label).replace("（", "").replace("）", ""): key
              for key, labels in COLUMNS.items() for label in labels}
    for index, row in enumerate(rows[:HEADER_ROWS]):
        found: dict[str, int] = {}
        for col, cell in enumerate(row):
            key = lookup.get(_norm(cell).replace("（", "").replace("）", ""))
            if key and key not in found:
                found[key] = col
        if {"ref", "summary"} <= set(found):
            return index, found
    raise UserError("screening.no_header",
                    _("未找到表头：前%(n)s行中没有“排查编号”和“纠纷简要情况”列。")
                    % {"n": HEADER_ROWS}, "file")


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial day number
            return date(1899, 12, 30) + timedelta(days=int(value))
        raise ValueError
    text = _norm(value)
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        raise ValueError
    return date(*map(int, match.groups()))


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a text column (编号 1001 → "1001")
    return str(value or "").strip()


class _Row:
    """One ledger row's cells by key, collecting errors instead of stopping at the first."""

    def __init__(self, number: int, cells: list[object], columns: dict[str, int],
                 errors: list[RowError]):
        self.number, self.cells, self.columns, self.errors = number, cells, columns, errors

    def raw(self, key: str) -> object:
        col = self.columns.get(key)
        return self.cells[col] if col is not None and col < len(self.cells) else ""

    def text(self, key: str) -> str:
        return _text(self.raw(key))

    def fail(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.number, LABELS.get(key, ""), message))


def _parse_row(row: _Row, committees: dict[str, Committee],
               mediators: dict[tuple[int, str], Mediator], on: date):
    before = len(row.errors)
    for key in REQUIRED:
        if not row.text(key) and not isinstance(row.raw(key), (date, datetime)):
            row.fail(key, _("不能为空。"))
    if len(row.errors) > before:
        return None
    committee = committees.get(_norm(row.text("committee")))
    if committee is None:
        row.fail("committee", _("调委会“%(v)s”不存在，或您无权登记到该调委会。")
                 % {"v": row.text("committee")})
    category = _CATEGORIES.get(_norm(row.text("category")))
    if category is None:
        row.fail("category", _("纠纷类型“%(v)s”不在类型表中。") % {"v": row.text("category")})
    outcome = _OUTCOMES.get(_norm(row.text("outcome")))
    if outcome is None:
        row.fail("outcome", _("调解结果应为调成、未调成、转诉讼或空白（调解中），收到“%(v)s”。")
                 % {"v": row.text("outcome")})
    dates = {}
    for key in ("received_on", "concluded_on"):
        try:
            dates[key] = _date(row.raw(key))
        except (ValueError, TypeError):
            row.fail(key, _("日期格式不正确：%(v)s（应如 2021-03-05）") % {"v": row.text(key)})
    amount = None
    try:
        amount = services.parse_amount(row.raw("amount") if row.text("amount") else "0")
    except UserError as error:
        row.fail("amount", error.message)
    mediator = None
    if committee is not None and row.text("mediator"):
        mediator = mediators.get((committee.pk, row.text("mediator")))
        if mediator is None:
            row.fail("mediator", _("%(c)s没有调解员“%(v)s”。")
                     % {"c": committee, "v": row.text("mediator")})
    if len(row.errors) > before:
        return None
    parties = [services.PartyData(side, name, PartyKind.ORGANISATION if _ORG.search(name)
                                  else PartyKind.PERSON, row.text(f"{key}_phone"))
               for side, key in ((Side.APPLICANT, "applicant"), (Side.RESPONDENT, "respondent"))
               for name in re.split(r"[、,，;；]", row.text(key)) if name.strip()]
    data = services.DisputeData(
        committee=committee, category=category, summary=row.text("summary"),
        received_on=dates["received_on"], amount=amount, parties=parties, mediator=mediator,
        source=Source.SCREENING, screening_ref=row.text("ref")[:40], outcome=outcome,
        concluded_on=dates["concluded_on"], terms=row.text("terms"))
    try:
        return services.validate_dispute(data, on=on)
    except UserError as error:
        key = {"parties": "applicant", "received_on": "received_on",
               "concluded_on": "concluded_on", "terms": "terms"}.get(error.field or "", "")
        row.fail(key, error.message)
        return None


def screening_import(*, actor: User | None, data: bytes, filename: str,
                     dry_run: bool = False, on: date | None = None) -> ImportReport:
    """Import a 矛盾纠纷排查台账. With errors, or with `dry_run`, nothing is written; the report
    says what would be (or was) created, concluded and left unchanged."""
    on = on or services.today()
    table = read_table(data, filename)
    report = ImportReport(notes=list(table.notes))
    start, columns = _header(table.head)
    missing = [LABELS[key] for key in REQUIRED if key not in columns]
    if missing:
        raise UserError("screening.columns", _("台账缺少必填列：%(cols)s。")
                        % {"cols": "、".join(missing)}, "file")
    handled = [c for c in Committee.objects.filter(active=True).select_related("unit")
               if actor is None or policy.handles(actor, c.unit)]
    committees = {_norm(c.name): c for c in handled}
    mediators = {(m.committee_id, m.name): m for m in
                 Mediator.objects.filter(committee__in=handled, active=True)}
    parsed: list[tuple[int, services.DisputeData]] = []
    seen: dict[tuple[int, str], int] = {}
    for offset, cells in enumerate(table.iter_rows(start + 1), start=start + 2):
        if not any(_text(c) for c in cells):
            continue
        row = _Row(offset, cells, columns, report.errors)
        item = _parse_row(row, committees, mediators, on)
        if item is None:
            continue
        key = (item.committee.pk, item.screening_ref)
        if key in seen:
            row.fail("ref", _("与第%(n)s行的排查编号重复。") % {"n": seen[key]})
            continue
        seen[key] = offset
        parsed.append((offset, item))
    if report.errors:
        return report
    with transaction.atomic(), audit.deferred() as batch:
        existing = {(d.received_by_id, d.screening_ref): d for d in Dispute.objects.filter(
            received_by__in=handled, screening_ref__in=[i.screening_ref for _n, i in parsed])}
        fresh = []
        for number, item in parsed:
            known = existing.get((item.committee.pk, item.screening_ref))
            if known is None:
                fresh.append(item)
            elif known.outcome == Outcome.PENDING and item.outcome != Outcome.PENDING:
                try:
                    services.dispute_conclude(
                        actor=actor, dispute=known, outcome=item.outcome,
                        concluded_on=item.concluded_on, terms=item.terms, on=on)
                except UserError as error:
                    report.errors.append(RowError(number, LABELS["outcome"], error.message))
                    continue
                report.concluded += 1
            else:
                report.unchanged += 1
        if report.errors:
            transaction.set_rollback(True)
            batch.discard()
            report.concluded = report.unchanged = 0
            return report
        services.write_disputes(actor, fresh)
        report.created = len(fresh)
        if dry_run:
            transaction.set_rollback(True)
            batch.discard()
        elif report.created or report.concluded:
            audit.record(actor, "screening.import", None,
                         {"file": filename[:100], "created": report.created,
                          "concluded": report.concluded, "unchanged": report.unchanged})
    return report
