"""The admin site is the application shell for every role (DESIGN §4a).

Access is decided by the role, not by is_staff: every account with a role signs in here and
sees the pages its role allows.
"""

from django.contrib.admin.forms import AuthenticationForm as DjangoAdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.forms import AdminOwnPasswordChangeForm, AuthenticationForm
from unfold.sites import UnfoldAdminSite


class RoleAuthenticationForm(AuthenticationForm):
    error_messages = {
        **DjangoAdminAuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码错误。"),
        "no_role": _("该账号尚未分配角色，请联系安全管理员。"),
    }

    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not user.role:
            raise ValidationError(self.error_messages["no_role"], code="no_role")


class ServicePasswordChangeForm(AdminOwnPasswordChangeForm):
    """Change one's own password through core.services (history, forced-change flag, audit).
    A wrong old password is a failed sign-in: django-axes counts it toward the lockout and the
    audit log records it, so a borrowed session cannot be used to guess the password."""

    request = None  # set by the view

    def clean_old_password(self):
        try:
            return super().clean_old_password()
        except ValidationError:
            from django.contrib.auth.signals import user_login_failed

            user_login_failed.send(
                sender=type(self), request=self.request,
                credentials={"username": self.user.get_username(), "purpose": "password_change"})
            raise

    def save(self, commit=True):
        from diaodu.core import services
        from diaodu.core.errors import UserError

        try:
            self.user = services.user_change_password(
                actor=self.user, user=self.user, new_password=self.cleaned_data["new_password1"])
        except UserError as exc:  # the form validated the same rules; a race is still possible
            raise ValidationError(exc.message) from None
        return self.user


class DiaoduAdminSite(UnfoldAdminSite):
    site_header = _("中原区重点项目调度平台")
    site_title = _("调度")
    index_title = _("工作台")
    login_form = RoleAuthenticationForm

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self.login_form = RoleAuthenticationForm

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and getattr(user, "role", ""))

    def password_change(self, request, extra_context=None):
        from django.urls import reverse

        request.current_app = self.name
        return _password_change_view().as_view(
            form_class=ServicePasswordChangeForm,
            success_url=reverse(f"{self.name}:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)


def _password_change_view():
    from axes.handlers.proxy import AxesProxyHandler
    from django.contrib.auth import logout
    from django.contrib.auth.views import PasswordChangeView

    from diaodu.core.security import lockout_response

    class ServicePasswordChangeView(PasswordChangeView):
        """Locked out (too many wrong passwords, here or at sign-in): signed out, told why."""

        def _locked(self, request) -> bool:
            return AxesProxyHandler.is_locked(request, {"username": request.user.get_username()})

        def post(self, request, *args, **kwargs):
            if self._locked(request):
                return self._sign_out(request)
            return super().post(request, *args, **kwargs)

        def get_form(self, form_class=None):
            form = super().get_form(form_class)
            form.request = self.request
            return form

        def form_invalid(self, form):
            if getattr(self.request, "axes_locked_out", False):
                return self._sign_out(self.request)
            return super().form_invalid(form)

        def _sign_out(self, request):
            username = request.user.get_username()
            logout(request)
            return lockout_response(request, {"username": username})

    return ServicePasswordChangeView
