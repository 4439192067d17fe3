"""A forced password change (first sign-in, reset, expiry) holds on the API too (issue 16,
finding 3): a browser session gets 403 with the reason, a token is refused until changed."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from diaodu.api import services as token_services
from diaodu.core.models import User


def _due(user, how):
    if how == "flag":
        User.objects.filter(pk=user.pk).update(must_change_password=True)
    else:  # 90 days without a change
        User.objects.filter(pk=user.pk).update(
            password_changed_at=timezone.now() - timedelta(days=90))


@pytest.mark.parametrize("how", ["flag", "expired"])
def test_session_api_call_is_403_until_the_password_changes(client, street_a_reporter,
                                                            project_a, how):
    client.force_login(street_a_reporter)
    assert client.get("/api/v1/projects").status_code == 200
    _due(street_a_reporter, how)
    response = client.get("/api/v1/projects")
    assert response.status_code == 403
    assert response.json()["code"] == "auth.password_change_required"
    assert "请先修改密码" in response.json()["message"]
    response = client.put("/api/v1/reports/1", {"cumulative_completed": "1"},
                          content_type="application/json")
    assert response.status_code == 403


def test_password_change_at_89_days_is_not_due_yet(client, street_a_reporter, project_a):
    User.objects.filter(pk=street_a_reporter.pk).update(
        password_changed_at=timezone.now() - timedelta(days=89, hours=23))
    client.force_login(street_a_reporter)
    assert client.get("/api/v1/projects").status_code == 200


def test_token_is_refused_until_the_password_changes(street_a_reporter, project_a):
    _token, key = token_services.api_token_create(actor=street_a_reporter, name="对接", days=1)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/projects", **auth).status_code == 200
    _due(street_a_reporter, "flag")
    response = client.get("/api/v1/projects", **auth)
    assert response.status_code == 403
    assert response.json()["code"] == "auth.password_change_required"
