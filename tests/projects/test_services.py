from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from diaodu.core.errors import ConflictError, UserError
from diaodu.core.models import AuditEvent
from diaodu.projects import services
from diaodu.projects.models import Project, Stage

from ..factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return CategoryFactory()


@pytest.fixture
def valid(category, street_a):
    return dict(name="西石羊寺城中村改造项目", level="city", category=category,
                responsible_unit=street_a, street=street_a,
                total_investment=Decimal("1286000.00"), code="2203-410102-04-01-12345X")


def test_create_records_audit_and_history(dispatcher, valid):
    project = services.project_create(actor=dispatcher, **valid)
    assert project.version == 1
    event = AuditEvent.objects.get(action="project.create")
    assert event.actor == dispatcher and event.object_id == str(project.pk)
    assert event.changes["total_investment"] == "1286000.00"
    assert project.history.count() == 1
    assert project.history.first().history_user == dispatcher


@pytest.mark.parametrize("code", ["2203-410102-04-01-12345X", "2018-410103-44-03-072208",
                                  " 2203-410102-04-01-12345x "])
def test_accepts_both_code_forms(dispatcher, valid, code):
    project = services.project_create(actor=dispatcher, **{**valid, "code": code})
    assert project.code == code.strip().upper()


@pytest.mark.parametrize("code", [
    "2203-410102-04-01-1234",       # too short
    "22034101020401123456",         # no dashes
    "2213-410102-04-01-12345X",     # month 13
    "2014-410102-04-01-123456",     # old form before 2016
    "2203-990102-04-01-12345X",     # no such province
    "2203-410102-04-01-12345*",
])
def test_malformed_code_is_refused_and_nothing_saved(dispatcher, valid, code):
    with pytest.raises(UserError) as error:
        services.project_create(actor=dispatcher, **{**valid, "code": code})
    assert error.value.field == "code" and error.value.code == "project.code_invalid"
    assert "项目代码" in error.value.message
    assert not Project.objects.exists() and not AuditEvent.objects.exists()


def test_duplicate_code_is_refused_naming_the_holder(dispatcher, valid):
    services.project_create(actor=dispatcher, **valid)
    with pytest.raises(UserError) as error:
        services.project_create(actor=dispatcher, **{**valid, "name": "另一个项目"})
    assert error.value.code == "project.code_duplicate"
    assert "西石羊寺城中村改造项目" in error.value.message
    assert Project.objects.count() == 1


def test_projects_without_code_may_coexist(dispatcher, valid):
    services.project_create(actor=dispatcher, **{**valid, "code": ""})
    services.project_create(actor=dispatcher, **{**valid, "code": None, "name": "二"})
    assert Project.objects.filter(code__isnull=True).count() == 2


@pytest.mark.parametrize("amount, code", [
    ("-1", "money.negative"), (Decimal("-0.01"), "money.negative"),
    ("12.345", "money.precision"), (Decimal("0.001"), "money.precision"),
    ("abc", "money.invalid"), ("", "total_investment_required"),
    ("NaN", "money.invalid"), ("1e20", "money.too_large"),
])
def test_bad_money_is_refused(dispatcher, valid, amount, code):
    with pytest.raises(UserError) as error:
        services.project_create(actor=dispatcher, **{**valid, "total_investment": amount})
    assert error.value.code.endswith(code)
    assert error.value.field == "total_investment"
    assert not Project.objects.exists()


def test_money_keeps_exact_cents(dispatcher, valid):
    project = services.project_create(actor=dispatcher,
                                      **{**valid, "total_investment": "1,234.50"})
    project.refresh_from_db()
    assert project.total_investment == Decimal("1234.50")


def test_unknown_unit_is_refused(dispatcher, valid):
    with pytest.raises(UserError) as error:
        services.project_create(actor=dispatcher, **{**valid, "responsible_unit": 999999})
    assert error.value.field == "responsible_unit"
    assert "责任单位不存在" in error.value.message


def test_street_must_be_a_street(dispatcher, valid, drc):
    with pytest.raises(UserError) as error:
        services.project_create(actor=dispatcher, **{**valid, "street": drc})
    assert error.value.code == "project.street_invalid"


def test_only_dispatchers_write_the_ledger(street_a_reporter, leader, valid):
    for actor in (street_a_reporter, leader):
        with pytest.raises(UserError) as error:
            services.project_create(actor=actor, **valid)
        assert error.value.code == "permission.denied"
    assert not Project.objects.exists()


