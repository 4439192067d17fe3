from django import forms
from django.utils.translation import gettext_lazy as _

from diaodu.core.forms import ShellFormMixin

from .models import Cadence


class ReportForm(ShellFormMixin, forms.Form):
    # Amounts are text so the service gives the precise Chinese message (negative, 3 decimals).
    completed_in_period = forms.CharField(label=_("本期完成投资（万元）"), max_length=20,
                                          widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    cumulative_completed = forms.CharField(label=_("开工累计完成（万元）"), max_length=20,
                                           widget=forms.TextInput(
                                               attrs={"inputmode": "decimal"}))
    physical_progress = forms.CharField(label=_("形象进度"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))
    issues = forms.CharField(label=_("存在问题"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(ShellFormMixin, forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("退回原因"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RoundOpenForm(ShellFormMixin, forms.Form):
    cadence = forms.ChoiceField(label=_("频次"), choices=Cadence.choices)
    period_start = forms.DateField(label=_("期间开始"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("期间结束"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    due_at = forms.DateTimeField(label=_("截止时间"),
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    title = forms.CharField(label=_("名称"), required=False, max_length=100)
    campaign_only = forms.BooleanField(label=_("仅三个一批项目"), required=False)


class RegisterForm(ShellFormMixin, forms.Form):
    registered_on = forms.DateField(label=_("入库日期"),
                                    widget=forms.DateInput(attrs={"type": "date"}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
