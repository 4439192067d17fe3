from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from diaodu.core.text import PlainTextMixin


class TokenForm(PlainTextMixin, forms.Form):
    name = forms.CharField(label=_("用途"), max_length=60,
                           help_text=_("例如：统计局数据对接"))
    days = forms.IntegerField(label=_("有效期（天）"), min_value=1,
                              max_value=settings.API_TOKEN_MAX_DAYS, initial=30)
