"""Reads of the mediation register and the legal network for users, scoped through
core.scoping. Party data leaves here already masked unless the user handles the case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from diaodu.core.errors import NotFound
from diaodu.core.models import OrgUnit, UnitKind
from diaodu.core.money import quantize_wan
from diaodu.core.roles import Role, role_of
from diaodu.core.scoping import may_see, scope_for

from . import policy, rules
from .models import (
    Assignment,
    Category,
    Committee,
    Dispute,
    LegalPlace,
    Level,
    Liaison,
    Mediator,
    Outcome,
    Party,
    PartyKind,
    PlaceKind,
    Referral,
)


def _scoped(user, model) -> QuerySet:
    """scope_for without duplicates (a dispute can reach a user through two committees)."""
    return model._default_manager.filter(pk__in=scope_for(user, model).values("pk"))


@dataclass(frozen=True)
class DisputeFilters:
    year: int | None = None
    month: int | None = None
    outcome: str = ""
    category: str = ""
    level: str = ""
    street: int | None = None
    q: str = ""


def dispute_list(*, user, filters: DisputeFilters | None = None) -> QuerySet[Dispute]:
    """The disputes `user` may see (人民调解登记), newest first."""
    f = filters or DisputeFilters()
    qs = _scoped(user, Dispute).select_related(
        "committee", "committee__unit", "committee__street", "mediator")
    if f.year:
        qs = qs.filter(year=f.year)
    if f.month:
        qs = qs.filter(received_on__month=f.month)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.level:
        qs = qs.filter(committee__level=f.level)
    if f.street:
        qs = qs.filter(committee__street_id=f.street)
    if f.q.strip():
        qs = qs.filter(Q(summary__icontains=f.q.strip()) | Q(screening_ref=f.q.strip()))
    return qs.order_by("-year", "-serial")


@dataclass
class PartyView:
    """A party as the user may see it."""

    side: str
    side_label: str
    kind_label: str
    name: str
    phone: str
    address: str


def party_views(parties, *, unmasked: bool) -> list[PartyView]:
    views = []
    for p in parties:
        org = p.kind == PartyKind.ORGANISATION
        views.append(PartyView(
            p.side, p.get_side_display(), p.get_kind_display(),
            p.name if unmasked else rules.mask_name(p.name, organisation=org),
            p.phone if unmasked else rules.mask_phone(p.phone),
            p.address if unmasked else rules.mask_address(p.address)))
    return views


def with_parties(user, disputes) -> list[Dispute]:
    """Attach `party_list` (masked as the user may see them) and `handled` to each dispute;
    the parties come in one query for the whole page."""
    disputes = list(disputes)
    by_dispute: dict[int, list[Party]] = {}
    for party in Party.objects.filter(dispute__in=[d.pk for d in disputes]).order_by(
            "dispute_id", "side", "id"):
        by_dispute.setdefault(party.dispute_id, []).append(party)
    for d in disputes:
        d.handled = policy.handles(user, d.committee.unit)
        d.party_list = party_views(by_dispute.get(d.pk, []), unmasked=d.handled)
    return disputes


def dispute_get(*, user, pk) -> Dispute:
    """One dispute with its parties (masked unless handled), referrals and follow-ups."""
    try:
        dispute = _scoped(user, Dispute).select_related(
            "committee", "committee__unit", "committee__parent", "received_by", "mediator",
        ).prefetch_related(
            Prefetch("referrals", to_attr="referral_list",
                     queryset=Referral.objects.select_related(
                         "from_committee", "to_committee")),
            "follow_ups").get(pk=pk)
    except (Dispute.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    return with_parties(user, [dispute])[0]


def handled_dispute_get(*, user, pk) -> Dispute:
    """A dispute the user handles (writes, the agreement document); else NotFound."""
    dispute = dispute_get(user=user, pk=pk)
    if not dispute.handled:
        raise NotFound
    return dispute


def committees_for(user) -> QuerySet[Committee]:
    """The active committees whose disputes `user` handles (where they may register)."""
    # The query form of policy.handles (tests check that the two agree).
    qs = Committee.objects.filter(active=True).select_related("unit")
    role = role_of(user)
    if role == Role.REPORTER and getattr(user, "unit_id", None):
        return qs.filter(unit_id=user.unit_id)
    if role == Role.UNIT_HEAD and getattr(user, "unit_id", None):
        return qs.filter(unit__path__startswith=user.unit.path)
    return qs.none()


def committee_list(*, user) -> QuerySet[Committee]:
    return scope_for(user, Committee).select_related("unit", "parent").annotate(
        mediator_count=Count("mediators", filter=Q(mediators__active=True)),
        gold_count=Count("mediators", filter=Q(mediators__active=True, mediators__gold=True)))


def mediator_list(*, user, gold: bool | None = None) -> QuerySet[Mediator]:
    qs = scope_for(user, Mediator).select_related("committee").filter(active=True)
    if gold is not None:
        qs = qs.filter(gold=gold)
    return qs


# ------------------------------------------------------------------------------ statistics

@dataclass
class StatRow:
    key: str
    label: str
    total: int = 0
    settled: int = 0
    failed: int = 0
    litigation: int = 0
    pending: int = 0
    amount: Decimal = field(default_factory=lambda: Decimal("0.00"))

    @property
    def rate(self) -> Decimal | None:
        """调解成功率 = 调成 ÷ 已办结 (pending ones are not judged yet)."""
        done = self.settled + self.failed + self.litigation
        if not done:
            return None
        return (Decimal(self.settled) * 100 / done).quantize(Decimal("0.1"))


_COUNTS = {
    "total": Count("pk"),
    "settled": Count("pk", filter=Q(outcome=Outcome.SETTLED)),
    "failed": Count("pk", filter=Q(outcome=Outcome.FAILED)),
    "litigation": Count("pk", filter=Q(outcome=Outcome.LITIGATION)),
    "pending": Count("pk", filter=Q(outcome=Outcome.PENDING)),
    "amount_sum": Sum("amount"),
}


def _rows(qs, key: str, labels: dict) -> list[StatRow]:
    """One row per value of `key`, in the order of `labels` (unknown values last)."""
    order = list(labels)
    grouped = sorted(qs.values(key).annotate(**_COUNTS).order_by(key),
                     key=lambda v: order.index(v[key]) if v[key] in order else len(order))
    return [StatRow(key=str(v[key] or ""), label=str(labels.get(v[key], v[key] or "")),
                    total=v["total"], settled=v["settled"], failed=v["failed"],
                    litigation=v["litigation"], pending=v["pending"],
                    amount=quantize_wan(v["amount_sum"])) for v in grouped]


def _total(rows: list[StatRow]) -> StatRow:
    total = StatRow("", "")
    for row in rows:
        for name in ("total", "settled", "failed", "litigation", "pending"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.amount += row.amount
    return total


@dataclass
class Statistics:
    year: int
    month: int | None
    by_level: list[StatRow]
    by_street: list[StatRow]
    by_category: list[StatRow]
    by_month: list[StatRow]
    total: StatRow
    gold_mediators: int


def dispute_stats(*, user, year: int, month: int | None = None) -> Statistics:
    """调解统计 of the disputes `user` may see received in `year` (or one month of it): by
    level, street, category and month, with 调成 counts and 涉及金额."""
    qs = _scoped(user, Dispute).filter(year=year)
    if month:
        qs = qs.filter(received_on__month=month)
    streets = {None: _district_label()} | {
        u.pk: u.short_name or u.name
        for u in OrgUnit.objects.filter(kind=UnitKind.STREET).order_by("sort", "code")}
    by_street = _rows(qs, "committee__street", streets)
    for row in by_street:
        row.key = row.key or "district"
    months = {m: f"{m}月" for m in range(1, 13)}
    by_level = _rows(qs, "committee__level", dict(Level.choices))
    return Statistics(
        year=year, month=month, by_level=by_level,
        by_street=by_street,
        by_category=_rows(qs, "category", dict(Category.choices)),
        by_month=_rows(qs.annotate(m=_month()), "m", months),
        total=_total(by_level),
        gold_mediators=scope_for(user, Mediator).filter(active=True, gold=True).count())


def _month():
    from django.db.models.functions import ExtractMonth

    return ExtractMonth("received_on")


def _district_label() -> str:
    from django.utils.translation import gettext

    return gettext("区级")


# ------------------------------------------------------------------------- legal network

@dataclass
class CommunityEntry:
    unit: OrgUnit
    room: LegalPlace | None
    advisers: list
    liaisons: list


@dataclass
class StreetEntry:
    unit: OrgUnit
    station: LegalPlace | None
    communities: list[CommunityEntry]


@dataclass
class Directory:
    centre: LegalPlace | None
    streets: list[StreetEntry]
    counts: dict[str, int]


def directory(*, user, on: date) -> Directory:
    """公共法律服务名录 as of `on`: the centre, each street's station and each community's
    room, advisers serving on that day and 法律明白人. Five queries whatever the size."""
    places = list(scope_for(user, LegalPlace).filter(active=True).select_related("unit"))
    assignments = scope_for(user, Assignment).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on,
        adviser__active=True).select_related("adviser")
    liaisons = scope_for(user, Liaison).filter(active=True)
    units = list(OrgUnit.objects.filter(
        kind__in=(UnitKind.STREET, UnitKind.COMMUNITY), active=True).order_by("path"))
    if not may_see(user, LegalPlace):
        units = []
    advisers: dict[int, list] = {}
    for a in assignments:
        advisers.setdefault(a.community_id, []).append(a.adviser)
    people: dict[int, list] = {}
    for person in liaisons:
        people.setdefault(person.community_id, []).append(person)
    by_unit = {(p.kind, p.unit_id): p for p in places}
    streets: list[StreetEntry] = []
    for unit in units:
        if unit.kind == UnitKind.STREET:
            streets.append(StreetEntry(unit, by_unit.get((PlaceKind.STATION, unit.pk)), []))
        elif streets and unit.path.startswith(streets[-1].unit.path):
            streets[-1].communities.append(CommunityEntry(
                unit, by_unit.get((PlaceKind.ROOM, unit.pk)), advisers.get(unit.pk, []),
                people.get(unit.pk, [])))
    centre = next((p for p in places if p.kind == PlaceKind.CENTRE), None)
    counts = {kind: sum(1 for p in places if p.kind == kind) for kind in PlaceKind.values}
    counts["advisers"] = len({a.pk for group in advisers.values() for a in group})
    counts["liaisons"] = sum(len(group) for group in people.values())
    return Directory(centre, streets, counts)


def coverage(*, user, on: date) -> list[tuple[rules.Gap, OrgUnit]]:
    """The network's gaps on `on` (rules.coverage_gaps), each with its unit."""
    book = directory(user=user, on=on)
    streets = [s.unit for s in book.streets]
    communities = [c.unit for s in book.streets for c in s.communities]
    gaps = rules.coverage_gaps(
        streets=[u.pk for u in streets], communities=[u.pk for u in communities],
        stations={s.unit.pk for s in book.streets if s.station},
        rooms={c.unit.pk for s in book.streets for c in s.communities if c.room},
        advised={c.unit.pk for s in book.streets for c in s.communities if c.advisers},
        liaised={c.unit.pk for s in book.streets for c in s.communities if c.liaisons})
    units = {u.pk: u for u in streets + communities}
    return [(gap, units[gap.unit_id]) for gap in gaps]
