"""The delivery log (dispatchers: filters, keyset pages, pinned queries), the preferences page,
the inbox's links to any subject and the production profile's refusal of plain-http hooks."""

import secrets

import pytest
from django.urls import reverse

from diaodu.core.models import AuditEvent, Delivery, Notification, NotifyPreference
from diaodu.core.notify import NotificationKind, notify

from .test_deploy import _manage

pytestmark = pytest.mark.django_db
LOG = reverse("notify:deliveries")


@pytest.fixture
def logged(street_a_reporter):
    notify([street_a_reporter], kind=NotificationKind.CHASE, title="催报：三月")
    message = Notification.objects.get()
    rows = [Delivery(notification=message, user=street_a_reporter, kind="chase",
                     channel=channel, status=status)
            for channel, status in [("sms", "sent"), ("email", "failed"), ("wecom", "sent")]]
    Delivery.objects.bulk_create(rows)
    extra = []
    for n in range(60):
        extra.append(Notification(user=street_a_reporter, kind="reminder", title=f"提醒{n}"))
    for message in Notification.objects.bulk_create(extra):
        Delivery.objects.create(notification=message, user=street_a_reporter, kind="reminder",
                                channel="sms", status="sent", provider_id=f"p{message.pk}")
    return message


def test_the_log_is_for_dispatchers(client, street_a_reporter, logged):
    client.force_login(street_a_reporter)
    assert client.get(LOG).status_code == 403


def test_the_log_filters_and_pages_by_keyset_in_pinned_queries(client, dispatcher, logged,
                                                                django_assert_num_queries):
    client.force_login(dispatcher)
    client.get(LOG)  # warm the session and the sidebar's caches
    with django_assert_num_queries(6):
        body = client.get(LOG).content.decode()
    assert body.count("<tr class=\"border-t") == 50 and 'id="older"' in body
    newest = Delivery.objects.order_by("-id")[49].pk
    older = client.get(LOG, {"before": newest}).content.decode()
    assert older.count("<tr class=\"border-t") == 13 and 'id="older"' not in older
    failed = client.get(LOG, {"status": "failed"}).content.decode()
    assert failed.count("<tr class=\"border-t") == 1 and "电子邮件" in failed
    chase = client.get(LOG, {"kind": "chase", "channel": "wecom"}).content.decode()
    assert chase.count("<tr class=\"border-t") == 1 and "催报：三月" in chase


def test_preferences_page_saves_the_users_own_choices_audited(client, street_a_reporter):
    client.force_login(street_a_reporter)
    body = client.get(reverse("notify:preferences")).content.decode()
    assert 'value="overdue.sms" aria-label="逾期 overdue.sms" checked' in body
    response = client.post(reverse("notify:preferences"),
                           {"on": ["reminder.sms", "overdue.email"]})
    assert response.status_code == 302
    saved = dict(((p.kind, p.channel), p.enabled)
                 for p in NotifyPreference.objects.filter(user=street_a_reporter))
    assert saved[("reminder", "sms")] is True and saved[("overdue", "sms")] is False
    assert ("overdue", "email") not in saved  # unchanged from the default: no row
    assert AuditEvent.objects.filter(action="notify.preferences").count() == 1


def test_the_inbox_links_any_subject(client, street_a_reporter, project_a):
    notify([street_a_reporter], kind=NotificationKind.OTHER, title="项目动态", about=project_a)
    client.force_login(street_a_reporter)
    body = client.get(reverse("notify:inbox")).content.decode()
    assert f'href="{project_a.get_absolute_url()}"' in body


def test_production_refuses_a_webhook_that_is_not_https(tmp_path):
    result = _manage(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(64),
                     NOTIFY_WECOM_WEBHOOK="http://qyapi.example/cgi-bin/webhook/send?key=1")
    assert result.returncode != 0 and "NOTIFY_WECOM_WEBHOOK must be an https" in result.stderr
    ok = _manage(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(64),
                 NOTIFY_WECOM_WEBHOOK="https://qyapi.example/cgi-bin/webhook/send?key=1")
    assert ok.returncode == 0, ok.stderr
