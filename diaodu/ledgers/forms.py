from django import forms
from django.utils.translation import gettext_lazy as _

from diaodu.core.forms import ShellFormMixin
from diaodu.investment.models import Cadence, ReportingRound

from .models import ImportKind, MappingProfile


class UploadForm(ShellFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("台账类型"), choices=ImportKind.choices)
    file = forms.FileField(label=_("文件（xlsx、xls、ods 或 csv）"))
    profile = forms.ModelChoiceField(label=_("表头映射方案"), required=False,
                                     queryset=MappingProfile.objects.none(),
                                     empty_label=_("自动识别"))
    year = forms.IntegerField(label=_("计划年度（文件中无“年度”列时）"), required=False,
                              min_value=2000, max_value=2100)
    round = forms.ModelChoiceField(label=_("调度轮次（文件中无“填报月份”列时）"), required=False,
                                   queryset=ReportingRound.objects.none())
    submit = forms.BooleanField(label=_("导入进度后直接提交审核"), required=False, initial=True)

    def __init__(self, *args, kinds=(), profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ImportKind(k).label) for k in kinds]
        if profiles is not None:
            self.fields["profile"].queryset = profiles
        rounds = ReportingRound.objects.filter(cadence=Cadence.MONTHLY)
        self.fields["round"].queryset = rounds
        # One query each on every database (ModelChoiceField iterates lazily otherwise).
        self.fields["round"].choices = [("", "---------")] + [
            (r.pk, r.title) for r in rounds.order_by("-period_end")[:24]]
        self.fields["profile"].choices = [("", self.fields["profile"].empty_label)] + [
            (p.pk, p.name) for p in self.fields["profile"].queryset]
