"""The pure supervision rules (diaodu/cases/rules.py) at their boundaries: which step a case
owes on a day, the approval clock and the attachment check. No database."""

from datetime import date

import pytest

from diaodu.cases.rules import (
    MAX_ATTACHMENT_BYTES,
    SweepStep,
    approval_timing,
    attachment_problem,
    due_steps,
)
from diaodu.core.calendar import WorkCalendar

CALENDAR = WorkCalendar({date(2022, 4, 4): False, date(2022, 4, 5): False,  # 清明
                         date(2022, 4, 2): True})                           # make-up Saturday
TIERS = [(1, 1), (2, 3), (3, 5)]
DUE = date(2022, 4, 12)  # a Tuesday


def steps(today, *, level=0, remind_before=2, tiers=TIERS, due=DUE):
    return due_steps(due_on=due, today=today, escalation_level=level, calendar=CALENDAR,
                     remind_before=remind_before, tiers=tiers)


def test_reminder_from_n_working_days_before_through_the_due_day():
    assert steps(date(2022, 4, 7)) == []                        # Thu: 3 working days before
    remind = [SweepStep("remind", "remind:2022-04-12")]
    assert steps(date(2022, 4, 8)) == remind                    # Fri: 11th and 12th remain
    assert steps(date(2022, 4, 9)) == remind                    # Sat
    assert steps(DUE) == remind                                 # due today: not overdue
    assert steps(date(2022, 4, 7), remind_before=3) == remind


def test_the_day_after_the_deadline_is_overdue_and_first_tier_when_a_working_day_passed():
    assert steps(date(2022, 4, 13)) == [
        SweepStep("overdue", "overdue:2022-04-12"),
        SweepStep("escalate", "escalate:2022-04-12:1", 1)]


def test_tiers_start_at_their_working_day_count_and_skip_levels_already_reached():
    assert steps(date(2022, 4, 14), level=1) == [SweepStep("overdue", "overdue:2022-04-12")]
    assert steps(date(2022, 4, 15), level=1) == [
        SweepStep("overdue", "overdue:2022-04-12"),
        SweepStep("escalate", "escalate:2022-04-12:2", 2)]
    assert [s.level for s in steps(date(2022, 4, 19))] == [0, 1, 2, 3]
    assert [s.level for s in steps(date(2022, 4, 18))] == [0, 1, 2]
    assert steps(date(2022, 4, 19), level=3) == [SweepStep("overdue", "overdue:2022-04-12")]


def test_overdue_over_a_weekend_escalates_only_after_a_working_day():
    friday = date(2022, 4, 15)
    assert steps(date(2022, 4, 16), due=friday) == [SweepStep("overdue", "overdue:2022-04-15")]
    assert steps(date(2022, 4, 18), due=friday)[-1] == SweepStep(
        "escalate", "escalate:2022-04-15:1", 1)


def test_a_tier_of_zero_days_waits_one_working_day():
    assert steps(date(2022, 4, 13), tiers=[(1, 0)])[-1].level == 1
    friday = date(2022, 4, 15)
    assert steps(date(2022, 4, 16), due=friday, tiers=[(1, 0)]) == [
        SweepStep("overdue", "overdue:2022-04-15")]


def test_reminder_counts_working_days_across_a_holiday():
    due = date(2022, 4, 6)  # after 清明 (4th, 5th off)
    assert steps(date(2022, 3, 31), due=due) == []               # 1st, 2nd (make-up), 6th
    assert steps(date(2022, 4, 1), due=due) == [SweepStep("remind", "remind:2022-04-06")]


def test_approval_timing_does_not_count_the_day_of_receipt():
    received = date(2022, 3, 31)  # Thursday
    assert approval_timing(received_on=received, completed_on=received, time_limit=0,
                           calendar=CALENDAR) == (0, True)
    # 4-01, 4-02 (make-up), 4-06: three working days
    assert approval_timing(received_on=received, completed_on=date(2022, 4, 6), time_limit=3,
                           calendar=CALENDAR) == (3, True)
    assert approval_timing(received_on=received, completed_on=date(2022, 4, 7), time_limit=3,
                           calendar=CALENDAR) == (4, False)


@pytest.mark.parametrize(("name", "size", "head", "problem"), [
    ("a.pdf", 0, b"%PDF-1.7", "empty"),
    ("a.pdf", -1, b"%PDF-1.7", "empty"),
    ("a.pdf", 1, b"%PDF-1.7", None),
    ("a.pdf", MAX_ATTACHMENT_BYTES, b"%PDF-1.7", None),
    ("a.pdf", MAX_ATTACHMENT_BYTES + 1, b"%PDF-1.7", "too_large"),
    ("A.PDF", 10, b"%PDF-1.7", None),
    ("a.tar.pdf", 10, b"%PDF-1.7", None),
    ("pdf", 10, b"%PDF-1.7", "type"),
    ("a.exe", 10, b"MZ", "type"),
    ("a.pdf", 10, b"PK\x03\x04", "content"),
    ("a.docx", 10, b"PK\x03\x04rest", None),
    ("a.doc", 10, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", None),
    ("a.png", 10, b"\x89PNG\r\n\x1a", "content"),
    ("a.jpg", 10, b"\xff\xd8\xff\xe0", None),
])
def test_attachment_problem(name, size, head, problem):
    assert attachment_problem(name, size, head) == problem


def test_attachment_limit_is_a_parameter():
    assert attachment_problem("a.pdf", 11, b"%PDF-", max_bytes=10) == "too_large"
    assert attachment_problem("a.pdf", 10, b"%PDF-", max_bytes=10) is None
