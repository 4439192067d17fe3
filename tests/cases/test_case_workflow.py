"""A case from assignment to closure, and every refused step leaving nothing changed."""

from datetime import date

import pytest

from diaodu.cases import services
from diaodu.cases.models import (
    ActionKind,
    Case,
    CaseAction,
    CaseAttachment,
    CaseSource,
    CaseStatus,
)
from diaodu.core.errors import ConflictError, NotFound, UserError
from diaodu.core.models import AuditEvent, Notification

from .conftest import ASSIGNED, PNG, upload

pytestmark = pytest.mark.django_db


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return (case.status, case.version, case.lead_unit_id, case.due_on, case.resolved_on,
            CaseAction.objects.filter(case=case).count(), CaseAttachment.objects.count(),
            AuditEvent.objects.count(), Notification.objects.count())


def test_assignment_counts_working_days_and_tells_the_units(case_a, street_a_reporter,
                                                            street_a_head):
    assert case_a.status == CaseStatus.ASSIGNED
    assert case_a.due_on == date(2022, 4, 12)  # 清明 holidays skipped, 04-02 make-up day counted
    assert case_a.number == "DB2022-0001"
    kinds = list(case_a.actions.values_list("kind", flat=True))
    assert kinds == [ActionKind.CREATE, ActionKind.ASSIGN]
    assert AuditEvent.objects.filter(action="case.create", object_id=str(case_a.pk)).exists()


def test_unit_users_are_notified_of_a_new_case(dispatcher, project_a, street_a, street_a_reporter):
    case = services.case_create(actor=dispatcher, title="征迁补偿资金未到位",
                                category="funds", project=project_a, lead_unit=street_a,
                                today=ASSIGNED)
    assert Notification.objects.filter(user=street_a_reporter, case=case).count() == 1


def test_report_problem_waits_for_a_dispatcher(street_a_reporter, dispatcher, project_a):
    case = services.case_create(actor=street_a_reporter, title="施工用电迟迟未接入",
                                source=CaseSource.REPORT, project=project_a, today=ASSIGNED)
    assert case.status == CaseStatus.OPEN and case.due_on is None
    assert Notification.objects.filter(user=dispatcher, case=case).exists()


def test_reporter_may_not_task_a_unit(street_a_reporter, project_a, drc):
    before = (Case.objects.count(), AuditEvent.objects.count())
    with pytest.raises(UserError) as error:
        services.case_create(actor=street_a_reporter, title="请区发改委协调", project=project_a,
                             lead_unit=drc, today=ASSIGNED)
    assert error.value.code == "case.unit_not_taskable" and error.value.field == "lead_unit"
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def test_unit_head_tasks_below_but_not_another_street(street_a_head, community_a, street_b,
                                                      project_a):
    case = services.case_create(actor=street_a_head, title="社区配合入户", project=project_a,
                                lead_unit=community_a, today=ASSIGNED)
    assert case.lead_unit == community_a
    before = snapshot(case)
    with pytest.raises(UserError) as error:
        services.case_assign(actor=street_a_head, case=case, lead_unit=street_b,
                             today=ASSIGNED)
    assert error.value.code == "case.unit_not_taskable"
    assert snapshot(case) == before


def test_case_on_a_project_out_of_scope_is_not_found(street_a_reporter, project_b):
    with pytest.raises(NotFound):
        services.case_create(actor=street_a_reporter, title="越权登记", project=project_b,
                             today=ASSIGNED)
    assert not Case.objects.exists()


def test_due_date_before_assignment_is_refused(dispatcher, case_a, street_a):
    before = snapshot(case_a)
    with pytest.raises(UserError) as error:
        services.case_assign(actor=dispatcher, case=case_a, lead_unit=street_a,
                             due_on=date(2022, 3, 25), today=ASSIGNED)
    assert error.value.code == "case.due_before_assignment" and error.value.field == "due_on"
    assert snapshot(case_a) == before


def test_resolution_dated_before_assignment_is_refused(case_a, street_a_reporter):
    before = snapshot(case_a)
    with pytest.raises(UserError) as error:
        services.case_resolve(actor=street_a_reporter, case=case_a, text="已办结",
                              resolved_on=date(2022, 3, 20), today=date(2022, 4, 1))
    assert error.value.code == "case.date_before_assignment"
    assert snapshot(case_a) == before


def test_reply_by_a_user_outside_the_units_is_not_found(case_a, street_b_reporter, leader,
                                                        street_b_head):
    before = snapshot(case_a)
    for outsider in (street_b_reporter, street_b_head, leader):
        with pytest.raises(NotFound):
            services.case_reply(actor=outsider, case=case_a, text="越权回复",
                                today=date(2022, 3, 29))
    assert snapshot(case_a) == before


def test_co_operating_unit_and_head_below_may_reply(case_a, drc_reporter, street_a_head):
    services.case_reply(actor=drc_reporter, case=case_a, text="区发改委已对接市局",
                        today=date(2022, 3, 29))
    services.case_reply(actor=street_a_head, case=case_a, text="街道已成立工作组",
                        today=date(2022, 3, 29))
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.IN_PROGRESS


