"""Errors a user can fix or must accept, without Django, so pure modules (the policies, rules)
can raise them. core/errors.py re-exports them beside NotFound; import them from there outside
pure code.

Statuses: 400 for input to fix, 409 for a stale edit, 403 for a step the actor's role or place
may not take. Pages and the API read `status`; nobody matches on codes."""

from collections.abc import Callable


def _as_is(text: str) -> str:
    return text


# Puts a policy's msgid into the active language when a Forbidden is raised. Pure code cannot
# call gettext; core.apps sets this to it at start-up (until then, the msgid as written).
translate: Callable[[str], str] = _as_is


class UserError(Exception):
    """A refused input: a stable code, a Chinese message, and the field (or row) it concerns."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None, row: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.row = row

    def __str__(self) -> str:
        where = f"[{self.field}] " if self.field else ""
        return f"{where}{self.message}"


class ConflictError(UserError):
    """A stale edit: someone else saved first. The message names who and what they changed."""

    status = 409


class Forbidden(UserError):
    """The actor's role, unit or the object's state does not allow this step (a policy's
    refusal). `message` is a msgid (pure code marks it with gettext_noop), put into words
    here."""

    status = 403

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(code, translate(message), field)
