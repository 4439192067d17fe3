"""矛盾纠纷排查台账 → the mediation register: the ledger import's planner for the kind
"screening" (core/imports.py; found when ledgers starts). ledgers reads the file — title rows,
a merged two-row header, a section row per community, the 合计 and the notes under it — maps
its headers (the planner's FIELDS and IDENTITY below, taken in at start-up), previews and runs
the job in one transaction, all rows or none. This module turns each row into mediation's
services: new rows are registered through `services.write_disputes` after `validate_dispute`
(the form's own checks), and a pending dispute whose row now carries an outcome is concluded
through `dispute_conclude` (the monthly ledger is the same sheet with outcomes filled in).

A row is known by (committee, 排查编号), so the same file twice changes nothing. A reporter or
unit head imports into the committees they handle (policy.handles); a row naming another
committee is refused, naming its cell."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from diaodu.core.errors import UserError
from diaodu.core.imports import Line, Planner, name_key, register, show

from . import policy, services
from .models import Category, Committee, Dispute, Mediator, Outcome, PartyKind, Side, Source

REQUIRED = ("ref", "received_on", "committee", "category", "applicant", "respondent",
            "summary")
_OUTCOME_WORDS = {"调解成功": Outcome.SETTLED, "成功": Outcome.SETTLED, "已化解": Outcome.SETTLED,
                  "化解": Outcome.SETTLED, "调解不成功": Outcome.FAILED, "不成功": Outcome.FAILED,
                  "诉讼": Outcome.LITIGATION, "": Outcome.PENDING, "正在调解": Outcome.PENDING}


def _words() -> tuple[dict[str, str], dict[str, str]]:
    """The ledger's words for outcomes and categories: the Chinese labels (whatever language
    the importer's pages are in), 纠纷 optional."""
    with translation.override("zh-hans"):
        outcomes = {name_key(label): value for value, label in Outcome.choices}
        categories = {name_key(label): value for value, label in Category.choices} | {
            name_key(str(label).removesuffix("纠纷")): value for value, label in Category.choices}
    return outcomes | _OUTCOME_WORDS, categories
_ORG = re.compile(r"(公司|厂|店|中心|委员会|物业|医院|学校|合作社)$")
_NAMES = re.compile(r"[、,，;；]")


