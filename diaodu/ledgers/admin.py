"""Admin of the names ledgers write (NameAlias): the DRC and the system administrator add
and remove aliases; each write goes through the names services (audited)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from diaodu.core.errors import UserError
from diaodu.core.roles import Role, role_of

from . import names
from .models import AliasKind, NameAlias

ALIAS_EDITORS = frozenset({Role.DISPATCHER, Role.SYSADMIN})


class NameAliasForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = NameAlias
        fields = ("kind", "name", "unit", "category", "user")

    def run_service(self, data):
        target = {AliasKind.UNIT: data.get("unit"), AliasKind.CATEGORY: data.get("category"),
                  AliasKind.LEADER: data.get("user")}.get(data["kind"])
        if target is None:
            raise UserError("alias.target_required", _("请选择别名对应的单位、类别或领导。"),
                            {AliasKind.UNIT: "unit", AliasKind.CATEGORY: "category"}.get(
                                data["kind"], "user"))
        return names.name_alias_save(actor=self.actor, kind=data["kind"], name=data["name"],
                                     target=target)


@admin.register(NameAlias)
class NameAliasAdmin(ServiceAdminMixin, ScopedModelAdmin):
    form = NameAliasForm
    add_roles = ALIAS_EDITORS
    list_display = ("name", "kind", "target", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("unit", "category", "user", "created_by")
    autocomplete_fields = ()

    def has_delete_permission(self, request, obj=None):
        # A wrong alias is removed (the name is then asked for again); units stay.
        return role_of(request.user) in ALIAS_EDITORS

    def delete_model(self, request, obj):
        names.name_alias_delete(actor=request.user, alias=obj)

    def delete_queryset(self, request, queryset):
        for alias in queryset:
            names.name_alias_delete(actor=request.user, alias=alias)