def test_update_with_stale_version_names_the_change(dispatcher, valid):
    project = services.project_create(actor=dispatcher, **valid)
    services.project_update(actor=dispatcher, project=project, expected_version=1,
                            total_investment="1300000.00")
    with pytest.raises(ConflictError) as error:
        services.project_update(actor=dispatcher, project=project, expected_version=1,
                                name="改名")
    message = error.value.message
    assert "总投资" in message and "1286000.00" in message and "1300000.00" in message
    assert "dispatcher" in message
    project.refresh_from_db()
    assert project.name == "西石羊寺城中村改造项目" and project.version == 2


def test_update_without_changes_keeps_version(dispatcher, valid):
    project = services.project_create(actor=dispatcher, **valid)
    same = services.project_update(actor=dispatcher, project=project, expected_version=1,
                                   name=valid["name"])
    assert same.version == 1
    assert AuditEvent.objects.filter(action="project.update").count() == 0


def test_update_refuses_stage(dispatcher, valid):
    project = services.project_create(actor=dispatcher, **valid)
    with pytest.raises(UserError) as error:
        services.project_update(actor=dispatcher, project=project, expected_version=1,
                                stage=Stage.CONSTRUCTION)
    assert error.value.field == "stage"


def test_construction_needs_actual_start(dispatcher, valid):
    project = services.project_create(actor=dispatcher, **valid)
    with pytest.raises(UserError) as error:
        services.project_change_stage(actor=dispatcher, project=project,
                                      stage=Stage.CONSTRUCTION, expected_version=1)
    assert error.value.field == "actual_start"
    project.refresh_from_db()
    assert project.stage == Stage.PIPELINE and project.version == 1


def test_stage_moves_forward_with_dates(dispatcher, valid):
    project = services.project_create(actor=dispatcher, **valid)
    project = services.project_change_stage(
        actor=dispatcher, project=project, stage=Stage.CONSTRUCTION, expected_version=1,
        actual_start=date(2022, 3, 1))
    assert project.stage == Stage.CONSTRUCTION and project.version == 2
    with pytest.raises(UserError) as error:
        services.project_change_stage(actor=dispatcher, project=project,
                                      stage=Stage.COMPLETED, expected_version=2)
    assert error.value.field == "actual_completion"
    project = services.project_change_stage(
        actor=dispatcher, project=project, stage=Stage.COMPLETED, expected_version=2,
        actual_completion=date(2024, 6, 30))
    assert project.stage == Stage.COMPLETED
    assert AuditEvent.objects.filter(action="project.change_stage").count() == 2


def test_going_back_needs_a_reason(dispatcher, valid):
    project = services.project_create(actor=dispatcher, **{**valid, "stage": Stage.CONSTRUCTION,
                                                         "actual_start": date(2022, 3, 1)})
    with pytest.raises(UserError) as error:
        services.project_change_stage(actor=dispatcher, project=project,
                                      stage=Stage.PREPARATION, expected_version=1)
    assert error.value.field == "reason"
    project = services.project_change_stage(
        actor=dispatcher, project=project, stage=Stage.PREPARATION, expected_version=1,
        reason="施工许可被撤回，重新办理")
    assert project.stage == Stage.PREPARATION and project.actual_start is None
    event = AuditEvent.objects.get(action="project.change_stage")
    assert event.changes["reason"] == "施工许可被撤回，重新办理"


def test_dates_cannot_be_in_the_future_or_out_of_order(dispatcher, valid):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(UserError) as error:
        services.project_create(actor=dispatcher, **{**valid, "stage": Stage.CONSTRUCTION,
                                                     "actual_start": tomorrow})
    assert error.value.code == "project.actual_start_future"
    with pytest.raises(UserError) as error:
        services.project_create(actor=dispatcher, **{**valid,
                                                     "planned_start": date(2025, 1, 1),
                                                     "planned_completion": date(2024, 1, 1)})
    assert error.value.field == "planned_completion"


def test_whitelist_needs_listing_date(dispatcher, valid):
    with pytest.raises(UserError) as error:
        services.project_create(actor=dispatcher, **{**valid, "on_whitelist": True})
    assert error.value.field == "whitelisted_on"


def test_campaign_entry_is_unique_per_batch(dispatcher, valid):
    project = services.project_create(actor=dispatcher, **valid)
    campaign = services.campaign_create(actor=dispatcher, issuer_level="province", year=2021,
                                        phase=1, name="河南省第1期“三个一批”",
                                        held_on=date(2021, 7, 10))
    services.campaign_entry_add(actor=dispatcher, campaign=campaign, project=project,
                                batch="start")
    with pytest.raises(UserError) as error:
        services.campaign_entry_add(actor=dispatcher, campaign=campaign, project=project,
                                    batch="start")
    assert error.value.code == "campaign_entry.duplicate"
