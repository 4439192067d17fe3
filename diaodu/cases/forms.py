from django import forms
from django.utils.translation import gettext_lazy as _

from diaodu.core import clock
from diaodu.core.models import OrgUnit, UnitKind
from diaodu.core.text import PlainTextMixin

from .models import (
    Approval,
    ApprovalKind,
    CaseCategory,
    CaseKind,
    CaseSource,
    CaseStatus,
    Priority,
    Visit,
)
from .selectors import ApprovalFilters, CaseFilters

DATE = {"type": "date"}


def units():
    return OrgUnit.objects.filter(
        kind__in=[UnitKind.DEPARTMENT, UnitKind.STREET, UnitKind.COMMUNITY],
        active=True).order_by("path")


class CaseFilterForm(PlainTextMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("标题、内容或项目")}))
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *CaseStatus.choices])
    unit = forms.ModelChoiceField(label=_("单位"), required=False, empty_label=_("全部单位"),
                                  queryset=units())
    category = forms.ChoiceField(label=_("问题类别"), required=False,
                                 choices=[("", _("全部类别")), *CaseCategory.choices])
    kind = forms.ChoiceField(label=_("类型"), required=False,
                             choices=[("", _("全部类型")), *CaseKind.choices])
    overdue = forms.ChoiceField(label=_("逾期"), required=False,
                                choices=[("", _("不限")), ("1", _("已逾期")), ("0", _("未逾期"))])
    # A project's cases (links from other pages: /cases/?project=<id>); scoped by the selector.
    project = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def to_filters(self) -> CaseFilters:
        if not self.is_valid():
            return CaseFilters()
        d = self.cleaned_data
        return CaseFilters(q=d["q"], status=d["status"], category=d["category"],
                           kind=d["kind"], unit=d["unit"].pk if d["unit"] else None,
                           overdue={"1": True, "0": False}.get(d["overdue"]),
                           project=d["project"])


class AssignFields(PlainTextMixin, forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=units())
    co_units = forms.ModelMultipleChoiceField(label=_("配合单位"), queryset=units(),
                                              required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 5}))
    due_workdays = forms.IntegerField(label=_("办理时限（工作日）"), required=False, min_value=1,
                                      help_text=_("不填则按督办规则的默认时限。"))
    due_on = forms.DateField(label=_("或指定办结期限"), required=False,
                             widget=forms.DateInput(attrs=DATE))


class CaseCreateForm(AssignFields):
    kind = forms.ChoiceField(label=_("类型"), choices=CaseKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    detail = forms.CharField(label=_("具体内容"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("问题类别"), choices=CaseCategory.choices)
    source = forms.ChoiceField(label=_("来源"), choices=CaseSource.choices)
    priority = forms.ChoiceField(label=_("紧急程度"), choices=Priority.choices)
    field_order = ["kind", "title", "detail", "category", "source", "priority", "lead_unit",
                   "co_units", "due_workdays", "due_on"]

    def __init__(self, *args, may_assign: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_assign:
            for name in ("lead_unit", "co_units", "due_workdays", "due_on"):
                del self.fields[name]
        else:
            self.fields["lead_unit"].required = False


class AssignForm(AssignFields):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ReplyForm(PlainTextMixin, forms.Form):
    text = forms.CharField(label=_("回复内容"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("附件"), required=False,
                              help_text=_("PDF、图片、Word、Excel、OFD，单个不超过 10 MB。"))


class ResolveForm(ReplyForm):
    resolved_on = forms.DateField(label=_("办结日期"), widget=forms.DateInput(attrs=DATE))
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class VerifyForm(PlainTextMixin, forms.Form):
    passed = forms.TypedChoiceField(label=_("核查结果"), coerce=lambda v: v == "1",
                                    choices=[("1", _("通过")), ("0", _("退回"))])
    note = forms.CharField(label=_("核查意见"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(PlainTextMixin, forms.Form):
    note = forms.CharField(label=_("销号说明"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(PlainTextMixin, forms.Form):
    text = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(PlainTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("函件类型"), choices=[
        ("assign", _("交办函")), ("remind", _("提醒函")), ("supervise", _("督办函"))])


class VisitForm(PlainTextMixin, forms.Form):
    visited_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs=DATE))
    kind = forms.ChoiceField(label=_("类型"), choices=Visit.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    leaders = forms.CharField(label=_("带队及陪同领导"), max_length=300,
                              help_text=_("填写职务，如：区委书记、常务副区长"))
    projects = forms.ModelMultipleChoiceField(label=_("调研项目"), queryset=None,
                                              required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 6}))
    notes = forms.CharField(label=_("情况记录"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    instructions = forms.CharField(label=_("领导指示"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text=_("每行一条指示。"))

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects


class VisitEditForm(VisitForm):
    """The visit's record corrected; the instructions field only adds new ones."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructions"].label = _("补充领导指示")
        self.fields["instructions"].help_text = _(
            "每行一条，加在已记录的指示之后；已记录的指示不再修改。")


class InstructionCaseForm(PlainTextMixin, forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=units())
    due_workdays = forms.IntegerField(label=_("办理时限（工作日）"), required=False, min_value=1)
    category = forms.ChoiceField(label=_("问题类别"), choices=CaseCategory.choices)


def _quarters():
    return [("", _("全年")), ("1", _("一季度")), ("2", _("二季度")), ("3", _("三季度")),
            ("4", _("四季度"))]


class ApprovalFilterForm(PlainTextMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    quarter = forms.ChoiceField(label=_("季度"), required=False, choices=_quarters)
    kind = forms.ChoiceField(label=_("类型"), required=False,
                             choices=[("", _("全部类型")), *ApprovalKind.choices])

    def to_filters(self) -> ApprovalFilters:
        if not self.is_valid():
            return ApprovalFilters(year=clock.today().year)
        d = self.cleaned_data
        return ApprovalFilters(year=d["year"], quarter=int(d["quarter"]) if d["quarter"] else None,
                               kind=d["kind"])


class ApprovalForm(forms.Form):
    """登记审批事项: the item against its legal time limit (completed at once when known)."""

    item = forms.CharField(label=_("事项"), max_length=200)
    applicant = forms.CharField(label=_("申请单位"), max_length=200, required=False)
    project = forms.ModelChoiceField(label=_("项目"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=ApprovalKind.choices)
    received_on = forms.DateField(label=_("受理日期"), widget=forms.DateInput(attrs=DATE))
    time_limit = forms.IntegerField(
        label=_("法定时限（工作日）"), required=False, min_value=0, max_value=120,
        help_text=_(
            "不填则按类型默认：审批、核准 20 个工作日，备案 3 个工作日，告知性备案即时办结。"))
    completed_on = forms.DateField(label=_("办结日期"), required=False,
                                   widget=forms.DateInput(attrs=DATE))
    result = forms.ChoiceField(label=_("办理结果"), required=False,
                               choices=[("", "—"), *Approval.Result.choices])
    document_no = forms.CharField(label=_("批复文号"), max_length=100, required=False)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class ApprovalCompleteForm(forms.Form):
    """办结 an approval item: the date, the result and the document number."""

    completed_on = forms.DateField(label=_("办结日期"), widget=forms.DateInput(attrs=DATE))
    result = forms.ChoiceField(label=_("办理结果"), choices=Approval.Result.choices)
    document_no = forms.CharField(label=_("批复文号"), max_length=100, required=False)
