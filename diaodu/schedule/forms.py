from django import forms
from django.utils.translation import gettext_lazy as _

from diaodu.core.text import PlainTextMixin
from diaodu.projects.models import Campaign, Level, Stage
from diaodu.projects.selectors import ProjectFilters

from .models import Activity, ConstraintKind, LinkKind, MilestoneType, Rag, ScheduleTemplate
from .selectors import UNSCHEDULED

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityForm(PlainTextMixin, forms.Form):
    milestone_type = forms.ModelChoiceField(
        label=_("节点类型"), required=False, empty_label=_("（自定义）"),
        queryset=MilestoneType.objects.filter(active=True))
    name = forms.CharField(label=_("名称"), max_length=100, required=False,
                           help_text=_("留空则用节点类型名称。"))
    duration = forms.IntegerField(label=_("工期（工作日）"), required=False,
                                  help_text=_("0 表示里程碑；留空则用节点类型的默认工期。"))
    position = forms.IntegerField(label=_("序号"), required=False, min_value=0)
    is_key = forms.BooleanField(label=_("关键节点（显示在挂图作战图上）"), required=False)
    planned_start = forms.DateField(label=_("计划开始"), required=False, widget=DATE)
    planned_finish = forms.DateField(label=_("计划完成"), required=False, widget=DATE)
    actual_start = forms.DateField(label=_("实际开始"), required=False, widget=DATE)
    actual_finish = forms.DateField(label=_("实际完成"), required=False, widget=DATE)
    percent = forms.IntegerField(label=_("完成百分比"), required=False, initial=0)
    constraint_kind = forms.ChoiceField(label=_("约束"), required=False,
                                        choices=ConstraintKind.choices)
    constraint_date = forms.DateField(label=_("约束日期"), required=False, widget=DATE)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, activity: Activity | None = None, **kwargs):
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(activity, f) for f in (
                "name", "duration", "position", "is_key", "planned_start", "planned_finish",
                "actual_start", "actual_finish", "percent", "constraint_kind",
                "constraint_date")} | {"milestone_type": activity.milestone_type_id,
                                       "expected_version": activity.version}
        super().__init__(*args, **kwargs)
        if activity is None:
            # A new activity follows its milestone type (开工, 竣工验收 … are key nodes) unless
            # the user says otherwise; a plain checkbox could not tell "no" from "not asked".
            self.fields["is_key"] = forms.TypedChoiceField(
                label=self.fields["is_key"].label, required=False, empty_value=None,
                coerce=lambda value: value == "1",
                choices=[("", _("按节点类型")), ("1", _("是")), ("0", _("否"))])


class LinkForm(PlainTextMixin, forms.Form):
    predecessor = forms.ModelChoiceField(label=_("紧前节点"), queryset=Activity.objects.none())
    successor = forms.ModelChoiceField(label=_("紧后节点"), queryset=Activity.objects.none())
    kind = forms.ChoiceField(label=_("关系类型"), choices=LinkKind.choices, initial=LinkKind.FS)
    lag = forms.IntegerField(label=_("间隔（工作日）"), initial=0,
                             help_text=_("负数表示提前（搭接）。"))

    def __init__(self, *args, activities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activities is not None:
            self.fields["predecessor"].queryset = activities
            self.fields["successor"].queryset = activities


class ScheduleSettingsForm(PlainTextMixin, forms.Form):
    start_on = forms.DateField(label=_("计划起始日"), widget=DATE)
    target_finish = forms.DateField(label=_("目标完成日期"), required=False, widget=DATE,
                                    help_text=_("倒排工期：如“确保年底竣工”，填写 12 月 31 日。"))
    risk_float = forms.IntegerField(label=_("风险预警浮动时间（工作日）"), initial=5,
                                    min_value=0)
    fill_plan = forms.BooleanField(label=_("用预测填写计划"), required=False,
                                   help_text=_("尚无计划日期的节点以当前预测日期作为计划日期。"))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TemplateApplyForm(PlainTextMixin, forms.Form):
    template = forms.ModelChoiceField(label=_("进度模板"),
                                      queryset=ScheduleTemplate.objects.filter(active=True))
    start_on = forms.DateField(label=_("计划起始日"), widget=DATE)
    target_finish = forms.DateField(label=_("目标完成日期"), required=False, widget=DATE)


class BaselineForm(PlainTextMixin, forms.Form):
    name = forms.CharField(label=_("基线名称"), max_length=60)


class BoardFilterForm(PlainTextMixin, forms.Form):
    level = forms.ChoiceField(label=_("级别"), required=False,
                              choices=[("", _("全部级别")), *Level.choices])
    stage = forms.ChoiceField(label=_("阶段"), required=False,
                              choices=[("", _("全部阶段")), *Stage.choices])
    campaign = forms.ModelChoiceField(label=_("三个一批"), required=False,
                                      empty_label=_("不限"), queryset=Campaign.objects.all())
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *reversed(Rag.choices),
                                        (UNSCHEDULED, _("未排期"))])
    group = forms.ChoiceField(label=_("分组"), required=False,
                              choices=[("unit", _("按责任单位")), ("street", _("按属地街道"))])

    def to_filters(self) -> ProjectFilters:
        if not self.is_valid():
            return ProjectFilters()
        d = self.cleaned_data
        return ProjectFilters(level=d["level"], stage=d["stage"],
                              campaign=d["campaign"].pk if d["campaign"] else None)

    def group_by(self) -> str:
        return self.cleaned_data.get("group") or "unit" if self.is_valid() else "unit"

    def status_shown(self) -> str:
        """A project status (its worst key milestone) to show alone, or "" for all."""
        return self.cleaned_data.get("status", "") if self.is_valid() else ""
