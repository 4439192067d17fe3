"""Errors a user can fix. Views turn them into form/field messages, the API into 400/409."""

from django.http import Http404


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
    """A stale edit: someone else saved first. The message names what they changed."""

    status = 409


class NotFound(Http404):
    """Outside the user's scope or absent: the same answer, so nothing leaks."""
