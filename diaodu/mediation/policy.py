"""Who may do what in the mediation register and the legal network (STYLE.md: one policy per
workflow). Pure: decisions from the actor's role and units' tree paths, no queries."""

from diaodu.core.roles import Role, role_of

# Who keeps the reference data (committees, mediators, the legal network) for the district.
REFERENCE_EDITORS = frozenset({Role.DISPATCHER})
# Roles that work cases in their own unit (reporter) or their unit's subtree (unit head).
CASE_WORKERS = frozenset({Role.REPORTER, Role.UNIT_HEAD})
# Who may import a 矛盾纠纷排查台账 through the ledger import: those who register disputes,
# each into the committees they handle.
SCREENING_IMPORTERS = CASE_WORKERS


def handles(user, unit) -> bool:
    """Whether `user` works the disputes of a committee sitting in `unit`: a reporter of that
    very unit, or a unit head of it or a unit above it. They see parties unmasked; everyone
    else who may see the dispute sees them masked."""
    if user is None or unit is None or not getattr(user, "unit_id", None):
        return False
    role = role_of(user)
    if role == Role.REPORTER:
        return user.unit_id == unit.pk
    if role == Role.UNIT_HEAD:
        return unit.path.startswith(user.unit.path)
    return False


def may_edit_reference(user) -> bool:
    return user is None or role_of(user) in REFERENCE_EDITORS
