"""ScopedModelAdmin: admin pages that read through core.scoping and write through services.

Django's model permissions are not used; the role decides (DESIGN §1). An object outside the
user's scope is a 404 on every per-object admin URL, as in the selectors.
"""

from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from unfold.admin import ModelAdmin

from .errors import UserError
from .roles import role_of
from .scoping import may_see, scope_for
from .text import plain_text_fields


class ScopedModelAdmin(ModelAdmin):
    # Roles that may add/change through this admin (each via a service); empty = read-only.
    add_roles: frozenset[str] = frozenset()
    edit_roles: frozenset[str] = frozenset()
    list_select_related: tuple[str, ...] | bool = ()
    # The app's scoped selector the admin reads through, `selector(user=...) -> QuerySet`
    # (wrap it in staticmethod), so what a list may show — one row per task force, say — is
    # written once, in selectors.py. None: core.scoping.scope_for.
    selector: Callable[..., QuerySet] | None = None

    def get_queryset(self, request):
        if self.selector is not None:
            qs = self.selector(user=request.user)
        else:
            qs = scope_for(request.user, self.model)
        if self.list_select_related:
            qs = qs.select_related(*self.list_select_related)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return may_see(request.user, self.model) or \
            role_of(request.user) in self.add_roles | self.edit_roles

    def has_add_permission(self, request):
        return role_of(request.user) in self.add_roles | self.edit_roles

    def has_change_permission(self, request, obj=None):
        return role_of(request.user) in self.edit_roles

    def has_delete_permission(self, request, obj=None):
        # Ledger rows are never deleted from the admin; they are closed or deactivated.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # the services need to know who acts
        return form

    def _ensure_in_scope(self, request, object_id):
        if object_id is None:
            return
        # A key that is not one (`abc` for a number, `0` for a date) is not found, not a 500.
        key = valid_key(self.model._meta.pk, object_id)
        if key is None or not self.get_queryset(request).filter(pk=key).exists():
            raise Http404

    def get_changeform_initial_data(self, request):
        # The admin prefills an add form from the query string (?project=12); a value its
        # field cannot hold would fail while the form renders, so it is left out.
        initial = super().get_changeform_initial_data(request)
        kept = {}
        for name, value in initial.items():
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            target = field.target_field if field.is_relation else field
            values = value if isinstance(value, list) else [value]
            if all(valid_key(target, v) is not None for v in values):
                kept[name] = value
        return kept

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._ensure_in_scope(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        return super().delete_view(request, object_id, extra_context)


# The largest key any of our tables holds (PostgreSQL bigint); beyond it a lookup would
# overflow the database driver instead of finding nothing.
MAX_KEY = 2**63 - 1


def valid_key(field, value):
    """`value` as the field's Python value, or None when the field cannot hold it."""
    try:
        key = field.to_python(value)
    except (ValidationError, ValueError, TypeError, OverflowError):
        return None
    if isinstance(key, int) and not -MAX_KEY <= key <= MAX_KEY:
        return None
    if isinstance(key, str) and "\x00" in key:
        return None
    return key


class ServiceForm:
    """Mixin for admin ModelForms whose save is a service call.

    Subclasses define run_service(cleaned_data) -> the saved object. The service runs during
    validation (inside the admin's transaction), so a UserError lands
    on its field like any other form error and nothing is saved.
    """

    saved_object = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_text_fields(self)  # control characters refused, free text capped (core/text.py)

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.saved_object = self.run_service(self.cleaned_data)
        except UserError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)


class ServiceAdminMixin:
    """save_model for admins whose form is a ServiceForm: the service already saved."""

    def save_model(self, request, obj, form, change):
        obj.pk = form.saved_object.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # Relations were written by the service.
        return None
