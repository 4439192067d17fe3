"""Schema-driven fuzzing of the API (schemathesis): every operation with generated input, as
two units' reporters and the dispatcher. Goals: no server error, and no response that carries
the other unit's data. Bounded so CI stays short: set SCHEMATHESIS_EXAMPLES for a longer run."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from diaodu.api import services as token_services
from diaodu.api.main import api
from tests.test_api_matrix import _activity_of, _approval_of, _plan_of
from tests.test_permission_matrix import _case_of, _report_of

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
APP = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the real WSGI handler, whose request signals would close the
    test's open transaction on PostgreSQL; Django's own test client unhooks them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(street_a_reporter, street_b_reporter, dispatcher, project_a, project_b):
    for project in (project_a, project_b):
        for build in (_report_of, _case_of, _plan_of, _activity_of, _approval_of):
            build(project)
    keys = {user.username: token_services.api_token_create(actor=user, name="fuzz", days=1)[1]
            for user in (street_a_reporter, street_b_reporter, dispatcher)}
    # What each caller must never see: the other street's project and street names.
    secrets = {"street_a_reporter": [project_b.name, project_b.street.name],
               "street_b_reporter": [project_a.name, project_a.street.name],
               "dispatcher": []}
    return keys, secrets


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_fuzz(case, world):
    keys, secrets = world
    for username, key in keys.items():
        response = case.call(app=APP, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code < 500, (username, case.method, case.formatted_path,
                                            case.query, case.body, response.text[:500])
        if response.status_code == 200:
            for secret in secrets[username]:
                assert secret not in response.text, (username, case.method,
                                                     case.formatted_path, secret)
