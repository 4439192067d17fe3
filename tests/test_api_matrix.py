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


def _plan_of(project):
    from diaodu.investment import services
    from diaodu.investment.models import AnnualPlan

    return AnnualPlan.objects.filter(project=project).first() or services.annual_plan_create(
        actor=None, project=project, year=2022, planned_investment="1200.00")


def _activity_of(project):
    from datetime import date

    from diaodu.schedule import services
    from diaodu.schedule.models import Activity

    return Activity.objects.filter(project=project).first() or services.activity_create(
        actor=None, project=project, name="主体施工", duration=20,
        planned_start=date(2022, 3, 1), today=date(2022, 3, 1))


def _approval_of(project):
    from datetime import date

    from diaodu.cases import services
    from diaodu.cases.models import Approval

    return Approval.objects.filter(project=project).first() or services.approval_create(
        actor=None, item="可行性研究报告审批", project=project, kind="approval",
        received_on=date(2022, 3, 1), today=date(2022, 3, 1))


def _target(target, project):
    """The object of a row's path: ids for every placeholder the path may name."""
    ids = {"project_id": project.pk, "report_id": 0, "round_id": 0, "case_id": 0,
           "plan_id": 0, "activity_id": 0, "approval_id": 0, "event_id": 0, "request_id": 0,
           "photo_id": 0}
    report = _report_of(project)
    ids.update(report_id=report.pk, round_id=report.round_id)
    if target == "case":
        ids["case_id"] = _case_of(project).pk
    elif target == "plan":
        ids["plan_id"] = _plan_of(project).pk
    elif target == "activity":
        ids["activity_id"] = _activity_of(project).pk
    elif target == "approval":
        ids["approval_id"] = _approval_of(project).pk
    elif target == "photo":
        ids["photo_id"] = _photo_of(report).pk
    elif target == "event":
        from tests.cityops.matrix import event_of

        ids["event_id"] = ids["request_id"] = event_of(project).pk
    return ids


def _photo_of(report):
    from diaodu.core import photo_services
    from diaodu.core.models import Photo
    from tests.photo_images import jpeg, upload

    return Photo.objects.filter(owner_id=report.pk).first() or photo_services.photo_add(
        actor=None, owner=report, upload=upload(jpeg(colour="navy")))


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
    return _more_body(kind, project)


def _more_body(kind, project):
    if kind == "activity_new":
        return {"name": "竣工验收", "duration": 10}
    if kind == "activity_patch":
        return {"expected_version": _activity_of(project).version, "duration": 15}
    if kind == "activity_progress":
        return {"expected_version": _activity_of(project).version, "percent": 40}
    if kind == "case_new":
        return {"title": "施工用地协调", "project": project.pk}
    if kind == "case_assign":
        return {"expected_version": _case_of(project).version,
                "lead_unit": project.responsible_unit_id}
    if kind == "case_reply":
        return {"text": "已协调自然资源部门"}
    if kind == "case_resolve":
        return {"expected_version": _case_of(project).version, "text": "用地手续已办结"}
    if kind == "case_verify":
        return {"expected_version": _case_of(project).version, "passed": True}
    if kind == "case_close":
        return {"expected_version": _case_of(project).version}
    if kind == "plan_new":
        return {"project": project.pk, "year": 2023, "planned_investment": "800.00"}
    if kind == "plan_adjust":
        return {"expected_version": _plan_of(project).version, "planned_investment": "900.00",
                "reason": "资金调整"}
    if kind == "approval_new":
        return {"item": "项目核准", "kind": "ratification", "received_on": "2022-03-02",
                "project": project.pk}
    if kind == "approval_complete":
        return {"completed_on": "2022-03-10", "result": "approved"}
    return _event_body(kind, project)


def _event_body(kind, project):
    from tests.cityops.matrix import event_of, grid_of

    if kind == "event_new":
        return {"grid": grid_of(project.street).pk, "category": "S0502", "detail": "占道经营"}
    if kind == "open311_new":
        return {"service_code": "S0502", "description": "占道经营",
                "grid_id": grid_of(project.street).pk}
    if kind == "event_act":
        return {"step": "accept", "expected_version": event_of(project).case.version}
    return None


def _state():
    """Row counts of every model of ours and the version of every versioned row: a refused
    write must leave all of it as it was."""
    from django.apps import apps

    state = {}
    for model in apps.get_models():
        if not model.__module__.startswith("diaodu."):
            continue
        state[model._meta.label] = model._default_manager.count()
        if any(f.name == "version" for f in model._meta.concrete_fields):
            state[f"{model._meta.label}.version"] = sorted(
                model._default_manager.values_list("pk", "version"))
    return state


@pytest.mark.parametrize(("role", "op", "which"), CASES)
def test_api_matrix(client, request, settings, tmp_path, role, op, which, project_a,
                    project_b):
    settings.MEDIA_ROOT = tmp_path / "media"  # photos are written here
    user = request.getfixturevalue(role)
    target, body, expect = API_MATRIX[op]
    project = project_a if which == "own" else project_b
    report = _report_of(project)
    method, path = op.split(" ", 1)
    url = path.format(**_target(target, project))
    if path.endswith("/kpis"):
        url += "?year=2022&month=3"
    client.force_login(user)
    payload = _body(body, project, report)
    before = _state() if method != "GET" else None
    if body == "photo_upload":  # multipart, as a browser or a phone app sends it
        from tests.photo_images import jpeg, upload

        response = client.post(url, {"photo": [upload(jpeg(colour="olive"), "现场.jpg")]})
    else:
        response = client.generic(method, url,
                                  data=b"" if payload is None else json.dumps(payload),
                                  content_type="application/json")
    assert response.status_code == expect(role, which), (role, op, which, response.content)
    if before is not None and response.status_code >= 400:
        after = _state()
        changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
        assert not changed, (role, op, which, "a refused write changed", changed)
