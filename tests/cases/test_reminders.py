"""The daily sweep: reminders before the deadline, the overdue mark, escalation tiers on
schedule, nothing sent twice. Time is passed in, never slept."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from diaodu.cases import services, tasks
from diaodu.cases.models import ActionKind, CaseStatus, Notice, NoticeKind
from diaodu.core.errors import UserError
from diaodu.core.models import Notification
from diaodu.core.notify import notification_mark_read
from diaodu.core.roles import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def days(start: date, end: date):
    while start <= end:
        yield start
        start += timedelta(days=1)


@pytest.fixture
def people(street_a_reporter, street_a_head, dispatcher, leader, project_a):
    project_a.leader = leader
    project_a.save()
    other_leader = UserFactory(username="secretary", unit=leader.unit, role=Role.LEADER)
    return {"reporter": street_a_reporter, "head": street_a_head, "dispatcher": dispatcher,
            "leader": leader, "secretary": other_leader}


def titles(user):
    return list(Notification.objects.filter(user=user).order_by("id")
                .values_list("title", flat=True))


def test_reminded_then_overdue_then_escalated_on_schedule(case_a, people):
    # Due 2022-04-12 (Tue). Defaults: remind 2 working days before; escalate to the unit head
    # 1 working day late, the leader in charge 3 days late, all district leaders 5 days late.
    log = {}
    for day in days(date(2022, 3, 28), date(2022, 4, 22)):
        counts = services.supervision_sweep(today=day)
        if any(counts.values()):
            log[day] = {k: v for k, v in counts.items() if v and k != "notifications"}
    assert log == {
        date(2022, 4, 8): {"remind": 1},          # Fri: 2 working days before (11th, 12th)
        date(2022, 4, 13): {"overdue": 1, "escalate": 1},    # unit head
        date(2022, 4, 15): {"escalate": 1},       # Fri: 3 working days late → leader in charge
        date(2022, 4, 19): {"escalate": 1},       # Tue: 5 working days late → district leaders
    }
    case_a.refresh_from_db()
    assert (case_a.escalation_level, case_a.overdue_since) == (3, date(2022, 4, 13))
    assert any(t.startswith("到期提醒") for t in titles(people["reporter"]))
    assert any(t.startswith("升级督办（单位负责人）") for t in titles(people["head"]))
    assert any(t.startswith("升级督办（包联领导）") for t in titles(people["leader"]))
    assert any(t.startswith("升级督办（区领导）") for t in titles(people["secretary"]))
    assert any(t.startswith("已逾期") for t in titles(people["dispatcher"]))
    kinds = list(case_a.actions.values_list("kind", flat=True))
    assert kinds.count(ActionKind.REMIND) == 1 and kinds.count(ActionKind.ESCALATE) == 3
    # The sweep issues the 提醒函 and, on the first escalation, the 督办函.
    assert sorted(Notice.objects.values_list("kind", flat=True)) == [
        NoticeKind.REMIND, NoticeKind.SUPERVISE]


def test_running_twice_sends_nothing_twice(case_a, people):
    first = services.supervision_sweep(today=date(2022, 4, 8))
    assert first["remind"] == 1 and first["notifications"] >= 2
    before = (Notification.objects.count(), case_a.actions.count(), Notice.objects.count())
    again = services.supervision_sweep(today=date(2022, 4, 8))
    later = services.supervision_sweep(today=date(2022, 4, 11))  # still inside the window
    assert again == later == {"remind": 0, "overdue": 0, "escalate": 0, "notifications": 0}
    assert (Notification.objects.count(), case_a.actions.count(),
            Notice.objects.count()) == before


def test_a_late_first_run_catches_up_all_tiers_once(case_a, people):
    counts = services.supervision_sweep(today=date(2022, 4, 25))
    assert counts["overdue"] == 1 and counts["escalate"] == 3
    assert services.supervision_sweep(today=date(2022, 4, 26))["escalate"] == 0


def test_resolved_cases_are_left_alone(case_a, people):
    services.case_resolve(actor=people["reporter"], case=case_a, text="已办结",
                          today=date(2022, 4, 1))
    assert not any(services.supervision_sweep(today=date(2022, 4, 20)).values())


def test_a_new_deadline_reminds_again(case_a, people, street_a):
    services.supervision_sweep(today=date(2022, 4, 13))
    case = services.case_assign(actor=people["dispatcher"], case=case_a, lead_unit=street_a,
                                due_workdays=3, today=date(2022, 4, 13))
    assert (case.escalation_level, case.overdue_since) == (0, None)
    assert services.supervision_sweep(today=date(2022, 4, 14))["remind"] == 1


def test_policy_is_configurable(case_a, people):
    services.policy_update(actor=people["dispatcher"], remind_before=5,
                           escalate_unit_head_after=2)
    assert services.supervision_sweep(today=date(2022, 4, 1))["remind"] == 0  # 6 days before
    assert services.supervision_sweep(today=date(2022, 4, 2))["remind"] == 1  # 调休 Saturday
    assert services.supervision_sweep(today=date(2022, 4, 13))["escalate"] == 0
    assert services.supervision_sweep(today=date(2022, 4, 14))["escalate"] == 1


def test_policy_tiers_out_of_order_are_refused(dispatcher, street_a_reporter):
    policy = services.policy_get()
    with pytest.raises(UserError) as error:
        services.policy_update(actor=dispatcher, escalate_leader_after=9)
    assert error.value.code == "policy.tiers_out_of_order"
    with pytest.raises(UserError):
        services.policy_update(actor=street_a_reporter, remind_before=1)
    policy.refresh_from_db()
    assert (policy.escalate_leader_after, policy.remind_before, policy.version) == (3, 2, 1)


def test_inbox_unread_and_mark_read(people, case_a):
    from diaodu.core.notify.selectors import unread_count

    reporter = people["reporter"]
    assert unread_count(user=reporter) == 1  # the assignment
    services.supervision_sweep(today=date(2022, 4, 8))
    assert unread_count(user=reporter) == 2
    other = people["head"]
    mine = Notification.objects.filter(user=reporter).first()
    theirs = Notification.objects.filter(user=other).first()
    assert notification_mark_read(actor=reporter, ids=[mine.pk, theirs.pk]) == 1
    assert unread_count(user=reporter) == 1 and unread_count(user=other) >= 1
    notification_mark_read(actor=reporter)
    assert unread_count(user=reporter) == 0


def test_daily_task_runs_the_sweep_and_queues_tomorrow_once(case_a, people):
    result = tasks.daily_supervision.call(today="2022-04-08")
    assert result["remind"] == 1
    queued = DBTaskResult.objects.filter(task_path=tasks.daily_supervision.module_path,
                                         status="READY")
    assert queued.count() == 1
    # The next run follows the real calendar, whatever day this run was told it is.
    assert queued.get().run_after == tasks.next_run(timezone.localdate())
    # A second run (another worker, a manual run) sends nothing and queues nothing more.
    assert not any(tasks.daily_supervision.call(today="2022-04-08").values())
    assert queued.count() == 1


def test_management_command_runs_and_schedules(case_a, people, capsys):
    call_command("cases_sweep", "--date", "2022-04-08")
    assert "remind=1" in capsys.readouterr().out
    call_command("cases_sweep", "--schedule")
    call_command("cases_sweep", "--schedule")
    assert "already queued" in capsys.readouterr().out
    assert case_a.__class__.objects.get(pk=case_a.pk).status == CaseStatus.ASSIGNED


def test_system_texts_are_shown_in_the_readers_language(case_a, people):
    """The sweep ran in an English session (a dispatcher clicked 'run now'): the records keep
    Chinese text and each reader sees the reminder, the overdue line and the escalation (with
    the level's title) in their own language."""
    with translation.override("en"):
        for day in days(date(2022, 4, 8), date(2022, 4, 13)):
            services.supervision_sweep(today=day)
    reporter_titles = Notification.objects.filter(user=people["reporter"]).order_by("id")
    assert [n.title for n in reporter_titles][:2] == [
        "到期提醒：林山寨项目土地报批滞后", "已逾期：林山寨项目土地报批滞后"]
    escalation = case_a.actions.get(kind=ActionKind.ESCALATE)
    assert escalation.text == "逾期未办结，升级督办至单位负责人。"
    with translation.override("zh-hans"):
        assert reporter_titles[0].shown_title == "到期提醒：林山寨项目土地报批滞后"
        assert escalation.shown_text == "逾期未办结，升级督办至单位负责人。"
    with translation.override("en"):
        shown = reporter_titles[0].shown_title
        assert shown.endswith("林山寨项目土地报批滞后") and "到期提醒" not in shown
        assert "单位负责人" not in escalation.shown_text and "升级督办" not in escalation.shown_text
        reminder = case_a.actions.get(kind=ActionKind.REMIND)
        assert "2022-04-12" in reminder.shown_text and "距办结期限" not in reminder.shown_text


def test_a_persons_words_are_kept_as_written(case_a, dispatcher, street_a_reporter):
    with translation.override("en"):
        services.case_comment(actor=dispatcher, case=case_a, text="请本周内报送用地材料。")
    comment = case_a.actions.get(kind=ActionKind.COMMENT)
    assert comment.phrases == {} and comment.shown_text == "请本周内报送用地材料。"
    message = Notification.objects.filter(case=case_a, body="请本周内报送用地材料。").first()
    assert message is not None and message.shown_body == "请本周内报送用地材料。"
    assert message.title == "新批示：林山寨项目土地报批滞后"
