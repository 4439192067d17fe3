"""ShellFormMixin shapes a form class's fields once: every instance starts with unfold's
classes and the free-text rule, never twice, and each instance's widgets are its own."""

from django import forms
from unfold.widgets import INPUT_CLASSES, TEXTAREA_CLASSES

from diaodu.core.forms import ShellFormMixin, style_widget
from diaodu.core.text import LONG_TEXT_MAX, validate_plain_text
from diaodu.investment.forms import ReportForm


class _Note(ShellFormMixin, forms.Form):
    title = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"class": "own"}))
    body = forms.CharField(widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)


class _LongNote(_Note):  # shares _Note's field objects (Django's declared fields)
    extra = forms.CharField(required=False)


def _classes(form, name):
    return form.fields[name].widget.attrs.get("class", "").split()


def test_each_instance_has_the_classes_once_and_the_text_rule():
    for form in (_Note(), _Note(), _LongNote(), _LongNote(), _Note()):
        assert _classes(form, "title") == [*" ".join(INPUT_CLASSES).split(), "own"]
        assert _classes(form, "body") == " ".join(TEXTAREA_CLASSES).split()
        assert _classes(form, "version") == []  # hidden: not styled
        assert form.fields["title"].validators.count(validate_plain_text) == 1
        assert form.fields["body"].max_length == LONG_TEXT_MAX
        assert form.fields["body"].widget.attrs["maxlength"] == str(LONG_TEXT_MAX)
    assert _classes(_LongNote(), "extra") == " ".join(INPUT_CLASSES).split()


def test_an_instances_widgets_are_its_own():
    one, two = _Note(), _Note()
    one.fields["title"].widget.attrs["class"] += " changed"
    one.fields["title"].validators.append(str)
    assert "changed" not in _classes(two, "title") and "changed" not in _classes(_Note(), "title")
    assert str not in _Note().fields["title"].validators


def test_the_rules_hold_on_submitted_data():
    form = ReportForm({"completed_in_period": "1.00", "cumulative_completed": "2.00",
                       "physical_progress": "主体\x07施工", "issues": "字" * (LONG_TEXT_MAX + 1),
                       "expected_version": 1})
    assert not form.is_valid()
    assert set(form.errors) == {"physical_progress", "issues"}


def test_style_widget_twice_changes_nothing():
    widget = forms.TextInput(attrs={"class": "own"})
    style_widget(widget)
    once = widget.attrs["class"]
    style_widget(widget)
    assert widget.attrs["class"] == once and once.endswith("own")
