"""Writes of the mediation register: committees, mediators, disputes and their referral,
outcome and follow-up. One transaction each, validated first, audited; `actor=None` is the
system (demo loader). Audit rows carry no party's personal data, only counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from diaodu.core import audit, clock
from diaodu.core.errors import ConflictError, NotFound, UserError
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.money import parse_wan
from diaodu.core.saving import save_audited

from . import policy, rules
from .models import (
    Category,
    Committee,
    Dispute,
    FollowUp,
    Level,
    Mediator,
    Outcome,
    Party,
    PartyKind,
    Performance,
    Referral,
    Side,
    Source,
)

# A 人民调解 case of more than 5,000万元 is not one we have seen; such a figure is almost always
# an amount typed in 元 into the 万元 column, so it is refused with that hint.
MAX_AMOUNT_WAN = Decimal("5000.00")
UNIT_KINDS = {Level.DISTRICT: (UnitKind.DISTRICT, UnitKind.DEPARTMENT),
              Level.STREET: (UnitKind.STREET,), Level.COMMUNITY: (UnitKind.COMMUNITY,)}
PHONE = re.compile(r"^[0-9][0-9\- ]{4,19}$")


def today() -> date:
    """The business date (core.clock: pinned in the demo)."""
    return clock.today()


def _require_reference_editor(actor: User | None) -> None:
    if not policy.may_edit_reference(actor):
        raise NotFound


def _require_handler(actor: User | None, committee: Committee) -> None:
    # Out of the actor's units reads as absent (no existence leak), as in the selectors.
    if actor is not None and not policy.handles(actor, committee.unit):
        raise NotFound


# ------------------------------------------------------------------------------ committees

def _street_of(unit: OrgUnit) -> OrgUnit | None:
    if unit.kind == UnitKind.STREET:
        return unit
    if unit.kind == UnitKind.COMMUNITY:
        return OrgUnit.objects.get(path=unit.path[:-OrgUnit.steplen])
    return None


def committee_create(*, actor: User | None, name: str, level: str, unit: OrgUnit,
                     parent: Committee | None = None, phone: str = "") -> Committee:
    """Add a committee at `level` in `unit`, under the committee one level up."""
    _require_reference_editor(actor)
    name = name.strip()
    if not name:
        raise UserError("committee.name_required", _("请填写调委会名称。"), "name")
    if level not in Level.values:
        raise UserError("committee.level_invalid",
                        _("调解层级“%(level)s”不存在，应为区级、街道级或社区（村）级。")
                        % {"level": level}, "level")
    if unit.kind not in UNIT_KINDS[Level(level)]:
        raise UserError("committee.unit_kind",
                        _("%(level)s调委会不能设在%(unit)s（%(kind)s）。")
                        % {"level": Level(level).label, "unit": unit,
                           "kind": unit.get_kind_display()}, "unit")
    if level == Level.DISTRICT:
        if parent is not None:
            raise UserError("committee.parent_invalid", _("区级调委会没有上一级调委会。"),
                            "parent")
    elif parent is None or rules.referral_direction(level, parent.level) != "up":
        raise UserError("committee.parent_invalid",
                        _("请选择上一级调委会（%(level)s之上一级）。")
                        % {"level": Level(level).label}, "parent")
    with transaction.atomic():
        if Committee.objects.filter(name=name).exists():
            raise UserError("committee.name_duplicate", _("调委会“%(name)s”已存在。")
                            % {"name": name}, "name")
        if Committee.objects.filter(unit=unit, level=level).exists():
            raise UserError("committee.unit_duplicate", _("%(unit)s已设有%(level)s调委会。")
                            % {"unit": unit, "level": Level(level).label}, "unit")
        committee = Committee.objects.create(name=name, level=level, unit=unit, parent=parent,
                                             street=_street_of(unit), phone=phone.strip())
        audit.record(actor, "committee.create", committee,
                     {"name": name, "level": level, "unit": unit.pk})
    return committee


def committee_update(*, actor: User | None, committee: Committee, name: str, phone: str,
                     active: bool) -> Committee:
    _require_reference_editor(actor)
    name = name.strip()
    if not name:
        raise UserError("committee.name_required", _("请填写调委会名称。"), "name")
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        if Committee.objects.filter(name=name).exclude(pk=committee.pk).exists():
            raise UserError("committee.name_duplicate", _("调委会“%(name)s”已存在。")
                            % {"name": name}, "name")
        before = {"name": committee.name, "phone": committee.phone, "active": committee.active}
        committee.name, committee.phone, committee.active = name, phone.strip(), active
        committee.save(update_fields=["name", "phone", "active"])
        audit.record(actor, "committee.update", committee,
                     audit.diff(before, {"name": name, "phone": committee.phone,
                                         "active": active}))
    return committee


def mediator_save(*, actor: User | None, committee: Committee, name: str, gold: bool = False,
                  gold_since: date | None = None, phone: str = "", active: bool = True,
                  mediator: Mediator | None = None) -> Mediator:
    """Add a mediator, or change one (`mediator` given). A 金牌调解员 title needs its date."""
    _require_reference_editor(actor)
    name = name.strip()
    if not name:
        raise UserError("mediator.name_required", _("请填写调解员姓名。"), "name")
    if gold and gold_since is None:
        raise UserError("mediator.gold_date", _("评为金牌调解员须填写评定日期。"), "gold_since")
    if phone.strip() and not PHONE.match(phone.strip()):
        raise UserError("mediator.phone", _("联系电话格式不正确：%(v)s") % {"v": phone}, "phone")
    with transaction.atomic():
        clash = Mediator.objects.filter(committee=committee, name=name)
        if mediator is not None:
            clash = clash.exclude(pk=mediator.pk)
        if clash.exists():
            raise UserError("mediator.duplicate", _("%(c)s已有调解员%(n)s。")
                            % {"c": committee, "n": name}, "name")
        fields = {"committee": committee, "name": name, "gold": gold,
                  "gold_since": gold_since if gold else None, "phone": phone.strip(),
                  "active": active}
        mediator = save_audited(actor, Mediator, mediator, fields, action="mediator")
    return mediator


# ------------------------------------------------------------------------------- disputes

def parse_amount(value: object, *, field: str = "amount") -> Decimal:
    """涉及金额 in 万元: not negative, two places at most, and not a figure in 元. A text that
    names its unit is read: “12.5万元” is 12.5; “125000元” is refused, with the hint."""
    text = str(value).strip() if value is not None else ""
    if text.endswith("万元") or text.endswith("万"):
        text = text.removesuffix("元").removesuffix("万").strip()
    elif text.endswith("元"):
        raise UserError("dispute.amount_unit",
                        _("涉及金额应以万元为单位填写（收到“%(v)s”）。") % {"v": value}, field)
    amount = parse_wan(text or "0", field=field, label=_("涉及金额"))
    if amount > MAX_AMOUNT_WAN:
        raise UserError("dispute.amount_unit",
                        _("涉及金额%(v)s万元超过%(max)s万元，疑似按元填写，请以万元为单位。")
                        % {"v": amount, "max": MAX_AMOUNT_WAN}, field)
    return amount


@dataclass(frozen=True)
class PartyData:
    side: str
    name: str
    kind: str = PartyKind.PERSON
    phone: str = ""
    address: str = ""


def clean_parties(parties: list[PartyData], *, field: str = "parties") -> list[PartyData]:
    cleaned = []
    for index, p in enumerate(parties, start=1):
        name = p.name.strip()
        if not name:
            continue
        if p.side not in Side.values:
            raise UserError("party.side", _("第%(n)s个当事人的类别无效。") % {"n": index}, field)
        if p.kind not in PartyKind.values:
            raise UserError("party.kind", _("第%(n)s个当事人的主体类型无效。") % {"n": index},
                            field)
        phone = p.phone.strip()
        if phone and not PHONE.match(phone):
            raise UserError("party.phone", _("当事人%(name)s的联系电话格式不正确：%(v)s")
                            % {"name": name, "v": phone}, field)
        cleaned.append(PartyData(p.side, name[:100], p.kind, phone, p.address.strip()[:200]))
    sides = {p.side for p in cleaned}
    if Side.APPLICANT not in sides or Side.RESPONDENT not in sides:
        raise UserError("party.both_sides", _("纠纷须有申请人和被申请人各至少一方。"), field)
    return cleaned


@dataclass(frozen=True)
class DisputeData:
    """A dispute to register, already parsed (the import builds these from rows)."""

    committee: Committee
    category: str
    summary: str
    received_on: date
    amount: Decimal
    parties: list[PartyData]
    mediator: Mediator | None = None
    source: str = Source.APPLICATION
    screening_ref: str = ""
    outcome: str = Outcome.PENDING
    concluded_on: date | None = None
    terms: str = ""


def validate_dispute(d: DisputeData, *, on: date) -> DisputeData:
    """The checks every new dispute passes, from a form or a ledger row alike."""
    if d.category not in Category.values:
        raise UserError("dispute.category", _("纠纷类型“%(v)s”不存在。") % {"v": d.category},
                        "category")
    if not d.summary.strip():
        raise UserError("dispute.summary", _("请填写纠纷简要情况。"), "summary")
    if d.received_on > on:
        raise UserError("dispute.received_future", _("受理日期不能晚于今天（%(d)s）。")
                        % {"d": on}, "received_on")
    if not d.committee.active:
        raise UserError("dispute.committee_inactive", _("%(c)s已停用。") % {"c": d.committee},
                        "committee")
    if d.mediator is not None and d.mediator.committee_id != d.committee.pk:
        raise UserError("dispute.mediator", _("调解员%(m)s不属于%(c)s。")
                        % {"m": d.mediator, "c": d.committee}, "mediator")
    if d.outcome not in Outcome.values:
        raise UserError("dispute.outcome", _("调解结果“%(v)s”无效。") % {"v": d.outcome},
                        "outcome")
    if d.outcome != Outcome.PENDING:
        _check_conclusion(d.outcome, d.concluded_on, d.received_on, d.terms, on)
    return DisputeData(**{**d.__dict__, "summary": d.summary.strip(),
                          "parties": clean_parties(d.parties)})


def _check_conclusion(outcome, concluded_on, received_on, terms, on) -> None:
    if concluded_on is None:
        raise UserError("dispute.concluded_required", _("请填写办结日期。"), "concluded_on")
    if concluded_on < received_on:
        raise UserError("dispute.concluded_early", _("办结日期不能早于受理日期（%(d)s）。")
                        % {"d": received_on}, "concluded_on")
    if concluded_on > on:
        raise UserError("dispute.concluded_future", _("办结日期不能晚于今天（%(d)s）。")
                        % {"d": on}, "concluded_on")
    if outcome == Outcome.SETTLED and not terms.strip():
        raise UserError("dispute.terms_required", _("调成的纠纷须填写协议内容。"), "terms")


def next_serials(year: int, count: int) -> range:
    """`count` fresh serial numbers of `year` (call inside the writing transaction)."""
    top = Dispute.objects.filter(year=year).aggregate(top=Max("serial"))["top"] or 0
    return range(top + 1, top + 1 + count)


def write_disputes(actor: User | None, items: list[DisputeData]) -> list[Dispute]:
    """Insert validated disputes and their parties with serials per year, audited, in the
    caller's transaction (the form registers one, the import and the demo thousands)."""
    by_year: dict[int, list[DisputeData]] = {}
    for d in items:
        by_year.setdefault(d.received_on.year, []).append(d)
    disputes: list[Dispute] = []
    sources: list[DisputeData] = []
    for year, group in sorted(by_year.items()):
        for serial, d in zip(next_serials(year, len(group)), group, strict=True):
            disputes.append(Dispute(
                year=year, serial=serial, committee=d.committee, received_by=d.committee,
                category=d.category, source=d.source, summary=d.summary,
                received_on=d.received_on, mediator=d.mediator, amount=d.amount,
                outcome=d.outcome, concluded_on=d.concluded_on, terms=d.terms.strip(),
                screening_ref=d.screening_ref, created_by=actor))
            sources.append(d)
    Dispute.objects.bulk_create(disputes, batch_size=500)
    if any(d.pk is None for d in disputes):  # SQLite before 3.35 returns no ids
        saved = {(x.year, x.serial): x.pk for x in Dispute.objects.filter(
            year__in=by_year).only("year", "serial")}
        for d in disputes:
            d.pk = saved[(d.year, d.serial)]
    Party.objects.bulk_create([
        Party(dispute=dispute, side=p.side, kind=p.kind, name=p.name, phone=p.phone,
              address=p.address)
        for dispute, d in zip(disputes, sources, strict=True) for p in d.parties],
        batch_size=1000)
    audit.record_many(actor, [
        ("dispute.register", dispute, {
            "committee": dispute.committee_id, "category": dispute.category,
            "amount": dispute.amount, "outcome": dispute.outcome,
            "parties": len(d.parties)})
        for dispute, d in zip(disputes, sources, strict=True)])
    return disputes


