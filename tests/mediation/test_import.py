"""矛盾纠纷排查台账 through the ledger import (kind "screening"): the street's ledger end to end,
idempotent, concluding pending disputes from the monthly copy, all or nothing with errors
naming the cell, and who may upload it."""

from datetime import date
from decimal import Decimal

import pytest

from diaodu.core import clock
from diaodu.core.errors import Forbidden, UserError
from diaodu.core.models import AuditEvent, User
from diaodu.ledgers import services as ledgers
from diaodu.ledgers.models import JobStatus
from diaodu.mediation.models import Dispute, Party

from . import corpus
from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with clock.as_of(TODAY):
        yield


@pytest.fixture
def committees(community_committee_a, mediator_a):
    return community_committee_a, mediator_a.committee


@pytest.fixture
def head(street_a_head, committees):
    """The street's unit head (综治 office), read again: adding units moved the street's
    place in the tree after the fixture was made, as a signed-in user's would be read fresh."""
    return User.objects.select_related("unit").get(pk=street_a_head.pk)


def run(actor, data, *, commit=True, filename="林山寨街道排查台账.xlsx"):
    job = ledgers.import_job_create(actor=actor, kind="screening", filename=filename,
                                    data=data, options={})
    return ledgers.import_job_run(actor=actor, job=job, commit=commit)


def cells(job):
    return [(e["cell"], e["message"]) for r in job.rows for e in r["errors"]]


def test_the_streets_ledger_imports_through_the_ledger_job(head, committees):
    job = run(head, corpus.screening_ledger())
    assert job.status == JobStatus.DONE, cells(job)
    assert (job.summary["create"], job.summary["error"]) == (corpus.CREATED, 0)
    assert job.mapping["header_row"] == 2 and job.mapping["header_rows"] == 2
    disputes = Dispute.objects.filter(source="screening")
    assert disputes.count() == corpus.CREATED
    assert sum(d.amount for d in disputes) == corpus.TOTAL_WAN
    assert disputes.filter(outcome="settled").count() == corpus.SETTLED
    assert disputes.filter(outcome="pending").count() == corpus.PENDING
    assert Party.objects.count() == corpus.PARTIES
    water = disputes.get(screening_ref="PC2022-001")
    assert water.committee == committees[0] and water.category == "neighbour"
    assert water.concluded_on == date(2022, 3, 10) and water.amount == Decimal("1.20")
    fees = disputes.get(screening_ref="PC2022-002")
    assert fees.received_on == date(2022, 3, 8) and fees.category == "property"
    assert fees.parties.get(side="respondent").kind == "organisation"
    assert disputes.get(screening_ref="PC2022-004").mediator.name == "王秀兰"
    # The 合计 is checked against the rows; the notes under it are no data.
    assert any("与各行之和一致" in check for check in job.summary["checks"])
    assert job.summary["rows"] == corpus.CREATED


def test_the_same_file_twice_changes_nothing(head, committees):
    data = corpus.screening_ledger()
    run(head, data)
    events = AuditEvent.objects.count()
    again = run(head, data)
    assert again.status == JobStatus.DONE
    assert (again.summary["create"], again.summary["update"],
            again.summary["unchanged"]) == (0, 0, corpus.CREATED)
    assert Dispute.objects.count() == corpus.CREATED
    assert AuditEvent.objects.count() == events + 2  # the upload and the run only


