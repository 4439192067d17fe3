"""Schema-driven fuzzing of the API (schemathesis): every operation with generated input, as
two units' reporters and the dispatcher. Goals: no server error, and no response that carries
the other unit's data. Bounded so CI stays short (5 examples per operation, no stateful run).

The nightly-sized run (docs/trust.md): DIAODU_NIGHTLY=1 gives 100 examples per operation and
the stateful mode — sequences of calls that follow the links schemathesis infers between
operations (a case created, then assigned, replied to, resolved …), 50 sequences per caller.
SCHEMATHESIS_EXAMPLES and SCHEMATHESIS_STATEFUL_EXAMPLES set either count by hand."""

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
NIGHTLY = os.environ.get("DIAODU_NIGHTLY") == "1"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "100" if NIGHTLY else "5"))
STATEFUL_EXAMPLES = int(os.environ.get("SCHEMATHESIS_STATEFUL_EXAMPLES", "50" if NIGHTLY else "0"))
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


@pytest.mark.skipif(not STATEFUL_EXAMPLES, reason="stateful run: DIAODU_NIGHTLY=1 or "
                    "SCHEMATHESIS_STATEFUL_EXAMPLES")
@pytest.mark.parametrize("caller", ["dispatcher", "street_a_reporter"])
def test_api_stateful(world, caller):
    keys, secrets = world
    calls: list[tuple[str, int]] = []

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"app": APP, "headers": {"Authorization": f"Bearer {keys[caller]}"}}

        def validate_response(self, response, case, **kwargs):
            calls.append((case.operation.label, response.status_code))
            assert response.status_code < 500, (caller, case.method, case.formatted_path,
                                                case.body, response.text[:500])
            if response.status_code == 200:
                for secret in secrets[caller]:
                    assert secret not in response.text, (caller, case.method,
                                                         case.formatted_path, secret)

    Workflow.run(settings=settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=8,
                                   deadline=None, derandomize=True, database=None,
                                   suppress_health_check=list(HealthCheck)))
    # The sequences went somewhere: some call succeeded and the links were followed.
    assert any(status < 300 for _label, status in calls), calls[:20]
    assert len({label for label, _status in calls}) > 1, calls[:20]
