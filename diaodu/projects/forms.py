from django import forms
from django.utils.translation import gettext_lazy as _

from diaodu.core.forms import ShellFormMixin
from diaodu.core.models import OrgUnit, UnitKind

from .models import Campaign, Category, Level, Stage
from .selectors import ProjectFilters


class ProjectFilterForm(ShellFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("项目名称或代码")}))
    level = forms.ChoiceField(label=_("级别"), required=False,
                              choices=[("", _("全部级别")), *Level.choices])
    stage = forms.ChoiceField(label=_("阶段"), required=False,
                              choices=[("", _("全部阶段")), *Stage.choices])
    unit = forms.ModelChoiceField(
        label=_("责任单位"), required=False, empty_label=_("全部责任单位"),
        queryset=OrgUnit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.STREET],
                                        active=True).order_by("path"))
    street = forms.ModelChoiceField(
        label=_("属地街道"), required=False, empty_label=_("全部街道"),
        queryset=OrgUnit.objects.filter(kind=UnitKind.STREET, active=True).order_by("path"))
    category = forms.ModelChoiceField(label=_("类别"), required=False,
                                      empty_label=_("全部类别"),
                                      queryset=Category.objects.filter(active=True))
    whitelist = forms.ChoiceField(label=_("白名单"), required=False,
                                  choices=[("", _("不限")), ("1", _("是")), ("0", _("否"))])
    campaign = forms.ModelChoiceField(label=_("三个一批"), required=False,
                                      empty_label=_("不限"), queryset=Campaign.objects.all())

    def to_filters(self) -> ProjectFilters:
        if not self.is_valid():
            return ProjectFilters()
        d = self.cleaned_data
        return ProjectFilters(
            q=d["q"], level=d["level"], stage=d["stage"],
            unit=d["unit"].pk if d["unit"] else None,
            street=d["street"].pk if d["street"] else None,
            category=d["category"].pk if d["category"] else None,
            whitelist={"1": True, "0": False}.get(d["whitelist"]),
            campaign=d["campaign"].pk if d["campaign"] else None,
        )


class StageChangeForm(ShellFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("目标阶段"), choices=Stage.choices)
    actual_start = forms.DateField(label=_("实际开工日期"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    actual_completion = forms.DateField(label=_("实际竣工日期"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("原因"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("阶段回退时必填。"))
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
