"""Forms on shell pages look like unfold's own (the widget classes come from unfold), and a
service's UserError lands on the field it names (put_error, run_service, ServiceFormMixin)."""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from unfold.widgets import CHECKBOX_CLASSES, INPUT_CLASSES, SELECT_CLASSES, TEXTAREA_CLASSES

from .errors import Forbidden, UserError
from .text import plain_text


def style_widget(widget: forms.Widget) -> None:
    """Give `widget` unfold's classes for its kind, once (a widget already given them keeps
    its classes as they are)."""
    if isinstance(widget, forms.HiddenInput) or getattr(widget, "_shell_styled", False):
        return
    widget._shell_styled = True  # type: ignore[attr-defined]  # copied with the widget
    if isinstance(widget, forms.CheckboxInput):
        classes = CHECKBOX_CLASSES
    elif isinstance(widget, forms.Select):
        classes = SELECT_CLASSES
    elif isinstance(widget, forms.Textarea):
        classes = TEXTAREA_CLASSES
    else:
        classes = INPUT_CLASSES
    widget.attrs["class"] = " ".join([*classes, widget.attrs.get("class", "")]).strip()


_shaping = threading.Lock()


class ShellFormMixin:
    """Mix into a Form to give every visible widget unfold's look (and its text fields the
    one rule for free text: core/text.py).

    Done once per form class, on its base fields: every form copies its fields from them
    (Django's deepcopy), so each instance starts with them done, instead of redoing them per
    request (a report's save is one such form per request)."""

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if "_shell_shaped" not in cls.__dict__:
            with _shaping:
                if "_shell_shaped" not in cls.__dict__:
                    shape_fields(cls.base_fields.values())
                    cls._shell_shaped = True
        super().__init__(*args, **kwargs)


def shape_fields(fields: Iterable[forms.Field]) -> None:
    """The shell's rules for `fields`: the free-text rule (core/text.py) and the widgets'
    look. Doing it twice changes nothing."""
    fields = list(fields)
    plain_text(fields)
    for field in fields:
        style_widget(field.widget)


def put_error(form: forms.BaseForm | None, error: UserError, *, request=None) -> None:
    """A service's refusal where the user sees it: beside its field when the form shows that
    field; otherwise above the form, or as a page message when there is no form (or `request`
    is given and the field is not on it). A Forbidden is not the user's to fix: 403."""
    if isinstance(error, Forbidden):
        raise PermissionDenied(error.message)
    field = form.fields.get(error.field or "") if form is not None else None
    if form is not None and field is not None and not field.widget.is_hidden:
        form.add_error(error.field, error.message)
    elif request is not None:
        messages.error(request, error.message)
    elif form is not None:
        form.add_error(None, error.message)


def run_service[T](call: Callable[[], T], form: forms.BaseForm | None = None, *,
                request=None) -> tuple[bool, T | None]:
    """Run a service call; on UserError put it on the form (put_error) and report failure:
    `ok, result = run_service(lambda: services.x(...), form)`."""
    try:
        return True, call()
    except UserError as error:
        put_error(form, error, request=request)
        return False, None


class ServiceFormMixin:
    """For FormViews whose form runs one service: `perform(data)` calls it, `succeeded(result)`
    answers (a redirect); a UserError lands on the form and the page is shown again."""

    perform: Callable[[dict[str, Any]], Any]  # each view defines both
    succeeded: Callable[[Any], HttpResponse]
    form_invalid: Callable[[Any], HttpResponse]

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        ok, result = run_service(lambda: self.perform(form.cleaned_data), form)
        if not ok:
            return self.form_invalid(form)
        return self.succeeded(result)