def test_the_monthly_copy_concludes_what_was_pending(head, committees):
    run(head, corpus.screening_ledger())
    (title, rows), street = corpus.ROWS
    rows = [*rows]
    rows[1] = (*rows[1][:11], "调成", date(2022, 3, 30), "物业公司于4月前恢复电梯运行")
    job = run(head, corpus.screening_ledger([(title, rows), street]))
    assert (job.summary["create"], job.summary["update"]) == (0, 1), cells(job)
    fees = Dispute.objects.get(screening_ref="PC2022-002")
    assert fees.outcome == "settled" and fees.concluded_on == date(2022, 3, 30)
    assert AuditEvent.objects.filter(action="dispute.conclude").count() == 1


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(head, committees):
    (title, rows), (street_title, street_rows) = corpus.ROWS
    bad = [*street_rows]
    bad[0] = (*bad[0][:9], -4.85, *bad[0][10:])                  # K: negative amount
    bad[1] = (*bad[1][:3], "天气纠纷", *bad[1][4:])               # E: no such category
    rows = [*rows, (*rows[0][:1], *rows[0][1:])]                 # B: PC2022-001 twice
    job = run(head, corpus.screening_ledger([(title, rows), (street_title, bad)],
                                                     total=None))
    assert job.status == JobStatus.FAILED
    assert Dispute.objects.count() == 0 and Party.objects.count() == 0
    found = dict(cells(job))
    # Rows: title 1-2, header 3-4, section 5, community rows 6-9, section 10, street 11-12.
    assert found["B9"] == "排查编号：与第6行的排查编号重复。"
    assert found["K11"].startswith("涉及金额") and "负数" in found["K11"]
    assert found["E12"] == "纠纷类型：纠纷类型“天气纠纷”不在类型表中。"
    assert job.summary["error"] == 3


@pytest.mark.parametrize(("column", "value", "cell", "text"), [
    (10, 5000.01, "K6", "疑似按元填写"),                      # 5000.00 is the most in 万元
    (2, "2022年3月", "C6", "具体日期"),                       # a month is not a date
    (3, "须水街道人民调解委员会", "D6", "无权登记"),          # another street's committee
    (12, "调成", "O6", "须填写协议内容"),                    # settled without its terms
])
def test_row_refusals(committee_b, head, committees, column, value, cell, text):
    (title, rows), street = corpus.ROWS
    rows = [*rows]
    changed = list(rows[0])
    changed[column - 1] = value
    if column == 12:
        changed[13] = ""
    rows[0] = tuple(changed)
    job = run(head, corpus.screening_ledger([(title, rows), street], total=None))
    found = dict(cells(job))
    assert cell in found and text in found[cell], found
    assert not Dispute.objects.exists()


def test_the_amount_boundary(head, committees):
    (title, rows), _street = corpus.ROWS
    row = (*rows[0][:9], 5000.00, *rows[0][10:])
    job = run(head, corpus.screening_ledger([(title, [row])], total=None))
    assert job.status == JobStatus.DONE, cells(job)
    assert Dispute.objects.get().amount == Decimal("5000.00")


def test_dry_run_writes_nothing(head, committees):
    job = run(head, corpus.screening_ledger(), commit=False)
    assert job.status == JobStatus.CHECKED and job.summary["create"] == corpus.CREATED
    assert not Dispute.objects.exists()
    assert not AuditEvent.objects.filter(action="dispute.register").exists()


def test_who_may_upload_it(street_a_reporter, street_a_head, dispatcher, leader):
    assert "screening" in ledgers.kinds_for(street_a_reporter)
    assert "screening" in ledgers.kinds_for(street_a_head)
    for someone in (dispatcher, leader):
        assert "screening" not in ledgers.kinds_for(someone)
        with pytest.raises(Forbidden):
            run(someone, corpus.screening_ledger())


def test_a_street_reporter_imports_only_the_streets_own_committee(street_a_reporter,
                                                                  committees):
    job = run(street_a_reporter, corpus.screening_ledger())
    refused = {cell for cell, _m in cells(job)}
    assert refused == {"D6", "D7", "D8"}  # the community's committee is its own unit's
    assert not Dispute.objects.exists()


def test_the_form_and_the_ledger_share_the_rules(head, committees):
    """A row the register's form would refuse is refused by the import too (validate_dispute):
    received after today."""
    (title, rows), _street = corpus.ROWS
    row = (rows[0][0], date(2022, 4, 1), *rows[0][2:11], "", None, "")
    job = run(head, corpus.screening_ledger([(title, [row])], total=None))
    found = dict(cells(job))
    assert "晚于今天" in found["C6"] and not Dispute.objects.exists()


def test_a_file_without_the_key_column_names_it(head):
    from tests.ledgers.conftest import xlsx

    with pytest.raises(UserError, match="都没有“排查编号”列"):
        run(head, xlsx([["序号", "调委会", "纠纷简要情况"], [1, corpus.STREET, "噪音"]]))
