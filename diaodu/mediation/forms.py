from django import forms
from django.utils.translation import gettext_lazy as _

from diaodu.core.models import OrgUnit, UnitKind

from .models import Category, Committee, Level, Outcome, PartyKind, Performance
from .selectors import DisputeFilters

DATE = {"type": "date"}
YEARS = range(2019, 2031)


class DisputeFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("纠纷情况或排查编号")}))
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None,
                                  choices=[("", _("全部年度")), *((y, y) for y in YEARS)])
    month = forms.TypedChoiceField(label=_("月份"), required=False, coerce=int, empty_value=None,
                                   choices=[("", _("全部月份")),
                                            *((m, f"{m}月") for m in range(1, 13))])
    outcome = forms.ChoiceField(label=_("调解结果"), required=False,
                                choices=[("", _("全部结果")), *Outcome.choices])
    category = forms.ChoiceField(label=_("纠纷类型"), required=False,
                                 choices=[("", _("全部类型")), *Category.choices])
    level = forms.ChoiceField(label=_("层级"), required=False,
                              choices=[("", _("全部层级")), *Level.choices])
    street = forms.ModelChoiceField(
        label=_("街道"), required=False, empty_label=_("全部街道"),
        queryset=OrgUnit.objects.filter(kind=UnitKind.STREET).order_by("sort", "code"))

    def to_filters(self) -> DisputeFilters:
        if not self.is_valid():
            return DisputeFilters()
        d = self.cleaned_data
        return DisputeFilters(q=d["q"], year=d["year"], month=d["month"], outcome=d["outcome"],
                              category=d["category"], level=d["level"],
                              street=d["street"].pk if d["street"] else None)


class DisputeForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("受理调委会"), queryset=Committee.objects.none())
    category = forms.ChoiceField(label=_("纠纷类型"), choices=Category.choices)
    received_on = forms.DateField(label=_("受理日期"), widget=forms.DateInput(attrs=DATE))
    summary = forms.CharField(label=_("纠纷简要情况"), widget=forms.Textarea(attrs={"rows": 3}))
    # Text, not a number field: the service reads “万元” and refuses “元” with a clear message.
    amount = forms.CharField(label=_("涉及金额（万元）"), required=False, max_length=30)
    applicant_name = forms.CharField(label=_("申请人"), max_length=100)
    applicant_kind = forms.ChoiceField(label=_("申请人主体类型"), choices=PartyKind.choices)
    applicant_phone = forms.CharField(label=_("申请人联系电话"), required=False, max_length=30)
    applicant_address = forms.CharField(label=_("申请人住所"), required=False, max_length=200)
    respondent_name = forms.CharField(label=_("被申请人"), max_length=100)
    respondent_kind = forms.ChoiceField(label=_("被申请人主体类型"), choices=PartyKind.choices)
    respondent_phone = forms.CharField(label=_("被申请人联系电话"), required=False, max_length=30)
    respondent_address = forms.CharField(label=_("被申请人住所"), required=False, max_length=200)

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees if committees is not None \
            else Committee.objects.none()


class ConcludeForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("调解结果"), choices=[
        c for c in Outcome.choices if c[0] != Outcome.PENDING])
    concluded_on = forms.DateField(label=_("办结日期"), widget=forms.DateInput(attrs=DATE))
    terms = forms.CharField(label=_("协议内容（每行一条）"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    performance = forms.CharField(label=_("履行方式及期限"), required=False, max_length=200)


class ReferForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    to_level = forms.ChoiceField(label=_("移交至"), choices=Level.choices)
    to_committee = forms.ModelChoiceField(label=_("接收调委会（下交时选择）"), required=False,
                                          queryset=Committee.objects.none())
    referred_on = forms.DateField(label=_("移交日期"), widget=forms.DateInput(attrs=DATE))
    reason = forms.CharField(label=_("移交理由"), max_length=200)

    def __init__(self, *args, children=None, **kwargs):
        super().__init__(*args, **kwargs)
        if children is not None:
            self.fields["to_committee"].queryset = children


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label=_("回访日期"), widget=forms.DateInput(attrs=DATE))
    performance = forms.ChoiceField(label=_("履行情况"), choices=Performance.choices)
    note = forms.CharField(label=_("回访情况"), required=False, max_length=300)


class StatsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=[(y, y) for y in YEARS])
    month = forms.TypedChoiceField(label=_("月份"), required=False, coerce=int, empty_value=None,
                                   choices=[("", _("全年")),
                                            *((m, f"{m}月") for m in range(1, 13))])
