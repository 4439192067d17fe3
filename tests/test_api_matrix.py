"""Every API operation × role × own / other unit (tests/api_permissions.py), and the
meta-test that fails when an operation has no row."""

import json

import pytest

from diaodu.api.main import api

from .api_permissions import API_MATRIX
from .permissions import ROLES
from .test_permission_matrix import _case_of, _report_of

pytestmark = pytest.mark.django_db


def _operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, methods in schema["paths"].items():
        for method in methods:
            yield f"{method.upper()} {path}"


def test_every_api_operation_has_a_row():
    missing = set(_operations()) - set(API_MATRIX)
    assert not missing, f"add these operations to tests/api_permissions.py: {sorted(missing)}"
    assert not set(API_MATRIX) - set(_operations()), "rows for operations that do not exist"


CASES = [(role, op, which) for op, (target, _b, _e) in sorted(API_MATRIX.items())
         for which in (("own", "other") if target else ("own",)) for role in ROLES]


def _body(kind, project, report):
    if kind == "project_new":
        return {"name": "接口新建项目", "level": "district", "category": project.category_id,
                "responsible_unit": project.responsible_unit_id, "total_investment": "1200.50"}
    if kind == "project_patch":
        return {"expected_version": project.version, "owner_name": "河南某建设公司"}
    if kind == "report_save":
        return {"expected_version": report.version, "completed_in_period": "10.00",
                "cumulative_completed": "10.00", "physical_progress": "基础施工"}
    if kind == "version":
        return {"expected_version": report.version}
    if kind == "return":
        return {"expected_version": report.version, "reason": "数据有误"}
    return None


@pytest.mark.parametrize(("role", "op", "which"), CASES)
def test_api_matrix(client, request, role, op, which, project_a, project_b):
    user = request.getfixturevalue(role)
    target, body, expect = API_MATRIX[op]
    project = project_a if which == "own" else project_b
    report = _report_of(project)
    method, path = op.split(" ", 1)
    url = path.format(project_id=project.pk, report_id=report.pk, round_id=report.round_id,
                      case_id=_case_of(project).pk if target == "case" else 0)
    if path.endswith("/kpis"):
        url += "?year=2022&month=3"
    client.force_login(user)
    payload = _body(body, project, report)
    response = client.generic(method, url, data=b"" if payload is None else json.dumps(payload),
                              content_type="application/json")
    assert response.status_code == expect(role, which), (role, op, which, response.content)