def dispute_register(*, actor: User | None, data: DisputeData,
                     on: date | None = None) -> Dispute:
    """Register one dispute with the committee of the actor's unit."""
    _require_handler(actor, data.committee)
    data = validate_dispute(data, on=on or today())
    with transaction.atomic():
        return write_disputes(actor, [data])[0]


def _locked(dispute: Dispute, expected_version: int | None) -> Dispute:
    dispute = Dispute.objects.select_for_update().select_related(
        "committee", "committee__unit").get(pk=dispute.pk)
    if expected_version is not None and dispute.version != expected_version:
        raise ConflictError("dispute.stale",
                            _("该纠纷已被他人修改（当前第%(v)s版），请刷新后重试。")
                            % {"v": dispute.version}, "expected_version")
    return dispute


def dispute_conclude(*, actor: User | None, dispute: Dispute, outcome: str,
                     concluded_on: date, terms: str = "", performance: str = "",
                     expected_version: int | None = None, on: date | None = None) -> Dispute:
    """Record the outcome: 调成 (with the agreement's terms), 未调成 or 转诉讼."""
    if outcome not in (Outcome.SETTLED, Outcome.FAILED, Outcome.LITIGATION):
        raise UserError("dispute.outcome", _("调解结果应为调成、未调成或转诉讼。"), "outcome")
    with transaction.atomic():
        dispute = _locked(dispute, expected_version)
        _require_handler(actor, dispute.committee)
        if dispute.outcome != Outcome.PENDING:
            raise UserError("dispute.concluded", _("该纠纷已办结（%(o)s），不能再次登记结果。")
                            % {"o": dispute.get_outcome_display()}, "outcome")
        _check_conclusion(outcome, concluded_on, dispute.received_on, terms, on or today())
        before = {"outcome": dispute.outcome, "concluded_on": None}
        dispute.outcome, dispute.concluded_on = outcome, concluded_on
        dispute.terms = terms.strip() if outcome == Outcome.SETTLED else ""
        dispute.performance = performance.strip()[:200] if outcome == Outcome.SETTLED else ""
        dispute.version += 1
        dispute.save()
        audit.record(actor, "dispute.conclude", dispute,
                     audit.diff(before, {"outcome": outcome, "concluded_on": concluded_on}))
    return dispute


