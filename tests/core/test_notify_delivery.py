"""Delivery beyond the inbox against real servers: a local HTTP server plays the SMS gateway and
the 企业微信/钉钉 robots (tests/core/notify_server.py), Django's locmem backend takes the mail.
No transport is mocked. Time is passed to the sender, never slept (except the timeout)."""

import base64
import hashlib
import hmac
import urllib.parse
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from diaodu.core.models import Delivery, DeliveryStatus, Notification, NotifyPreference
from diaodu.core.notify import NotificationKind, notify
from diaodu.core.notify.channels import sms_signature
from diaodu.core.notify.sending import deliver_due

from .notify_server import FakeProviders

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY = datetime(2031, 3, 12, 10, 0, tzinfo=SH)  # after any real "now": everything queued is due


@pytest.fixture
def providers(settings):
    with FakeProviders() as server:
        settings.NOTIFY_SMS_URL = f"{server.base}/sms/send"
        settings.NOTIFY_SMS_KEY, settings.NOTIFY_SMS_SECRET = "key-1", "secret-1"
        settings.NOTIFY_SMS_TEMPLATES = {"overdue": "SMS_OVERDUE"}
        settings.NOTIFY_WECOM_WEBHOOK = ""
        settings.NOTIFY_DINGTALK_WEBHOOK = ""
        settings.NOTIFY_DINGTALK_SECRET = ""
        settings.NOTIFY_EMAIL = False
        settings.NOTIFY_TIMEOUT = 0.5
        settings.NOTIFY_USER_HOURLY_LIMIT = 10
        settings.NOTIFY_USER_DAILY_LIMIT = 30
        yield server


@pytest.fixture
def reader(street_a_reporter):
    street_a_reporter.phone = "13800001111"
    street_a_reporter.email = "reader@example.gov.cn"
    street_a_reporter.save()
    return street_a_reporter


def _send(kind=NotificationKind.OVERDUE, users=None, *, reader=None, urgent=False, key=""):
    return notify(users or [reader], kind=kind, title="项目甲已逾期", body="请尽快办理。",
                  key=key, urgent=urgent)


def test_sms_goes_through_the_gateway_signed_with_template_and_signature(providers, reader):
    _send(reader=reader)
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.status == DeliveryStatus.QUEUED and delivery.kind == "overdue"
    assert deliver_due(now=DAY) == {"sent": 1}
    [seen] = providers.requests
    payload = seen.json
    assert payload["phone"] == "13800001111" and payload["template_code"] == "SMS_OVERDUE"
    assert payload["sign_name"] and payload["template_param"]["title"] == "项目甲已逾期"
    assert seen.headers["X-Access-Key"] == "key-1"
    assert seen.headers["X-Signature"] == sms_signature("secret-1", seen.headers["X-Timestamp"],
                                                        seen.body)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.provider_id) == ("sent", 1, "sms-1")


@pytest.mark.parametrize(("clock", "waits"), [
    ((21, 59), False), ((22, 0), True), ((6, 59), True), ((7, 0), False)])
def test_no_sms_in_the_quiet_hours_unless_urgent(providers, reader, clock, waits):
    _send(reader=reader)
    at = DAY.replace(hour=clock[0], minute=clock[1])
    deliver_due(now=at)
    delivery = Delivery.objects.get(channel="sms")
    if not waits:
        assert delivery.status == "sent" and len(providers.requests) == 1
        return
    assert delivery.status == "queued" and delivery.attempts == 0 and not providers.requests
    seven = at.replace(hour=7, minute=0) + (timedelta(days=1) if clock[0] >= 22 else timedelta())
    assert delivery.due_at == seven and "免打扰" in delivery.error
    deliver_due(now=seven - timedelta(minutes=1))
    assert not providers.requests
    deliver_due(now=seven)
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(providers.requests) == 1


def test_an_urgent_sms_goes_at_night(providers, reader):
    _send(NotificationKind.ESCALATION, reader=reader, urgent=True)
    assert deliver_due(now=DAY.replace(hour=23, minute=30)) == {"sent": 1}


