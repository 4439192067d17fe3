"""Approvals against legal time limits; visits whose instructions become cases."""

from datetime import date

import pytest

from diaodu.cases import selectors, services
from diaodu.cases.models import Approval, ApprovalKind, Case, CaseKind, CaseSource, Instruction
from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = date(2022, 4, 30)


def test_ratification_counts_working_days_across_qingming(dispatcher, project_a):
    # 清明 04-03..05 off; 04-02 (Sat) and 04-24 (Sun) are make-up workdays.
    approval = services.approval_create(actor=dispatcher, item="项目核准", project=project_a,
                                        kind=ApprovalKind.RATIFICATION,
                                        received_on=date(2022, 3, 28), today=TODAY)
    assert (approval.time_limit, approval.due_on) == (20, date(2022, 4, 25))
    done = services.approval_complete(actor=dispatcher, approval=approval,
                                      completed_on=date(2022, 4, 25), result="approved",
                                      document_no="中原发改核〔2022〕3号", today=TODAY)
    assert (done.workdays_used, done.on_time) == (20, True)


def test_late_completion_is_not_on_time(dispatcher):
    approval = services.approval_create(actor=dispatcher, item="项目审批",
                                        kind=ApprovalKind.APPROVAL,
                                        received_on=date(2022, 3, 28), today=TODAY)
    done = services.approval_complete(actor=dispatcher, approval=approval,
                                      completed_on=date(2022, 4, 27), result="approved",
                                      today=TODAY)
    assert (done.workdays_used, done.on_time) == (22, False)


def test_notification_filing_completes_on_receipt(dispatcher):
    filing = services.approval_create(actor=dispatcher, item="企业投资项目备案",
                                      kind=ApprovalKind.NOTIFICATION_FILING,
                                      received_on=date(2022, 2, 14), today=TODAY)
    assert (filing.completed_on, filing.workdays_used, filing.on_time, filing.result) == (
        date(2022, 2, 14), 0, True, "filed")


def test_bad_approval_input_is_refused(dispatcher, street_a_reporter):
    approval = services.approval_create(actor=dispatcher, item="项目审批",
                                        kind=ApprovalKind.APPROVAL,
                                        received_on=date(2022, 3, 28), today=TODAY)
    before = (Approval.objects.count(), AuditEvent.objects.count())
    cases = [
        (dict(actor=street_a_reporter, item="越权登记", kind="approval",
              received_on=date(2022, 3, 1)), "permission.denied"),
        (dict(actor=dispatcher, item=" ", kind="approval", received_on=date(2022, 3, 1)),
         "case.item_required"),
        (dict(actor=dispatcher, item="事项", kind="license", received_on=date(2022, 3, 1)),
         "case.kind_invalid"),
        (dict(actor=dispatcher, item="事项", kind="approval", received_on=date(2022, 5, 9)),
         "approval.date_in_future"),
        (dict(actor=dispatcher, item="事项", kind="approval", received_on=date(2022, 3, 1),
              completed_on=date(2022, 2, 1), result="approved"),
         "approval.completed_before_received"),
    ]
    for kwargs, code in cases:
        with pytest.raises(UserError) as error:
            services.approval_create(today=TODAY, **kwargs)
        assert error.value.code == code
    with pytest.raises(UserError) as error:
        services.approval_complete(actor=dispatcher, approval=approval,
                                   completed_on=date(2022, 3, 25), result="approved",
                                   today=TODAY)
    assert error.value.code == "approval.completed_before_received"
    assert (Approval.objects.count(), AuditEvent.objects.count()) == before
    approval.refresh_from_db()
    assert approval.completed_on is None


def test_kpis_by_kind(dispatcher, leader):
    for n in range(3):
        services.approval_create(actor=dispatcher, item=f"审批{n}", kind="approval",
                                 received_on=date(2022, 1, 4), completed_on=date(2022, 1, 4 + n),
                                 result="approved", today=TODAY)
    services.approval_create(actor=dispatcher, item="备案", kind="notification_filing",
                             received_on=date(2022, 1, 5), today=TODAY)
    kpis = selectors.approval_kpis(selectors.approval_list(user=leader))
    assert (kpis["total"], kpis["approvals"], kpis["filings"], kpis["rate"]) == (4, 3, 1, 100.0)
    by_kind = {row["kind"]: row for row in kpis["by_kind"]}
    assert by_kind["approval"]["average_workdays"] == 1.0
    assert by_kind["notification_filing"]["average_workdays"] == 0.0