def dispute_refer(*, actor: User | None, dispute: Dispute, to_level: str,
                  to_committee: Committee | None = None, reason: str, referred_on: date,
                  expected_version: int | None = None, on: date | None = None) -> Referral:
    """Hand a pending dispute one level up (to the parent committee) or down (to one of its
    children, named by `to_committee`)."""
    if not reason.strip():
        raise UserError("referral.reason", _("请填写移交理由。"), "reason")
    with transaction.atomic():
        dispute = _locked(dispute, expected_version)
        _require_handler(actor, dispute.committee)
        current = dispute.committee
        if dispute.outcome != Outcome.PENDING:
            raise UserError("referral.concluded", _("已办结的纠纷不能移交。"), "to_level")
        direction = rules.referral_direction(current.level, to_level)
        if direction is None:
            label = Level(to_level).label if to_level in Level.values else to_level
            raise UserError("referral.level",
                            _("不能从%(from)s移交到“%(to)s”：只能移交到相邻的上一级或下一级。")
                            % {"from": current.get_level_display(), "to": label}, "to_level")
        if direction == "up":
            target = current.parent
            if target is None or not target.active:
                raise UserError("referral.no_parent", _("%(c)s没有可接收的上一级调委会。")
                                % {"c": current}, "to_level")
        else:
            target = to_committee
            if target is None or target.parent_id != current.pk or not target.active:
                raise UserError("referral.child", _("请选择%(c)s下属的%(level)s调委会。")
                                % {"c": current, "level": Level(to_level).label},
                                "to_committee")
        if referred_on < dispute.received_on or referred_on > (on or today()):
            raise UserError("referral.date", _("移交日期应在受理日期与今天之间。"), "referred_on")
        referral = Referral.objects.create(dispute=dispute, from_committee=current,
                                           to_committee=target, referred_on=referred_on,
                                           reason=reason.strip()[:200])
        dispute.committee = target
        dispute.mediator = None  # the receiving committee assigns its own mediator
        dispute.version += 1
        dispute.save(update_fields=["committee", "mediator", "version"])
        audit.record(actor, "dispute.refer", dispute,
                     {"committee": [current.pk, target.pk], "direction": direction})
    return referral


def dispute_follow_up(*, actor: User | None, dispute: Dispute, visited_on: date,
                      performance: str, note: str = "", on: date | None = None) -> FollowUp:
    """回访 a settled dispute: is the agreement kept?"""
    with transaction.atomic():
        dispute = _locked(dispute, None)
        _require_handler(actor, dispute.committee)
        if dispute.outcome != Outcome.SETTLED:
            raise UserError("follow_up.not_settled", _("只有调成的纠纷需要回访。"), "visited_on")
        if performance not in Performance.values:
            raise UserError("follow_up.performance", _("履行情况无效。"), "performance")
        if visited_on < dispute.concluded_on or visited_on > (on or today()):
            raise UserError("follow_up.date", _("回访日期应在办结日期（%(d)s）与今天之间。")
                            % {"d": dispute.concluded_on}, "visited_on")
        follow_up = FollowUp.objects.create(dispute=dispute, visited_on=visited_on,
                                            performance=performance, note=note.strip()[:300])
        audit.record(actor, "dispute.follow_up", dispute,
                     {"visited_on": visited_on, "performance": performance})
    return follow_up
