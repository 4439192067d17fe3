from django import forms
from django.utils.translation import gettext_lazy as _

from diaodu.core.models import User

DATETIME = {"type": "datetime-local"}


class PollForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("说明"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    candidates = forms.CharField(label=_("候选人（每行一名）"),
                                 widget=forms.Textarea(attrs={"rows": 5}))
    max_choices = forms.IntegerField(label=_("每票最多可选"), min_value=1, initial=1)
    opens_at = forms.DateTimeField(label=_("投票开始时间"),
                                   widget=forms.DateTimeInput(attrs=DATETIME))
    closes_at = forms.DateTimeField(label=_("投票截止时间"),
                                    widget=forms.DateTimeInput(attrs=DATETIME))
    voters = forms.ModelMultipleChoiceField(label=_("参加投票人员"), queryset=User.objects.none(),
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["voters"].queryset = people


class BallotForm(forms.Form):
    choices = forms.MultipleChoiceField(label=_("候选人"), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, poll=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices"].choices = [(c.pk, c.name) for c in poll.candidate_list]
        self.fields["choices"].help_text = _("最多可选%(n)s人；一人不选即为弃权。") % {
            "n": poll.max_choices}
