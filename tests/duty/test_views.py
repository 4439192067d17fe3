"""The duty pages: the board's query count, buttons that refuse bad input with a message and
change nothing, findings turned into cases in one click, and the holiday duty table files."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from diaodu.cases.models import Case
from diaodu.duty import services
from diaodu.duty.models import DutyAssignment, DutyShift, DutySwap, SpotCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def rostered(street_a, street_b, a_people, b_people):
    services.roster_generate_all(actor=None, units=[street_a, street_b],
                                 start=date(2022, 3, 28), end=date(2022, 4, 6),
                                 staff_per_shift=1)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_board_query_count_does_not_grow_with_units(client, leader, rostered, district,
                                                   django_assert_num_queries):
    from django.core.cache import cache

    client.force_login(leader)
    cache.clear()  # the sidebar's unread badge is cached: count from a cold cache
    url = reverse("duty:board") + "?day=2022-03-28"
    # The shell (session, user, 2FA device, permissions ×2, unread badge), flood season,
    # shifts, their people, units not rostered, active warnings: the same for any number of
    # units.
    with django_assert_num_queries(10):
        response = client.get(url)
    body = response.content.decode()
    assert "甲领导1" in body and "乙领导1" in body


def test_board_before_0830_shows_yesterdays_shift(client, street_a_reporter, rostered):
    client.force_login(street_a_reporter)
    body = client.get(reverse("duty:board") + "?day=2022-03-29").content.decode()
    assert "甲领导2" in body and "乙领导" not in body


def test_swap_with_another_units_person_is_refused_on_the_page(client, dispatcher, rostered,
                                                               street_a, b_people):
    shift = DutyShift.objects.get(unit=street_a, date=date(2022, 3, 28))
    staff = shift.assignments.get(role="staff").person
    client.force_login(dispatcher)
    response = client.post(reverse("duty:swap_request", args=[shift.pk]), {
        "from_person": staff.pk, "to_person": b_people[2].pk, "reason": "培训"}, follow=True)
    assert any("不能跨单位换班" in m for m in messages_of(response))
    assert not DutySwap.objects.exists()


def test_another_units_person_is_unknown_to_a_reporter(client, street_a_reporter, rostered,
                                                       street_a, b_people):
    shift = DutyShift.objects.get(unit=street_a, date=date(2022, 3, 28))
    client.force_login(street_a_reporter)
    response = client.post(reverse("duty:swap_request", args=[shift.pk]), {
        "from_person": shift.leader.pk, "to_person": b_people[1].pk, "reason": "培训"},
        follow=True)
    assert not any("乙领导2" in m for m in messages_of(response))
    assert not DutySwap.objects.exists()


def test_other_units_shift_is_not_found(client, street_b_reporter, rostered, street_a):
    shift = DutyShift.objects.get(unit=street_a, date=date(2022, 3, 28))
    client.force_login(street_b_reporter)
    assert client.get(reverse("duty:shift", args=[shift.pk])).status_code == 404
    assert client.post(reverse("duty:handover", args=[shift.pk]),
                       {"events": "x", "calls": 1}).status_code == 404


def test_answering_a_check_on_the_page(client, dispatcher, street_a_reporter, street_a,
                                       a_people):
    client.force_login(dispatcher)
    client.post(reverse("duty:check_create"), {"unit": street_a.pk, "window_minutes": 10})
    check = SpotCheck.objects.get()
    client.force_login(street_a_reporter)
    assert "在岗，确认应答" in client.get(reverse("duty:checks")).content.decode()
    client.post(reverse("duty:check_answer", args=[check.pk]))
    check.refresh_from_db()
    assert check.answered_at is not None


def test_a_late_answer_on_the_page_shows_why_and_changes_nothing(client, dispatcher,
                                                                 street_a_reporter, street_a):
    called = timezone.now() - timedelta(minutes=11)
    check = services.spot_check_create(actor=dispatcher, unit=street_a, called_at=called)
    client.force_login(street_a_reporter)
    response = client.post(reverse("duty:check_answer", args=[check.pk]), follow=True)
    assert any("查岗应答已超时" in m for m in messages_of(response))
    check.refresh_from_db()
    assert check.answered_at is None
    assert "漏岗" in response.content.decode()


def test_generate_button_for_the_unit_head(client, street_a_head, street_a, a_people):
    client.force_login(street_a_head)
    response = client.post(reverse("duty:roster_generate"), {
        "unit": street_a.pk, "start": "2022-03-01", "end": "2022-03-31",
        "staff_per_shift": 2}, follow=True)
    assert any("已生成 31 个班次" in m for m in messages_of(response))
    assert DutyAssignment.objects.count() == 93


def test_finding_to_case_in_one_click(client, dispatcher, street_a, district):
    plan = services.drill_plan_create(actor=None, tier="street", unit=street_a, name="防汛演练",
                                      scenario="内涝", mode="element", tested="人员转移")
    drill = services.drill_record(actor=None, plan=plan, unit=street_a,
                                  held_on=date(2022, 3, 3), participants=9, duration_minutes=40,
                                  findings=[("抽水泵启动慢", street_a)])
    client.force_login(dispatcher)
    finding = drill.findings.get()
    response = client.post(reverse("duty:finding_case", args=[finding.pk]), follow=True)
    case = Case.objects.get()
    assert case.number in response.content.decode()
    client.post(reverse("duty:finding_case", args=[finding.pk]))
    assert Case.objects.count() == 1


def test_holiday_table_excel_and_word(client, dispatcher, rostered):
    from docx import Document
    from openpyxl import load_workbook

    client.force_login(dispatcher)
    periods = client.get(reverse("duty:holiday") + "?year=2022").content.decode()
    assert "清明节" in periods and "2022-04-03 — 2022-04-05" in periods
    query = "?start=2022-04-03&end=2022-04-05"
    xlsx = client.get(reverse("duty:holiday_export", args=["xlsx"]) + query)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "2022年清明节假期值班表"
    assert [c.value for c in sheet[3]] == ["序号", "单位", "日期", "星期", "带班领导", "联系电话",
                                          "值班人员", "联系电话"]
    assert sheet["B4"].value == "林山寨街道" and sheet["C4"].value == "2022-04-03"
    assert "B4:B6" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.max_row == 3 + 6
    docx = client.get(reverse("duty:holiday_export", args=["docx"]) + query)
    document = Document(io.BytesIO(docx.content))
    assert document.paragraphs[0].text == "2022年清明节假期值班表"
    table = document.tables[0]
    assert len(table.rows) == 7 and table.cell(1, 1).text == "林山寨街道"
    assert table.cell(3, 1).text == "林山寨街道"  # merged: one name over its three days


def test_holiday_table_is_scoped(client, street_a_reporter, rostered):
    from openpyxl import load_workbook

    client.force_login(street_a_reporter)
    xlsx = client.get(reverse("duty:holiday_export", args=["xlsx"])
                      + "?start=2022-04-03&end=2022-04-05")
    units = {r[1].value for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(
        min_row=4) if r[1].value}
    assert units == {"林山寨街道"}


def test_pages_render_in_english(client, dispatcher, rostered):
    client.cookies["django_language"] = "en"
    client.force_login(dispatcher)
    for name in ("duty:board", "duty:roster", "duty:checks", "duty:flood", "duty:drills",
                 "duty:tracing", "duty:swaps", "duty:holiday"):
        body = client.get(reverse(name)).content.decode()
        assert "Duty" in body or "duty" in body, name


def test_warning_button_raises_duty(client, leader, rostered, street_a):
    plan = services.flood_plan_create(actor=None, name="预案", units=[(street_a, "blue")])
    client.force_login(leader)
    client.post(reverse("duty:warning_issue", args=[plan.pk]), {"level": "orange"})
    today = timezone.localdate()
    assert plan.warnings.get().level == "orange"
    assert not DutyShift.objects.filter(date__lt=today - timedelta(days=1), level="orange") \
        .exists()


def at(*args):
    return timezone.make_aware(datetime(*args))
