"""Forms of the duty pages. They parse input; the services decide what is acceptable."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diaodu.core.models import OrgUnit, UnitKind

from .models import DrillMode, DutyPerson, Level, TracingMember

DATE = {"type": "date"}


class RosterGenerateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=OrgUnit.objects.none(),
                                  required=False, empty_label=_("全部可管理单位"))
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs=DATE))
    staff_per_shift = forms.IntegerField(label=_("每班值班人数"), min_value=0, initial=2)
    holiday_staff = forms.IntegerField(label=_("节假日每班人数"), min_value=0, required=False,
                                       help_text=_("留空则与平日相同"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class HandoverForm(forms.Form):
    events = forms.CharField(label=_("值班情况"), widget=forms.Textarea(attrs={"rows": 3}))
    calls = forms.IntegerField(label=_("接听电话"), initial=0)
    open_items = forms.CharField(label=_("待办事项"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))


class SwapForm(forms.Form):
    from_person = forms.ModelChoiceField(label=_("原值班人"), queryset=DutyPerson.objects.none())
    to_person = forms.ModelChoiceField(label=_("替班人"), queryset=DutyPerson.objects.none())
    reason = forms.CharField(label=_("事由"), max_length=200)

    def __init__(self, *args, on_shift=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if on_shift is not None:
            self.fields["from_person"].queryset = on_shift
        if people is not None:
            self.fields["to_person"].queryset = people


class SpotCheckForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("被查单位"), queryset=OrgUnit.objects.none())
    window_minutes = forms.IntegerField(label=_("应答时限（分钟）"), initial=10)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class HolidayExportForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs=DATE))
    unit = forms.ModelChoiceField(label=_("单位"), queryset=OrgUnit.objects.none(),
                                  required=False, empty_label=_("全部单位"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class WarningForm(forms.Form):
    level = forms.ChoiceField(label=_("预警等级"), choices=Level.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class DrillForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("组织单位"), queryset=OrgUnit.objects.none())
    held_on = forms.DateField(label=_("演练日期"), widget=forms.DateInput(attrs=DATE))
    mode = forms.ChoiceField(label=_("演练形式"), choices=DrillMode.choices)
    units = forms.ModelMultipleChoiceField(label=_("参演单位"), required=False,
                                           queryset=OrgUnit.objects.none())
    participants = forms.IntegerField(label=_("参演人数"))
    duration_minutes = forms.IntegerField(label=_("时长（分钟）"))
    summary = forms.CharField(label=_("演练情况"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label=_("发现问题"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("每行一条，由组织单位整改"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        self.fields["units"].queryset = OrgUnit.objects.filter(
            kind__in=[UnitKind.DEPARTMENT, UnitKind.STREET], active=True).order_by("path")

    def finding_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("findings", "").splitlines()
                if line.strip()]


class ActivationForm(forms.Form):
    title = forms.CharField(label=_("事件"), max_length=200)
    groups_needed = forms.IntegerField(label=_("调用小组数"), initial=2)


class MemberStatusForm(forms.Form):
    member = forms.ModelChoiceField(label=_("队员"), queryset=TracingMember.objects.none())
    status = forms.ChoiceField(label=_("待命状态"), choices=TracingMember.Status.choices)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members
