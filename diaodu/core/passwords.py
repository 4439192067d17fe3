"""Password rules beyond Django's own (AUTH_PASSWORD_VALIDATORS): character classes and no
reuse of the last few passwords (等保2.0 level 3)."""

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least `classes` of: upper case, lower case, digits, other characters."""

    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password, user=None):
        found = sum([
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ])
        if found < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)s类。") % {"n": self.classes}


class HistoryValidator:
    """Not the current password nor one of the `history` most recent ones."""

    def __init__(self, history: int | None = None):
        self.history = history or settings.PASSWORD_HISTORY

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory

        recent = list(PasswordHistory.objects.filter(user_id=user.pk)
                      .order_by("-created_at", "-id").values_list("password", flat=True)
                      [: self.history])
        if user.password:
            recent.append(user.password)
        if any(check_password(password, encoded) for encoded in recent if encoded):
            raise ValidationError(
                _("不能使用最近%(n)s次用过的密码。") % {"n": self.history}, code="password_reused")

    def get_help_text(self):
        return _("不能使用最近%(n)s次用过的密码。") % {"n": self.history}