def test_co_operating_unit_may_not_resolve(case_a, drc_reporter):
    before = snapshot(case_a)
    with pytest.raises(UserError) as error:
        services.case_resolve(actor=drc_reporter, case=case_a, text="已办结",
                              today=date(2022, 4, 1))
    assert error.value.code == "case.only_lead_unit"
    assert snapshot(case_a) == before


def test_attachment_too_large_is_refused(case_a, street_a_reporter, settings):
    settings.CASES_MAX_ATTACHMENT_BYTES = 1024
    before = snapshot(case_a)
    big = upload(content=b"%PDF-1.4\n" + b"0" * 2000)
    with pytest.raises(UserError) as error:
        services.case_reply(actor=street_a_reporter, case=case_a, text="附件过大",
                            files=[upload(), big], today=date(2022, 3, 29))
    assert error.value.code == "attachment.too_large" and error.value.field == "files"
    assert snapshot(case_a) == before


@pytest.mark.parametrize(("name", "content"), [
    ("脚本.exe", b"MZ\x90\x00" + b"\x00" * 40),           # not an allowed type
    ("伪装.pdf", b"<html><script>alert(1)</script>"),     # the name lies about the content
    ("无扩展名", PNG),
    ("空文件.pdf", b""),
])
def test_attachment_of_a_wrong_type_is_refused(case_a, street_a_reporter, name, content):
    before = snapshot(case_a)
    with pytest.raises(UserError) as error:
        services.case_reply(actor=street_a_reporter, case=case_a, text="附件",
                            files=[upload(name=name, content=content)], today=date(2022, 3, 29))
    assert error.value.code in ("attachment.type", "attachment.empty")
    assert snapshot(case_a) == before


def test_attachments_are_stored_under_a_generated_name(case_a, street_a_reporter, settings):
    action = services.case_reply(actor=street_a_reporter, case=case_a, text="现场照片",
                                 files=[upload("现场.png", PNG, "image/png"), upload()],
                                 today=date(2022, 3, 29))
    first, second = action.attachments.all()
    assert (first.name, first.content_type, first.size) == ("现场.png", "image/png", len(PNG))
    assert "现场" not in first.file.name and first.file.name.endswith(".png")
    assert (settings.MEDIA_ROOT / first.file.name).read_bytes() == PNG
    assert second.content_type == "application/pdf"


def test_closing_without_verification_is_refused(case_a, dispatcher, street_a_reporter):
    services.case_resolve(actor=street_a_reporter, case=case_a, text="已完成土地组卷",
                          today=date(2022, 4, 8))
    before = snapshot(case_a)
    with pytest.raises(UserError) as error:
        services.case_close(actor=dispatcher, case=case_a, today=date(2022, 4, 8))
    assert error.value.code == "case.not_verified"
    assert snapshot(case_a) == before


def test_only_supervisors_verify(case_a, street_a_reporter, street_a_head):
    services.case_resolve(actor=street_a_reporter, case=case_a, text="已完成",
                          today=date(2022, 4, 8))
    before = snapshot(case_a)
    with pytest.raises(UserError) as error:
        services.case_verify(actor=street_a_head, case=case_a, passed=True,
                             today=date(2022, 4, 8))
    assert error.value.code == "permission.denied"
    assert snapshot(case_a) == before


def test_failed_verification_returns_with_a_reason(case_a, dispatcher, street_a_reporter):
    services.case_resolve(actor=street_a_reporter, case=case_a, text="已完成",
                          today=date(2022, 4, 8))
    with pytest.raises(UserError) as error:
        services.case_verify(actor=dispatcher, case=case_a, passed=False, note=" ",
                             today=date(2022, 4, 8))
    assert error.value.code == "case.note_required"
    case = services.case_verify(actor=dispatcher, case=case_a, passed=False,
                                note="组卷材料未获市局受理", today=date(2022, 4, 8))
    assert case.status == CaseStatus.RETURNED and case.resolved_on is None
    assert Notification.objects.filter(user=street_a_reporter,
                                       title__startswith="核查退回").exists()
    services.case_reply(actor=street_a_reporter, case=case, text="已补充材料",
                        today=date(2022, 4, 11))
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_stale_version_is_a_conflict(case_a, dispatcher, leader, street_a_reporter):
    services.case_resolve(actor=street_a_reporter, case=case_a, text="已完成",
                          today=date(2022, 4, 8))
    version = Case.objects.get(pk=case_a.pk).version
    services.case_verify(actor=dispatcher, case=case_a, passed=True, expected_version=version,
                         today=date(2022, 4, 8))
    with pytest.raises(ConflictError) as error:
        services.case_close(actor=leader, case=case_a, expected_version=version,
                            today=date(2022, 4, 8))
    assert error.value.status == 409 and "dispatcher" in error.value.message


def test_comment_by_a_leader_reaches_the_unit(case_a, leader, street_a_reporter):
    services.case_comment(actor=leader, case=case_a, text="务必在清明节前取得进展",
                          today=date(2022, 3, 30))
    assert Notification.objects.filter(user=street_a_reporter,
                                       title__startswith="新批示").exists()
