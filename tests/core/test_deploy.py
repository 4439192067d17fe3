"""Headers and deployment: CSP on every page, the production profile passes
`check --deploy`, error pages reveal nothing, forms refuse posts without a CSRF token."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _manage(tmp_path, *args, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(DIAODU_PROFILE="production", ALLOWED_HOSTS="diaodu.example.gov.cn",
                       DIAODU_DATA_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:6379/0")
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_profile_passes_check_deploy(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
                     SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_profile_without_redis_warns_of_per_process_caches(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", SECRET_KEY=secrets.token_urlsafe(64),
                     REDIS_URL="")
    assert "diaodu.W001" in result.stderr + result.stdout and "REDIS_URL" in result.stderr


def test_production_profile_refuses_the_demo_secret_key(tmp_path):
    result = _manage(tmp_path, "check", SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_pages_carry_csp_and_frame_headers(client, street_a_reporter):
    client.force_login(street_a_reporter)
    response = client.get("/projects/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_api_answers_carry_csp_too(client, street_a_reporter):
    client.force_login(street_a_reporter)
    assert "default-src 'self'" in client.get("/api/v1/projects")["Content-Security-Policy"]


def test_not_found_page_reveals_nothing(client, street_a_reporter, settings):
    settings.DEBUG = False
    client.force_login(street_a_reporter)
    response = client.get("/no-such-page/<script>/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "no-such-page" not in body and "<script>" not in body
    assert "Traceback" not in body and "urlpatterns" not in body


def test_server_error_page_reveals_nothing():
    response = defaults.server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500 and "服务暂时不可用" in body
    assert "Traceback" not in body and "Django" not in body


@pytest.mark.parametrize(("url", "data"), [
    ("/account/tokens/", {"name": "x", "days": "1"}),
    ("/admin/password_change/", {"old_password": "x"}),
    ("/i18n/setlang/", {"language": "en"}),
])
def test_forms_refuse_posts_without_csrf_token(street_a_reporter, url, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(street_a_reporter)
    assert client.post(url, data).status_code == 403


@pytest.mark.django_db
def test_secret_key_rotation_keeps_sessions_through_the_fallback(settings, street_a_reporter):
    """docs/operations.md, key rotation: the old key moves to SECRET_KEY_FALLBACKS; a session
    used meanwhile is re-signed with the new key, one left idle ends when the fallback goes."""
    old = settings.SECRET_KEY
    active, idle = Client(), Client()
    active.force_login(street_a_reporter)
    idle.force_login(street_a_reporter)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "n" * 60, [old]
    assert active.get("/projects/").status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert active.get("/projects/").status_code == 200
    assert idle.get("/projects/").status_code == 302
