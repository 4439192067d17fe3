"""The channels behind one interface: `send(client, address, kind, rendered, urgent) -> provider
id`, raising Retry (try again later: 5xx, timeout, 429, network) or Refused (the provider said
no: retrying will not help). `address(user)` is None when the user cannot be reached there
(no phone, no email): the delivery is skipped and logged.

- SMS: an HTTP gateway taking template messages with a signature (NOTIFY_SMS_*): JSON
  {phone, sign_name, template_code, template_param}, signed with HMAC-SHA256 over
  "<timestamp>\\n<body>" under the secret (headers X-Access-Key, X-Timestamp, X-Signature).
- Group robots post to the recipient's unit's group (notify/robots.py: the unit's robot, the
  nearest above it, or the district-wide webhook from settings).
- 企业微信 group robot: POST JSON {"msgtype": "markdown"|"text", …} to the webhook
  (…/cgi-bin/webhook/send?key=…); text mentions by mobile (mentioned_mobile_list).
- 钉钉 group robot: the same shape with {"markdown": {"title", "text"}} and {"at":
  {"atMobiles"}}; with a secret, `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(
  secret, "<timestamp>\\n<secret>"))) join the URL's query.
- Email: Django's mail backend (EMAIL_*).
docs/notify.md cites the formats."""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import EmailMessage

from .robots import RobotAddress, robot_address, robots_reachable
from .templates import Rendered


class Retry(Exception):
    """A passing failure: try again after `after` seconds (the provider's word) or backoff."""

    def __init__(self, message: str, after: float | None = None) -> None:
        super().__init__(message)
        self.after = after


class Refused(Exception):
    """The provider refused the message; trying again will not help."""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _post(client: httpx.Client, url: str, payload: dict, headers: dict | None = None) -> dict:
    body = json.dumps(payload, ensure_ascii=False).encode()
    try:
        response = client.post(url, content=body, headers={
            "Content-Type": "application/json; charset=utf-8", **(headers or {})})
    except httpx.TimeoutException as exc:
        raise Retry(f"timeout: {exc.__class__.__name__}") from exc
    except httpx.HTTPError as exc:
        raise Retry(f"network: {exc.__class__.__name__}: {exc}") from exc
    if response.status_code == 429:
        raise Retry("HTTP 429 rate limited", after=_retry_after(response))
    if response.status_code >= 500:
        raise Retry(f"HTTP {response.status_code}: {response.text[:200]}")
    if response.status_code >= 400:
        raise Refused(f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        answer = response.json()
    except ValueError as exc:
        raise Retry(f"not JSON: {response.text[:200]}") from exc
    return answer if isinstance(answer, dict) else {}


def _robot_answer(answer: dict) -> str:
    code = answer.get("errcode", 0)
    if code in (0, "0"):
        return str(answer.get("msgid", "") or "ok")
    # 45009 (企业微信) and 130101 (钉钉): sending too fast — wait and try again.
    if code in (45009, 130101):
        raise Retry(f"errcode {code}: {answer.get('errmsg', '')}", after=60)
    raise Refused(f"errcode {code}: {answer.get('errmsg', '')}")


def sms_signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return urllib.parse.quote_plus(base64.b64encode(digest.digest()).decode())


def _phone(user: Any) -> str | None:
    return (getattr(user, "phone", "") or "").strip() or None


def _mobiles(address: str) -> list[str]:
    return [address] if address else []


def send_sms(client: httpx.Client, address: str, kind: str, rendered: Rendered,
             urgent: bool) -> str:
    payload = {"phone": address, "sign_name": settings.NOTIFY_SMS_SIGN,
               "template_code": settings.NOTIFY_SMS_TEMPLATES.get(kind, kind),
               "template_param": dict(rendered.params)}
    body = json.dumps(payload, ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    answer = _post(client, settings.NOTIFY_SMS_URL, payload, headers={
        "X-Access-Key": settings.NOTIFY_SMS_KEY, "X-Timestamp": stamp,
        "X-Signature": sms_signature(settings.NOTIFY_SMS_SECRET, stamp, body)})
    if str(answer.get("code", "")).upper() != "OK":
        raise Refused(f"{answer.get('code', '')}: {answer.get('message', '')}"[:300])
    return str(answer.get("message_id", ""))


def send_wecom(client: httpx.Client, address: RobotAddress, kind: str, rendered: Rendered,
               urgent: bool) -> str:
    if urgent:
        payload: dict = {"msgtype": "text", "text": {
            "content": rendered.text, "mentioned_mobile_list": _mobiles(address.mobile)}}
    else:
        payload = {"msgtype": "markdown", "markdown": {"content": rendered.markdown}}
    return _robot_answer(_post(client, address.url, payload))


def send_dingtalk(client: httpx.Client, address: RobotAddress, kind: str, rendered: Rendered,
                  urgent: bool) -> str:
    mention = {"atMobiles": _mobiles(address.mobile), "isAtAll": False}
    if urgent:
        payload: dict = {"msgtype": "text", "text": {"content": rendered.text}, "at": mention}
    else:
        payload = {"msgtype": "markdown",
                   "markdown": {"title": rendered.subject, "text": rendered.markdown},
                   "at": mention}
    url = address.url
    if address.secret:
        stamp = str(int(time.time() * 1000))
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={stamp}&sign={dingtalk_sign(address.secret, stamp)}"
    return _robot_answer(_post(client, url, payload))


def send_email(client: httpx.Client, address: str, kind: str, rendered: Rendered,
               urgent: bool) -> str:
    message = EmailMessage(rendered.subject, rendered.text, to=[address],
                           headers={"X-Diaodu-Kind": kind})
    try:
        message.send()
    except OSError as exc:  # SMTP down or refused: the mail server may be back soon
        raise Retry(f"mail: {exc}") from exc
    return str(message.extra_headers.get("Message-ID", "") or "")


# The address is the channel's own: a phone number, an email address, a RobotAddress.
Sender = Callable[[httpx.Client, Any, str, Rendered, bool], str]


class ChannelSpec:
    def __init__(self, name: str, send: Sender, address: Callable[[Any], Any | None],
                 configured: Callable[[], bool], missing: str) -> None:
        self.name, self.send, self.address = name, send, address
        self.configured, self.missing = configured, missing


CHANNELS: dict[str, ChannelSpec] = {
    "sms": ChannelSpec("sms", send_sms, _phone, lambda: bool(settings.NOTIFY_SMS_URL),
                       "no_phone"),
    "wecom": ChannelSpec("wecom", send_wecom, lambda user: robot_address(user, "wecom"),
                         lambda: robots_reachable("wecom"), "no_robot"),
    "dingtalk": ChannelSpec("dingtalk", send_dingtalk,
                            lambda user: robot_address(user, "dingtalk"),
                            lambda: robots_reachable("dingtalk"), "no_robot"),
    "email": ChannelSpec("email", send_email,
                         lambda user: (getattr(user, "email", "") or "").strip() or None,
                         lambda: bool(settings.NOTIFY_EMAIL), "no_email"),
}


def configured() -> list[str]:
    """The channels this installation can send on (their provider is set up)."""
    return [name for name, spec in CHANNELS.items() if spec.configured()]
