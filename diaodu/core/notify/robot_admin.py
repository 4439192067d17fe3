"""The units' group robots in the admin (the system administrator): every write through
robots.unit_robot_save; the secret is never shown, and the webhook's key is masked in lists."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm
from diaodu.core.models_notify import UnitRobot
from diaodu.core.roles import ROBOT_ADMINS

from .robots import masked, unit_robot_save


class UnitRobotForm(ServiceForm, forms.ModelForm):
    secret = forms.CharField(label=_("加签密钥"), required=False, strip=True,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=_("仅钉钉。修改时留空表示保留原密钥。"))
    clear_secret = forms.BooleanField(label=_("清除加签密钥"), required=False)

    class Meta:
        model = UnitRobot
        fields = ("unit", "platform", "webhook", "secret", "active")

    def validate_unique(self):
        # One active robot per unit and platform: the service says so, in Chinese, by name.
        return None

    def validate_constraints(self):
        return None

    def run_service(self, data):
        editing = self.instance.pk is not None
        secret = data.get("secret") or ""
        if data.get("clear_secret"):
            secret = ""
        elif editing and not secret:
            secret = None  # left blank: keep the stored one
        return unit_robot_save(
            actor=self.actor, robot=self.instance if editing else None, unit=data.get("unit"),
            platform=data.get("platform", ""), webhook=data.get("webhook", ""), secret=secret,
            active=data.get("active", False))


@admin.register(UnitRobot)
class UnitRobotAdmin(ServiceAdminMixin, ScopedModelAdmin):
    add_roles = ROBOT_ADMINS
    edit_roles = ROBOT_ADMINS
    form = UnitRobotForm
    fields = ("unit", "platform", "webhook", "secret", "clear_secret", "active")
    list_display = ("unit", "platform", "masked_webhook", "signed", "active", "updated_at")
    list_filter = ("platform", "active")
    search_fields = ("unit__name", "unit__short_name", "unit__code")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)

    @admin.display(description=_("Webhook 地址"))
    def masked_webhook(self, obj):
        return masked(obj.webhook)

    @admin.display(description=_("加签"), boolean=True)
    def signed(self, obj):
        return bool(obj.secret)