@register("screening")
class ScreeningPlanner(Planner):
    """Rows become disputes (source 矛盾纠纷排查), a batch at a time."""

    batch = 500
    importers = policy.SCREENING_IMPORTERS
    # A street's or committee's screening ledger: parties' names and phones often under a
    # merged 申请人 / 被申请人 group. A row is known by its 排查编号, not by a project.
    FIELDS = (
        ("ref", "排查编号", "text", "编号", "纠纷编号", "登记编号", "排查序号"),
        ("received_on", "排查日期", "date", "受理日期", "登记日期", "排查时间", "受理时间",
         "发现时间"),
        ("committee", "调委会", "text", "人民调解委员会", "调解委员会", "调解组织",
         "受理调委会"),
        ("category", "纠纷类型", "text", "纠纷类别", "矛盾纠纷类型", "类型", "类别"),
        ("applicant", "申请人", "text", "申请人姓名", "申请人名称", "当事人申请人"),
        ("applicant_phone", "申请人电话", "text", "申请人联系电话", "申请人联系方式"),
        ("respondent", "被申请人", "text", "被申请人姓名", "被申请人名称", "当事人被申请人"),
        ("respondent_phone", "被申请人电话", "text", "被申请人联系电话", "被申请人联系方式"),
        ("summary", "纠纷简要情况", "text", "简要情况", "纠纷情况", "矛盾纠纷简要情况",
         "纠纷事由", "主要问题"),
        ("amount", "涉及金额", "money", "涉案金额", "标的额", "涉及金额万元"),
        ("mediator", "调解员", "text", "承办调解员", "调解人员", "承办人"),
        ("outcome", "调解结果", "text", "化解结果", "调处结果", "结果", "化解情况"),
        ("concluded_on", "办结日期", "date", "调结日期", "办结时间", "化解日期", "化解时间"),
        ("terms", "协议内容", "text", "调解协议内容", "协议"),
    )
    IDENTITY = ("ref",)
    # The service's field → the ledger column that fed it.
    FIELD_COLUMNS = {"parties": "applicant", "screening_ref": "ref"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.on = services.today()
        self.outcomes, self.categories = _words()
        handled = [c for c in Committee.objects.filter(active=True).select_related("unit")
                   if self.actor is None or policy.handles(self.actor, c.unit)]
        self.committees = {name_key(c.name): c for c in handled}
        self.mediators = {(m.committee_id, name_key(m.name)): m for m in
                          Mediator.objects.filter(committee__in=handled, active=True)}
        self.known = {(d.received_by_id, d.screening_ref): d for d in
                      Dispute.objects.filter(received_by__in=handled).exclude(screening_ref="")}
        self.seen: dict[tuple[int, str], int] = {}

    def _fail(self, line: Line, key: str, code: str, message: str) -> None:
        label = self.sheet.label(key)
        line.error(self.sheet.cell(key) or self.sheet.cell("ref"), code,
                   _("%(f)s：%(m)s") % {"f": label, "m": message})

    def _text(self, line: Line, key: str) -> str:
        return str(line.values.get(key) or "").strip()

    def _choices(self, line: Line) -> tuple[Committee | None, str | None, str | None]:
        committee = self.committees.get(name_key(self._text(line, "committee")))
        if committee is None and self._text(line, "committee"):
            self._fail(line, "committee", "screening.committee",
                       _("调委会“%(v)s”不存在，或您无权登记到该调委会。")
                       % {"v": self._text(line, "committee")})
        category = self.categories.get(name_key(self._text(line, "category")))
        if category is None and self._text(line, "category"):
            self._fail(line, "category", "screening.category",
                       _("纠纷类型“%(v)s”不在类型表中。") % {"v": self._text(line, "category")})
        outcome = self.outcomes.get(name_key(self._text(line, "outcome")))
        if outcome is None:
            self._fail(line, "outcome", "screening.outcome",
                       _("调解结果应为调成、未调成、转诉讼或空白（调解中），收到“%(v)s”。")
                       % {"v": self._text(line, "outcome")})
        return committee, category, outcome

    def _data(self, line: Line) -> services.DisputeData | None:
        v = line.values
        for key in REQUIRED:
            if not self._text(line, key):
                self._fail(line, key, "screening.required", _("不能为空。"))
        for key in ("received_on", "concluded_on"):
            if key in line.precision:
                self._fail(line, key, "screening.day", _("请写明具体日期（年、月、日）。"))
        committee, category, outcome = self._choices(line)
        amount: Decimal | None = None
        try:
            amount = services.parse_amount(v.get("amount") or Decimal("0"))
        except UserError as problem:
            self._fail(line, "amount", problem.code, problem.message)
        mediator = None
        if committee is not None and self._text(line, "mediator"):
            mediator = self.mediators.get((committee.pk, name_key(self._text(line, "mediator"))))
            if mediator is None:
                self._fail(line, "mediator", "screening.mediator", _("%(c)s没有调解员“%(v)s”。")
                           % {"c": committee, "v": self._text(line, "mediator")})
        if line.errors or committee is None or category is None or outcome is None \
                or amount is None:
            return None
        parties = [services.PartyData(side, name.strip(), PartyKind.ORGANISATION
                                      if _ORG.search(name.strip()) else PartyKind.PERSON,
                                      self._text(line, f"{key}_phone"))
                   for side, key in ((Side.APPLICANT, "applicant"),
                                     (Side.RESPONDENT, "respondent"))
                   for name in _NAMES.split(self._text(line, key)) if name.strip()]
        data = services.DisputeData(
            committee=committee, category=category, summary=self._text(line, "summary"),
            received_on=v["received_on"], amount=amount, parties=parties, mediator=mediator,
            source=Source.SCREENING, screening_ref=self._text(line, "ref")[:40],
            outcome=outcome, concluded_on=v.get("concluded_on"),
            terms=self._text(line, "terms"))
        try:
            return services.validate_dispute(data, on=self.on)
        except UserError as problem:
            self.refuse(line, problem)
            return None

    def refuse(self, line: Line, problem: UserError) -> None:
        key = self.FIELD_COLUMNS.get(problem.field or "", problem.field or "")
        self._fail(line, key if self.sheet.cell(key) else "ref", problem.code, problem.message)

    def plan(self, line: Line) -> None:
        data = self._data(line)
        if data is None:
            return
        key = (data.committee.pk, data.screening_ref)
        line.key = f"{data.committee} · {data.screening_ref}"
        if key in self.seen:
            self._fail(line, "ref", "screening.duplicate", _("与第%(n)s行的排查编号重复。")
                       % {"n": self.seen[key]})
            return
        self.seen[key] = line.row
        known = self.known.get(key)
        line.values = {"data": data, "known": known}
        outcome_label, labels = str(self.sheet.label("outcome")), dict(Outcome.choices)
        if known is None:
            line.action = "create"
            if self.want_diffs:
                line.diff = {str(self.sheet.label("summary")): ["", data.summary],
                             outcome_label: ["", show(data.outcome, labels)]}
        elif known.outcome == Outcome.PENDING and data.outcome != Outcome.PENDING:
            line.action = "update"
            line.diff = {outcome_label: [show(known.outcome, labels),
                                         show(data.outcome, labels)]}
        else:
            line.action = "unchanged"

    def apply(self, line: Line) -> None:
        self.apply_many([line])

    def apply_many(self, lines: list[Line]) -> None:
        """New rows in one `write_disputes` call; conclusions one by one."""
        fresh = [line for line in lines if line.action == "create"]
        for dispute in services.write_disputes(self.actor,
                                               [line.values["data"] for line in fresh]):
            self.known[(dispute.received_by_id, dispute.screening_ref)] = dispute
        for line in lines:
            if line.action != "update":
                continue
            data: services.DisputeData = line.values["data"]
            try:
                services.dispute_conclude(
                    actor=self.actor, dispute=line.values["known"], outcome=data.outcome,
                    concluded_on=data.concluded_on, terms=data.terms, on=self.on)
            except UserError as problem:
                self.refuse(line, problem)
        self.pending.clear()
