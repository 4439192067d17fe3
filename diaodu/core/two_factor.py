"""Two-factor sign-in (TOTP, django-otp): who needs it, enrolment, verification and the
security administrator's reset. Every write is audited in its transaction.

A device is a TOTPDevice (RFC 6238: 6 digits, 30 s steps, ±1 step for clock drift). Wrong
codes are throttled by django-otp on the device row itself: each failure doubles the wait
before the next attempt (1, 2, 4 … s), and only a right code or a reset clears it — a new
password sign-in does not, unlike the sign-in lockout's counter.
"""

import secrets
from base64 import b32encode
from binascii import unhexlify

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .errors import Forbidden, UserError
from .models import User
from .roles import ROLE_ADMINS, TWO_FACTOR_ROLES, role_of

DEVICE_NAME = "TOTP"
# The demo's published secret ("diaodu-demo-totp-key", 20 bytes): anyone may compute its codes,
# so it is for the demo database only; production refuses it at verification.
DEMO_KEY = b"diaodu-demo-totp-key".hex()


def required_for(user) -> bool:
    """Whether the user's role must sign in with a second factor."""
    return role_of(user) in TWO_FACTOR_ROLES


def device_of(user, *, for_update: bool = False) -> TOTPDevice | None:
    qs = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    return (qs.select_for_update() if for_update else qs).first()


def asked_at_sign_in(user) -> bool:
    """The role requires it, or the user enrolled a device by choice."""
    return required_for(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_key() -> str:
    return secrets.token_hex(20)  # 160 bits, RFC 4226's recommended length


def base32(key: str) -> str:
    return b32encode(unhexlify(key)).decode()


def provisioning_uri(user, key: str) -> str:
    """The otpauth:// URI authenticator apps read from the QR code."""
    device = TOTPDevice(user=user, key=key)
    return device.config_url


def is_demo_device(device: TOTPDevice | None) -> bool:
    return device is not None and device.key == DEMO_KEY


def _matching_step(key: str, code: str) -> int | None:
    """The time step a 6-digit code belongs to (±1 step), or None."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return None
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6)
    for drift in (0, -1, 1):
        totp.drift = drift
        if totp.token() == int(code):
            return totp.t()
    return None


def current_code(key: str) -> str:
    return f"{TOTP(unhexlify(key), step=30, t0=0, digits=6).token():06d}"


def otp_device_enrol(*, actor: User | None, user: User, key: str, code: str = "") -> TOTPDevice:
    """Bind a TOTP device with secret `key` to `user`. A user enrols their own device and
    proves it with a current code; the system (actor None: the demo loader) needs none."""
    if actor is not None and actor.pk != user.pk:
        raise Forbidden("permission.denied", _("只能为自己绑定验证器。"))
    step = _matching_step(key, code) if actor is not None else None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if device_of(user) is not None:
            raise UserError("otp.already_enrolled",
                            _("该账号已绑定验证器；如需更换，请联系安全管理员重置。"))
        if actor is not None and step is None:
            audit.record(actor, "otp.failed", user, {"stage": "enrol"})
            failed = True
        else:
            failed = False
            device = TOTPDevice.objects.create(
                user=user, name=DEVICE_NAME, key=key, confirmed=True,
                last_t=step if step is not None else -1)
            audit.record(actor, "otp.enrol", user, {"device": device.persistent_id})
    if failed:  # the failure's audit row is committed; the enrolment is not
        raise UserError("otp.code_wrong",
                        _("验证码不正确，请核对手机时间后输入验证器当前显示的6位数字。"), "code")
    return device


def otp_verify(*, actor: User, code: str) -> TOTPDevice:
    """Check the code for the actor's device at sign-in. A wrong code is recorded and slows
    the next attempt; the failure is committed before the error is raised."""
    with transaction.atomic():
        device = device_of(actor, for_update=True)
        if device is None:
            raise UserError("otp.not_enrolled", _("该账号尚未绑定验证器。"))
        if settings.PRODUCTION and is_demo_device(device):
            raise UserError("otp.demo_key",
                            _("演示密钥不能在生产环境使用，请联系安全管理员重置验证器。"), "code")
        allowed, info = device.verify_is_allowed()
        if not allowed:
            wait = max(1, int(((info or {}).get("locked_until", timezone.now())
                               - timezone.now()).total_seconds()) + 1)
            raise UserError("otp.throttled",
                            _("验证码错误次数过多，请%(n)s秒后再试。") % {"n": wait}, "code")
        # django-otp counts a wrong or malformed code on the device row (the throttle).
        ok = device.verify_token((code or "").strip())
        audit.record(actor, "otp.verify" if ok else "otp.failed", actor,
                     {"stage": "sign_in"} if ok
                     else {"stage": "sign_in", "failures": device.throttling_failure_count})
    if not ok:
        raise UserError("otp.code_wrong", _("验证码不正确。"), "code")
    return device


def otp_device_reset(*, actor: User | None, user: User) -> int:
    """Remove the user's devices (lost or replaced phone): they enrol again at the next
    sign-in. The security administrator does it (三员分立), never for their own account; the
    system (actor None: `diaodu otp_reset` on the server) may reset anyone."""
    if actor is not None and role_of(actor) not in ROLE_ADMINS:
        raise Forbidden("permission.denied", _("您的角色无权重置双因素验证器。"))
    if actor is not None and actor.pk == user.pk:
        raise UserError("otp.reset_self", _("不能重置自己的验证器，请由另一名安全管理员重置，"
                                            "或在服务器上执行 diaodu otp_reset。"))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        audit.record(actor, "otp.reset", user, {"devices": removed})
    return removed
