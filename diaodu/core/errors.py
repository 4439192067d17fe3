"""Errors a user can fix. Views turn them into form/field messages (403 for Forbidden), the API
into 400/403/409 by their `status`. The classes live in the pure core/user_errors.py."""

from django.http import Http404

from .user_errors import ConflictError, Forbidden, UserError

__all__ = ["ConflictError", "Forbidden", "NotFound", "UserError"]


class NotFound(Http404):
    """Outside the user's scope or absent: the same answer, so nothing leaks."""