def test_visit_instruction_becomes_a_case_once(dispatcher, leader, project_a, street_a):
    visit = services.visit_create(
        actor=leader, visited_on=date(2022, 3, 30), kind="onsite_office",
        title="区委书记调研重点项目", leaders="区委书记；区领导陪同", projects=[project_a],
        instructions=["加快征迁扫尾，4月中旬前交付净地", ("协调施工用电接入", project_a)],
        lead_user=leader, today=date(2022, 3, 30))
    first, second = visit.instructions.all()
    assert second.project == project_a
    case = services.instruction_to_case(actor=dispatcher, instruction=first,
                                        lead_unit=street_a, due_workdays=10,
                                        category="demolition", today=date(2022, 3, 31))
    assert (case.kind, case.source, case.visit, case.raised_by) == (
        CaseKind.INSTRUCTION, CaseSource.VISIT, visit, dispatcher)
    assert Instruction.objects.get(pk=first.pk).case == case
    with pytest.raises(UserError) as error:
        services.instruction_to_case(actor=dispatcher, instruction=first, lead_unit=street_a,
                                     today=date(2022, 3, 31))
    assert error.value.code == "instruction.already_case"
    assert Case.objects.count() == 1


def test_visit_refuses_a_future_date_and_non_supervisors(street_a_head, leader):
    with pytest.raises(UserError) as error:
        services.visit_create(actor=leader, visited_on=date(2022, 4, 2), kind="research",
                              title="调研", leaders="区长", today=date(2022, 4, 1))
    assert error.value.code == "visit.date_in_future"
    with pytest.raises(UserError):
        services.visit_create(actor=street_a_head, visited_on=date(2022, 4, 1),
                              kind="research", title="调研", leaders="区长",
                              today=date(2022, 4, 1))


def _visit(leader, project):
    return services.visit_create(
        actor=leader, visited_on=date(2022, 3, 30), kind="research", title="区长调研",
        leaders="区长", projects=[project], instructions=["加快征迁扫尾"], lead_user=leader,
        today=date(2022, 3, 30))


def test_visit_record_is_corrected_and_instructions_added(dispatcher, leader, project_a,
                                                          project_b, street_a):
    visit = _visit(leader, project_a)
    first = visit.instructions.get()
    services.instruction_to_case(actor=dispatcher, instruction=first, lead_unit=street_a,
                                 today=date(2022, 3, 31))
    visit = services.visit_update(
        actor=dispatcher, visit=visit, expected_version=1, visited_on=date(2022, 3, 29),
        kind="onsite_office", title="区长现场办公", leaders="区长；常务副区长",
        projects=[project_a, project_b], notes="现场协调用电",
        new_instructions=["", "协调施工用电接入 "], today=date(2022, 4, 1))
    assert (visit.version, visit.visited_on, visit.kind) == (2, date(2022, 3, 29), "onsite_office")
    assert set(visit.projects.all()) == {project_a, project_b}
    assert [(i.sort, i.text, i.case_id is not None) for i in visit.instructions.order_by("sort")] \
        == [(1, "加快征迁扫尾", True), (2, "协调施工用电接入", False)]
    event = AuditEvent.objects.get(action="visit.update")
    assert event.changes["title"] == ["区长调研", "区长现场办公"]
    assert event.changes["projects"] == [[project_a.pk], sorted([project_a.pk, project_b.pk])]
    assert event.changes["instructions_added"] == 1
    # The same form sent again records nothing and keeps the version.
    again = services.visit_update(
        actor=dispatcher, visit=visit, expected_version=2, visited_on=date(2022, 3, 29),
        kind="onsite_office", title="区长现场办公", leaders="区长；常务副区长",
        projects=[project_a, project_b], notes="现场协调用电", today=date(2022, 4, 1))
    assert again.version == 2 and AuditEvent.objects.filter(action="visit.update").count() == 1


def test_visit_update_refuses_stale_versions_bad_input_and_other_roles(
        dispatcher, leader, street_a_head, project_a):
    visit = _visit(leader, project_a)
    fields = {"visited_on": date(2022, 3, 30), "kind": "research", "title": "区长调研",
              "leaders": "区长", "projects": [project_a], "today": date(2022, 4, 1)}
    services.visit_update(actor=leader, visit=visit, expected_version=1,
                          **{**fields, "notes": "第一次修改"})
    cases = [
        (dispatcher, {"expected_version": 1}, "visit.version_conflict"),
        (dispatcher, {"expected_version": 2, "visited_on": date(2022, 4, 2)},
         "visit.date_in_future"),
        (dispatcher, {"expected_version": 2, "kind": "party"}, "case.kind_invalid"),
        (dispatcher, {"expected_version": 2, "title": "  "}, "case.title_required"),
        (street_a_head, {"expected_version": 2}, "permission.denied"),
    ]
    for actor, change, code in cases:
        with pytest.raises(UserError) as refused:
            services.visit_update(actor=actor, visit=visit,
                                  **{**fields, "notes": "改", **change})
        assert refused.value.code == code, (change, refused.value.code)
    visit.refresh_from_db()
    assert (visit.version, visit.notes) == (2, "第一次修改")
