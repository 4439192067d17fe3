"""The two-factor pages: enter the code at sign-in, enrol an authenticator app (QR code as
inline SVG, the secret as text for manual entry)."""

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django_otp import login as otp_login
from unfold.widgets import UnfoldAdminTextInputWidget

from . import two_factor
from .errors import UserError
from .security import OTP_ASKED

PENDING_KEY = "diaodu_otp_pending_key"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6位验证码"), max_length=6, min_length=6, strip=True,
        widget=UnfoldAdminTextInputWidget(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}",
            "autofocus": True}))


def qr_svg(data: str) -> str:
    """An SVG QR code (no JavaScript, no image request) for an otpauth:// URI."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8,
                        border=2)
    return image.to_string(encoding="unicode")


class _TwoFactorPage(LoginRequiredMixin, FormView):
    form_class = CodeForm

    def next_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        # A path on this site only: `redirect()` would take a bare word for a view name (a
        # 500 for ?next=abc) and the host check alone lets relative paths through.
        if target.startswith("/") and url_has_allowed_host_and_scheme(
                target, {self.request.get_host()}, self.request.is_secure()):
            return target
        return str(settings.LOGIN_REDIRECT_URL)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context.update(title=self.title, next=self.next_url())
        return context

    def _signed_in(self, device):
        otp_login(self.request, device)
        self.request.session.cycle_key()  # a new session id for the fully signed-in session
        return redirect(self.next_url())


class VerifyView(_TwoFactorPage):
    template_name = "two_factor/verify.html"
    title = gettext_lazy("双因素验证")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.is_verified():
                return redirect(self.next_url())
            self.device = two_factor.device_of(request.user)
            if self.device is None:
                if two_factor.required_for(request.user):
                    return redirect(f"{reverse('two_factor:setup')}?"
                                    f"{request.GET.urlencode()}")
                request.session[OTP_ASKED] = False  # an optional device was reset
                return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_hint"] = (two_factor.is_demo_device(self.device)
                                and not settings.PRODUCTION)
        return context

    def form_valid(self, form):
        try:
            device = two_factor.otp_verify(actor=self.request.user,
                                           code=form.cleaned_data["code"])
        except UserError as exc:
            form.add_error("code", exc.message)
            return self.form_invalid(form)
        return self._signed_in(device)


class SetupView(_TwoFactorPage):
    template_name = "two_factor/setup.html"
    title = gettext_lazy("绑定验证器")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = two_factor.device_of(request.user)
            if self.device is not None and not request.user.is_verified():
                return redirect(f"{reverse('two_factor:verify')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def pending_key(self) -> str:
        # The secret waits in the server-side session until a code proves the app has it.
        key = self.request.session.get(PENDING_KEY)
        if not key:
            key = self.request.session[PENDING_KEY] = two_factor.new_key()
        return key

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["device"] = self.device
        context["required"] = two_factor.required_for(user)
        if self.device is None:
            key = self.pending_key()
            # Our own SVG from the qrcode package: safe to inline.
            context["qr_svg"] = mark_safe(qr_svg(two_factor.provisioning_uri(user, key)))
            context["secret"] = " ".join(two_factor.base32(key)[i:i + 4]
                                         for i in range(0, 32, 4))
        return context

    def form_valid(self, form):
        if self.device is not None:
            return redirect(self.next_url())
        user = self.request.user
        try:
            device = two_factor.otp_device_enrol(actor=user, user=user, key=self.pending_key(),
                                                 code=form.cleaned_data["code"])
        except UserError as exc:
            form.add_error("code", exc.message)
            return self.form_invalid(form)
        self.request.session.pop(PENDING_KEY, None)
        self.request.session[OTP_ASKED] = True
        messages.success(self.request, _("验证器已绑定，今后每次登录都需输入验证码。"))
        return self._signed_in(device)


app_name = "two_factor"
urlpatterns = [
    path("", SetupView.as_view(), name="setup"),
    path("verify/", VerifyView.as_view(), name="verify"),
]
