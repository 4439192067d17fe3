"""The 督办 pages: 问题台账 filters and pinned query counts, the case page's steps, visits,
approvals, the task-force page and the inbox."""

from datetime import date

import pytest
from django.urls import reverse

from diaodu.cases import services
from diaodu.cases.models import Case, CaseStatus
from diaodu.core.models import Notification
from diaodu.core.notify import notification_mark_read
from diaodu.projects import services as project_services

from ..factories import ProjectFactory
from .conftest import ASSIGNED, upload

pytestmark = pytest.mark.django_db

LIST = reverse("cases:list")


def make_cases(n, project, lead, co, actor):
    for i in range(n):
        services.case_create(actor=actor, title=f"问题{i}", project=project, lead_unit=lead,
                             co_units=[co], category="land" if i % 2 else "funds",
                             today=ASSIGNED)


def test_ledger_query_count_does_not_grow_with_rows(client, dispatcher, project_a, street_a,
                                                    drc, django_assert_num_queries):
    make_cases(3, project_a, street_a, drc, dispatcher)
    client.force_login(dispatcher)
    client.get(LIST)  # warm the session and sidebar caches
    with django_assert_num_queries(9) as small:  # the reporter's 8 + the dispatcher's 2FA device
        assert client.get(LIST).status_code == 200
    make_cases(20, project_a, street_a, drc, dispatcher)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(LIST)
    assert response.content.decode().count('href="/cases/') >= 23


def test_ledger_for_a_reporter_is_pinned_and_scoped(client, street_a_reporter, dispatcher,
                                                    project_a, project_b, street_a, street_b,
                                                    drc, django_assert_num_queries):
    make_cases(2, project_a, street_a, drc, dispatcher)
    make_cases(2, project_b, street_b, drc, dispatcher)
    client.force_login(street_a_reporter)
    client.get(LIST)
    with django_assert_num_queries(8):
        body = client.get(LIST).content.decode()
    assert body.count(project_a.name) == 2 and project_b.name not in body


def test_ledger_filters(client, dispatcher, project_a, street_a, street_b, drc):
    make_cases(2, project_a, street_a, drc, dispatcher)
    services.case_create(actor=dispatcher, title="须水问题", lead_unit=street_b, today=ASSIGNED)
    client.force_login(dispatcher)
    assert "须水问题" not in client.get(LIST, {"unit": street_a.pk}).content.decode()
    assert client.get(LIST, {"unit": drc.pk}).content.decode().count("问题") >= 2
    body = client.get(LIST, {"category": "land"}).content.decode()
    assert "问题1" in body and "问题0" not in body
    overdue = client.get(LIST, {"overdue": "1"}).content.decode()  # today is long after 2022
    assert "须水问题" in overdue and "已逾期" in overdue
    assert "没有符合条件" in client.get(LIST, {"status": "closed"}).content.decode()


def test_stats_page(client, leader, dispatcher, project_a, street_a, drc):
    make_cases(2, project_a, street_a, drc, dispatcher)
    client.force_login(leader)
    body = client.get(reverse("cases:stats")).content.decode()
    assert "林山寨街道" in body and "土地" in body and "资金" in body


