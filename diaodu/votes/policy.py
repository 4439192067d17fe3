"""Who may organise a poll (STYLE.md: one policy per workflow). Voting itself is decided by
the roll (services.ballot_cast), not by role."""

from diaodu.core.roles import Role, role_of


def may_organise(user, unit) -> bool:
    """A unit head organises the polls of their unit and the units below it."""
    if user is None:
        return True  # the system (demo loader, tests' set-up)
    if role_of(user) != Role.UNIT_HEAD or not getattr(user, "unit_id", None) or unit is None:
        return False
    return unit.path.startswith(user.unit.path)