def test_a_user_without_a_phone_is_skipped_and_logged(providers, street_a_reporter):
    _send(users=[street_a_reporter])
    deliver_due(now=DAY)
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.status == "skipped" and delivery.error == "未登记手机号，已跳过"
    assert not providers.requests and Notification.objects.filter(user=street_a_reporter).exists()


def test_gateway_500_is_retried_with_backoff_then_failed_and_visible(providers, reader,
                                                                     settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    providers.behaviour.mode = "error"
    _send(reader=reader)
    now = DAY
    deliver_due(now=now)
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.status == "retrying" and delivery.attempts == 1 and "HTTP 500" in delivery.error
    assert delivery.due_at == now + timedelta(seconds=30)
    deliver_due(now=now + timedelta(seconds=29))  # not yet
    assert len(providers.requests) == 1
    deliver_due(now=now + timedelta(seconds=30))
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.due_at == now + timedelta(seconds=90)
    deliver_due(now=now + timedelta(seconds=90))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(providers.requests)) == ("failed", 3, 3)
    assert "HTTP 500" in delivery.error
    # Nothing lost: the inbox holds the message, the log the failure.
    assert Notification.objects.get(user=reader).title == "项目甲已逾期"


def test_a_gateway_that_does_not_answer_in_time_is_retried(providers, reader):
    providers.behaviour.mode, providers.behaviour.delay = "timeout", 1.5
    _send(reader=reader)
    deliver_due(now=DAY)
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.status == "retrying" and delivery.error.startswith("timeout")
    providers.behaviour.mode = "ok"
    deliver_due(now=DAY + timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2


def test_a_rate_limited_gateway_is_waited_for_without_using_up_attempts(providers, reader,
                                                                        django_user_model):
    providers.behaviour.per_second = 1
    other = django_user_model.objects.create(username="second", phone="13900002222",
                                             unit=reader.unit, role=reader.role)
    _send(users=[reader, other])
    assert deliver_due(now=DAY) == {"sent": 1, "rate_limited": 1}
    waiting = Delivery.objects.get(status="retrying")
    assert waiting.attempts == 0 and "429" in waiting.error
    assert waiting.due_at == DAY + timedelta(seconds=1)


def test_the_same_event_twice_sends_once(providers, reader):
    assert _send(reader=reader, key="case:7:overdue") == 1
    assert _send(reader=reader, key="case:7:overdue") == 0
    deliver_due(now=DAY)
    deliver_due(now=DAY + timedelta(hours=1))
    assert Delivery.objects.count() == 1 and len(providers.requests) == 1


def test_preferences_choose_the_channels_per_kind(providers, reader):
    NotifyPreference.objects.create(user=reader, kind="overdue", channel="sms", enabled=False)
    _send(reader=reader)
    _send(NotificationKind.REMINDER, reader=reader)  # SMS is off by default for reminders
    assert not Delivery.objects.exists()
    NotifyPreference.objects.create(user=reader, kind="reminder", channel="sms", enabled=True)
    _send(NotificationKind.REMINDER, reader=reader)
    assert Delivery.objects.get().kind == "reminder"


def test_the_daily_limit_skips_the_rest_and_says_so(providers, reader, settings):
    settings.NOTIFY_USER_DAILY_LIMIT = 2
    for n in range(3):
        _send(reader=reader, key=f"k{n}")
    deliver_due(now=DAY)
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["sent", "sent",
                                                                         "skipped"]
    assert "每日发送上限" in Delivery.objects.get(status="skipped").error


def test_the_hourly_limit_makes_the_rest_wait(providers, reader, settings):
    settings.NOTIFY_USER_HOURLY_LIMIT = 1
    _send(reader=reader, key="a")
    _send(reader=reader, key="b")
    deliver_due(now=DAY)
    waiting = Delivery.objects.get(status="queued")
    assert waiting.due_at == DAY + timedelta(hours=1) and waiting.attempts == 0
    deliver_due(now=DAY + timedelta(hours=1))
    assert Delivery.objects.filter(status="sent").count() == 2


def test_dingtalk_robot_signs_and_sends_markdown_and_urgent_text(providers, reader, settings):
    settings.NOTIFY_SMS_URL = ""
    settings.NOTIFY_DINGTALK_WEBHOOK = f"{providers.base}/robot/send?access_token=t1"
    settings.NOTIFY_DINGTALK_SECRET = "SECsecret"
    _send(NotificationKind.CHASE, reader=reader)
    _send(NotificationKind.ESCALATION, reader=reader, urgent=True)
    assert deliver_due(now=DAY) == {"sent": 2}
    markdown, text = providers.requests
    for seen in (markdown, text):
        stamp = seen.query["timestamp"][0]
        digest = hmac.new(b"SECsecret", f"{stamp}\nSECsecret".encode(), hashlib.sha256).digest()
        assert seen.query["sign"][0] == base64.b64encode(digest).decode()
        assert seen.query["access_token"] == ["t1"]
    assert markdown.json["msgtype"] == "markdown"
    assert markdown.json["markdown"]["text"].startswith("### 催报")
    assert text.json["msgtype"] == "text" and text.json["at"]["atMobiles"] == ["13800001111"]
    assert "【升级督办】项目甲已逾期" in text.json["text"]["content"]


def test_wecom_robot_sends_markdown_and_mentions_by_mobile_when_urgent(providers, reader,
                                                                        settings):
    settings.NOTIFY_SMS_URL = ""
    settings.NOTIFY_WECOM_WEBHOOK = f"{providers.base}/cgi-bin/webhook/send?key=k1"
    _send(NotificationKind.OVERDUE, reader=reader)
    _send(NotificationKind.ESCALATION, reader=reader, urgent=True)
    deliver_due(now=DAY)
    markdown, text = providers.requests
    assert markdown.query["key"] == ["k1"] and markdown.json["msgtype"] == "markdown"
    assert "**项目甲已逾期**" in markdown.json["markdown"]["content"]
    assert text.json["text"]["mentioned_mobile_list"] == ["13800001111"]


def test_email_through_django_mail(providers, reader, settings):
    settings.NOTIFY_SMS_URL = ""
    settings.NOTIFY_EMAIL = True
    _send(NotificationKind.REMINDER, reader=reader)
    deliver_due(now=DAY)
    [message] = mail.outbox
    assert message.to == ["reader@example.gov.cn"]
    assert "到期提醒" in message.subject and "请尽快办理。" in message.body
    assert Delivery.objects.get().status == "sent"


def test_a_worker_that_died_mid_send_leaves_the_delivery_due_again(providers, reader):
    _send(reader=reader)
    # A claim without an outcome (the worker died): the lease runs out and it is sent.
    Delivery.objects.update(due_at=DAY + timedelta(minutes=5), attempts=1)
    assert deliver_due(now=DAY) == {}
    assert deliver_due(now=DAY + timedelta(minutes=5)) == {"sent": 1}


def test_urls_in_messages_link_the_subject(providers, reader, settings, project_a):
    settings.NOTIFY_SMS_URL = ""
    settings.NOTIFY_WECOM_WEBHOOK = f"{providers.base}/cgi-bin/webhook/send?key=k1"
    settings.NOTIFY_SITE_URL = "https://diaodu.example.gov.cn"
    notify([reader], kind=NotificationKind.OVERDUE, title="逾期", about=project_a)
    deliver_due(now=DAY)
    link = urllib.parse.quote(project_a.get_absolute_url(), safe="/")
    assert f"https://diaodu.example.gov.cn{link}" in providers.requests[0].json["markdown"][
        "content"]


def test_the_task_sends_what_is_due_and_wakes_once_for_the_retry(providers, reader):
    from django_tasks_db.models import DBTaskResult

    from diaodu.core.notify.tasks import deliver_pending

    _send(NotificationKind.ESCALATION, reader=reader, urgent=True)  # urgent: any hour
    assert deliver_pending.call() == {"sent": 1}
    assert not DBTaskResult.objects.exists()  # nothing waits: no next run
    providers.behaviour.mode = "error"
    _send(NotificationKind.ESCALATION, reader=reader, urgent=True, key="again")
    deliver_pending.call()
    deliver_pending.call()  # a second run does not queue a second wake-up
    waiting = DBTaskResult.objects.get()
    assert waiting.run_after == Delivery.objects.get(status="retrying").due_at
