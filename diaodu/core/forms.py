"""Forms on shell pages look like unfold's own: the widget classes come from unfold."""

from django import forms
from unfold.widgets import CHECKBOX_CLASSES, INPUT_CLASSES, SELECT_CLASSES, TEXTAREA_CLASSES

from .text import plain_text_fields


def style_widget(widget: forms.Widget) -> None:
    if isinstance(widget, forms.HiddenInput):
        return
    if isinstance(widget, forms.CheckboxInput):
        classes = CHECKBOX_CLASSES
    elif isinstance(widget, forms.Select):
        classes = SELECT_CLASSES
    elif isinstance(widget, forms.Textarea):
        classes = TEXTAREA_CLASSES
    else:
        classes = INPUT_CLASSES
    widget.attrs["class"] = " ".join([*classes, widget.attrs.get("class", "")]).strip()


class ShellFormMixin:
    """Mix into a Form to give every visible widget unfold's look (and its text fields the
    one rule for free text: core/text.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_text_fields(self)
        for field in self.fields.values():
            style_widget(field.widget)
