"""Permission-matrix rows and argument builders for 人民调解, the legal network and 无记名投票
(tests/permissions.py takes them in). `own` objects sit in street A, `other` in street B."""

from datetime import date, datetime, timedelta

from django.utils import timezone

OK, NOT_FOUND, REDIRECT = 200, 404, 302
SEE_ALL = {"dispatcher", "stats_user", "leader"}
SEE_OWN = {"street_a_reporter", "street_a_head"}
ALL_ROLES = {"street_a_reporter", "street_a_head", "dispatcher", "stats_user", "leader",
             "taskforce_member", "sysadmin", "secadmin", "auditor"}


def viewers(role, which):
    """Pages of the register: roles that see disputes at all (the DRC, leaders and statistics
    all of them, masked; a street its own)."""
    return OK if role in SEE_ALL | SEE_OWN else NOT_FOUND


def per_object(own_ok=OK):
    def expect(role, which):
        if role in SEE_ALL or (role in SEE_OWN and which == "own"):
            return own_ok
        return NOT_FOUND
    return expect


def handler_of_own(role, which):
    return OK if role in SEE_OWN and which == "own" else NOT_FOUND


def everyone(role, which):
    return OK


ROWS = {
    "mediation:list": ("mediation_setup", viewers),
    "mediation:stats": ("mediation_setup", viewers),
    # Set up for the other street only, street A's people have no committee to write to.
    "mediation:create": ("mediation_setup", handler_of_own),
    "mediation:detail": ("dispute", per_object()),
    "mediation:act": ("dispute_act", per_object(REDIRECT)),
    "mediation:agreement": ("settled_dispute", handler_of_own),
    "mediation:export": ("mediation_export", viewers),
    "mediation:committees": (None, everyone),
    "mediation:network": (None, everyone),
    "mediation:directory": (None, everyone),
    "admin:mediation_committee_changelist": (None, everyone),
    "admin:mediation_mediator_changelist": (None, everyone),
    "admin:mediation_legalplace_changelist": (None, everyone),
    "admin:mediation_adviser_changelist": (None, everyone),
    "admin:mediation_assignment_changelist": (None, everyone),
    "admin:mediation_liaison_changelist": (None, everyone),
    "admin:mediation_committee_change": ("committee", everyone),
    "votes:list": (None, everyone),
    "votes:create": (None, lambda role, which: OK if role == "street_a_head" else NOT_FOUND),
    "votes:detail": ("poll", per_object()),
    "votes:cast": ("poll", per_object(REDIRECT)),
    "votes:close": ("poll", per_object(REDIRECT)),
    "votes:results": ("poll", per_object()),
    "votes:export": ("poll", per_object()),
}


def _committee(unit):
    from diaodu.core.models import OrgUnit
    from diaodu.mediation import services
    from diaodu.mediation.models import Committee

    found = Committee.objects.filter(unit=unit).first()
    if found:
        return found
    district = OrgUnit.objects.get(path=unit.path[:OrgUnit.steplen])
    top = Committee.objects.filter(level="district").first() or services.committee_create(
        actor=None, name="区人民调解委员会", level="district", unit=district)
    return services.committee_create(actor=None, name=f"{unit.name}人民调解委员会",
                                     level="street", unit=unit, parent=top)


def _dispute(unit, settled=False):
    from decimal import Decimal

    from diaodu.mediation import services
    from diaodu.mediation.services import DisputeData, PartyData

    dispute = services.dispute_register(actor=None, on=date(2022, 3, 31), data=DisputeData(
        committee=_committee(unit), category="neighbour", summary="噪音", amount=Decimal(1),
        received_on=date(2022, 3, 1), parties=[PartyData("applicant", "张三"),
                                                PartyData("respondent", "李四")]))
    if settled:
        dispute = services.dispute_conclude(actor=None, dispute=dispute, outcome="settled",
                                            concluded_on=date(2022, 3, 2), terms="和解",
                                            on=date(2022, 3, 31))
    return dispute


def _poll(unit):
    from diaodu.votes import services

    opens = timezone.make_aware(datetime(2022, 1, 20, 9))
    from tests.factories import UserFactory

    # A roll of the unit's own member only, so no role under test is on it by chance.
    voters = [UserFactory(username=f"voter-{unit.pk}", unit=unit, role="reporter")]
    poll = services.poll_create(actor=None, unit=unit, title="评选", candidates=["甲", "乙"],
                                max_choices=1, opens_at=opens,
                                closes_at=opens + timedelta(hours=2), voters=voters)
    return services.poll_close(actor=None, poll=poll, now=opens + timedelta(hours=3))


def build(kind, project):
    """Arguments of a URL for `project`'s street (its responsible unit)."""
    unit = project.responsible_unit
    if kind == "mediation_setup":
        _committee(unit)
        return []
    if kind == "mediation_export":
        _committee(unit)
        return ["disputes"]
    if kind == "committee":
        return [_committee(unit).pk]
    if kind == "dispute":
        return [_dispute(unit).pk]
    if kind == "dispute_act":
        return [_dispute(unit).pk, "conclude"]
    if kind == "settled_dispute":
        return [_dispute(unit, settled=True).pk]
    return [_poll(unit).pk]


BUILDS = {"mediation_setup", "mediation_export", "committee", "dispute", "dispute_act",
          "settled_dispute", "poll"}
