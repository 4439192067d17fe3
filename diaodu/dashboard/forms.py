from django import forms
from django.utils.translation import gettext_lazy as _

from diaodu.core.forms import ShellFormMixin, style_widget

from . import scoring
from .models import WarningMetric
from .rules import METRICS


class RuleSetForm(ShellFormMixin, forms.Form):
    """One row of thresholds per metric; a new version is saved from the whole form."""

    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)

    def __init__(self, *args, current: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        by_metric = {r["metric"]: r for r in current or []}
        labels = dict(WarningMetric.choices)
        self.metric_rows = []
        for metric in METRICS:
            rule = by_metric.get(metric, {})
            row = {"metric": metric, "label": labels[metric], "fields": []}
            for name, label in (("enabled", _("启用")), ("amber", _("黄色阈值")),
                                ("red", _("红色阈值")), ("ahead", _("超前阈值")),
                                ("message", _("提示文字"))):
                key = f"{metric}__{name}"
                if name == "enabled":
                    field = forms.BooleanField(label=label, required=False,
                                               initial=metric in by_metric)
                elif name == "message":
                    field = forms.CharField(label=label, required=False, max_length=200,
                                            initial=rule.get("message", ""))
                elif name == "ahead" and metric != "completion_vs_time":
                    continue
                else:
                    field = forms.CharField(label=label, required=False, max_length=20,
                                            initial=rule.get(name) or "")
                self.fields[key] = field
                row["fields"].append(key)
            self.metric_rows.append(row)
        for f in self.fields.values():
            style_widget(f.widget)

    def rows(self):
        for row in self.metric_rows:
            yield {**row, "bound": [self[k] for k in row["fields"]]}

    def rules_data(self) -> list[dict]:
        data = self.cleaned_data
        result = []
        for metric, (comparison, _unit) in METRICS.items():
            if not data.get(f"{metric}__enabled"):
                continue
            result.append({"metric": metric, "comparison": comparison,
                           "amber": data.get(f"{metric}__amber") or None,
                           "red": data.get(f"{metric}__red") or None,
                           "ahead": data.get(f"{metric}__ahead") or None,
                           "message": data.get(f"{metric}__message", "")})
        return result


class SchemeForm(ShellFormMixin, forms.Form):
    top_group_size = forms.IntegerField(label=_("第一方阵名额"), min_value=1, max_value=100)
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)

    def __init__(self, *args, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in scoring.LABELS.items():
            self.fields[f"w_{key}"] = forms.CharField(
                label=label, max_length=4, required=False,
                initial=(current or {}).get(key, 0))
        for f in self.fields.values():
            style_widget(f.widget)

    def weights(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"w_{key}") or "0" for key in scoring.keys()}