def test_reporter_raises_and_dispatcher_assigns_through_the_pages(client, street_a_reporter,
                                                                  dispatcher, project_a,
                                                                  street_a):
    client.force_login(street_a_reporter)
    url = reverse("cases:create") + f"?project={project_a.pk}"
    page = client.get(url).content.decode()
    assert "牵头单位" not in page  # a reporter raises, a dispatcher assigns
    response = client.post(url, {"kind": "problem", "title": "施工用电未接入", "detail": "",
                                 "category": "procedures", "source": "report",
                                 "priority": "urgent"})
    case = Case.objects.get()
    assert response.status_code == 302 and case.status == CaseStatus.OPEN
    client.force_login(dispatcher)
    response = client.post(reverse("cases:act", args=[case.pk, "assign"]), {
        "assign-lead_unit": street_a.pk, "assign-due_workdays": "5",
        "assign-expected_version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED and case.due_workdays == 5


def test_reply_with_attachment_and_refusals_on_the_page(client, case_a, street_a_reporter,
                                                        settings):
    client.force_login(street_a_reporter)
    act = reverse("cases:act", args=[case_a.pk, "reply"])
    response = client.post(act, {"reply-text": "已组卷", "reply-files": [upload()]})
    assert response.status_code == 302
    settings.CASES_MAX_ATTACHMENT_BYTES = 10
    response = client.post(act, {"reply-text": "大文件", "reply-files": [upload()]})
    assert response.status_code == 400 and "超过" in response.content.decode()
    assert case_a.actions.filter(kind="reply").count() == 1
    detail = client.get(case_a.get_absolute_url()).content.decode()
    assert "回复材料.pdf" in detail
    attachment = case_a.actions.get(kind="reply").attachments.get()
    download = client.get(reverse("cases:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(
        b"%PDF")


def test_steps_a_user_may_not_take_are_404(client, case_a, street_a_reporter, leader,
                                           street_b_reporter):
    client.force_login(leader)
    assert client.post(reverse("cases:act", args=[case_a.pk, "reply"]),
                       {"reply-text": "x"}).status_code == 404
    client.force_login(street_a_reporter)
    assert client.post(reverse("cases:act", args=[case_a.pk, "close"]),
                       {"close-expected_version": 1}).status_code == 404
    client.force_login(street_b_reporter)
    assert client.get(case_a.get_absolute_url()).status_code == 404
    assert client.post(reverse("cases:act", args=[case_a.pk, "reply"]),
                       {"reply-text": "x"}).status_code == 404


def test_resolve_verify_close_through_the_pages(client, case_a, street_a_reporter, dispatcher):
    client.force_login(street_a_reporter)
    client.post(reverse("cases:act", args=[case_a.pk, "resolve"]), {
        "resolve-text": "已完成", "resolve-resolved_on": "2022-04-08",
        "resolve-expected_version": Case.objects.get(pk=case_a.pk).version})
    client.force_login(dispatcher)
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert 'id="form-verify"' in page and 'id="form-close"' not in page
    client.post(reverse("cases:act", args=[case_a.pk, "verify"]), {
        "verify-passed": "1", "verify-expected_version": Case.objects.get(pk=case_a.pk).version})
    client.post(reverse("cases:act", args=[case_a.pk, "close"]), {
        "close-note": "已销号", "close-expected_version": Case.objects.get(pk=case_a.pk).version})
    assert Case.objects.get(pk=case_a.pk).status == CaseStatus.CLOSED


def test_stale_form_shows_the_conflict(client, case_a, dispatcher):
    client.force_login(dispatcher)
    response = client.post(reverse("cases:act", args=[case_a.pk, "assign"]), {
        "assign-lead_unit": case_a.lead_unit_id, "assign-due_workdays": "5",
        "assign-expected_version": case_a.version - 1})
    assert response.status_code == 400 and "请刷新后重试" in response.content.decode()


def test_visit_page_converts_an_instruction(client, leader, dispatcher, project_a, street_a):
    client.force_login(leader)
    response = client.post(reverse("cases:visit_create"), {
        "visited_on": "2022-03-30", "kind": "onsite_office", "title": "调研林山寨项目",
        "leaders": "区委书记", "projects": [project_a.pk], "notes": "",
        "instructions": "加快征迁扫尾\n协调用电"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "加快征迁扫尾" in page and "转为督办" in page
    instruction = project_a.visits.get().instructions.first()
    response = client.post(reverse("cases:instruction_to_case", args=[instruction.pk]), {
        "convert-lead_unit": street_a.pk, "convert-due_workdays": "10",
        "convert-category": "demolition"})
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert client.get(reverse("cases:visits")).status_code == 200


def test_visit_edit_page_corrects_the_record(client, leader, dispatcher, project_a, project_b):
    visit = services.visit_create(actor=leader, visited_on=date(2022, 3, 30), kind="research",
                                  title="调研林山寨项目", leaders="区委书记",
                                  projects=[project_a], instructions=["加快征迁扫尾"])
    client.force_login(dispatcher)
    url = reverse("cases:visit_update", args=[visit.pk])
    page = client.get(url).content.decode()
    assert "调研林山寨项目" in page and "补充领导指示" in page
    assert f'href="{url}"' in client.get(visit.get_absolute_url()).content.decode()
    form = {"visited_on": "2022-03-29", "kind": "onsite_office", "title": "现场办公林山寨项目",
            "leaders": "区委书记、区长", "projects": [project_a.pk, project_b.pk], "notes": "",
            "instructions": "协调用电", "version": 1}
    response = client.post(url, form)
    assert response["Location"] == visit.get_absolute_url()
    visit.refresh_from_db()
    assert (visit.title, visit.version, visit.instructions.count()) == ("现场办公林山寨项目", 2, 2)
    # The same page sent again, from before that save: refused, nothing changed.
    response = client.post(url, {**form, "title": "又一次修改"})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.title, visit.version, visit.instructions.count()) == ("现场办公林山寨项目", 2, 2)


def test_approvals_page_shows_the_on_time_rate(client, dispatcher, leader,
                                               django_assert_num_queries):
    for n in range(4):
        services.approval_create(actor=dispatcher, item=f"备案{n}", kind="notification_filing",
                                 received_on=date(2022, 2, 1 + n))
    client.force_login(leader)
    url = reverse("cases:approvals") + "?year=2022&quarter=1"
    client.get(url)
    with django_assert_num_queries(8):
        body = client.get(url).content.decode()
    assert "100.0%" in body and "备案3" in body


def test_task_force_page(client, taskforce_member, dispatcher, drc, project_a, street_a):
    force = project_services.task_force_create(actor=dispatcher, name="落地服务专班", lead_unit=drc,
                                       members=[taskforce_member], projects=[project_a])
    services.case_create(actor=taskforce_member, title="控规调整", project=project_a,
                         task_force=force, category="planning", today=ASSIGNED)
    client.force_login(taskforce_member)
    body = client.get(reverse("cases:task_force", args=[force.pk])).content.decode()
    assert "控规调整" in body and project_a.name in body
    other = ProjectFactory(name="无关项目", responsible_unit=street_a)
    assert other.name not in client.get(LIST).content.decode()


def test_inbox_shows_unread_and_marks_read(client, street_a_reporter, case_a):
    client.force_login(street_a_reporter)
    body = client.get(reverse("notify:inbox")).content.decode()
    assert "新交办事项" in body and "未读 1 条" in body
    client.post(reverse("notify:inbox_read"))
    assert not Notification.objects.filter(user=street_a_reporter, read_at=None).exists()


def test_sidebar_badge_counts_unread_and_follows_writes(client, street_a_reporter, case_a,
                                                        dispatcher, project_a, street_a):
    from diaodu.core.notify.nav import unread_badge

    request = client.get(LIST).wsgi_request  # anonymous: no badge
    assert unread_badge(request) == ""
    client.force_login(street_a_reporter)
    request = client.get(LIST).wsgi_request
    assert unread_badge(request) == "1"
    services.case_create(actor=dispatcher, title="又一个问题", lead_unit=street_a,
                         today=ASSIGNED)
    assert unread_badge(request) == "2"
    notification_mark_read(actor=street_a_reporter)
    assert unread_badge(request) == ""


def test_task_force_list_counts_results(client, dispatcher, leader, drc, project_a,
                                        django_assert_num_queries):
    force = project_services.task_force_create(actor=dispatcher, name="落地服务专班", lead_unit=drc,
                                       members=[], projects=[project_a])
    services.case_create(actor=dispatcher, title="控规调整", project=project_a,
                         task_force=force, lead_unit=drc, today=ASSIGNED)
    client.force_login(leader)
    url = reverse("cases:task_forces")
    client.get(url)
    with django_assert_num_queries(5):
        body = client.get(url).content.decode()
    assert "落地服务专班" in body and force.get_absolute_url() in body


def test_ledger_filters_by_project(client, dispatcher, project_a, project_b, street_a,
                                   street_b):
    services.case_create(actor=dispatcher, title="甲项目问题", project=project_a,
                         lead_unit=street_a, today=ASSIGNED)
    services.case_create(actor=dispatcher, title="乙项目问题", project=project_b,
                         lead_unit=street_b, today=ASSIGNED)
    client.force_login(dispatcher)
    body = client.get(LIST, {"project": project_a.pk}).content.decode()
    assert "甲项目问题" in body and "乙项目问题" not in body


def test_dispatcher_edits_a_task_force_in_the_admin(client, dispatcher, drc, street_a,
                                                    project_a, leader, taskforce_member):
    force = project_services.task_force_create(actor=dispatcher, name="落地服务专班", lead_unit=drc,
                                       members=[], projects=[project_a])
    client.force_login(dispatcher)
    response = client.post(reverse("admin:projects_taskforce_change", args=[force.pk]), {
        "name": "项目落地服务专班", "lead_unit": drc.pk, "leader": leader.pk,
        "members": [taskforce_member.pk], "member_units": [street_a.pk],
        "projects": [project_a.pk], "duties": "控规调整", "active": "on"})
    assert response.status_code == 302
    force.refresh_from_db()
    assert (force.name, force.leader, list(force.member_units.all())) == (
        "项目落地服务专班", leader, [street_a])
    client.force_login(taskforce_member)
    assert client.post(reverse("admin:projects_taskforce_change", args=[force.pk]),
                       {"name": "改名"}).status_code == 403
