"""矛盾纠纷排查台账 import: all or nothing, idempotent, errors naming row and column."""

import io
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter

from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.mediation import imports
from diaodu.mediation.models import Dispute, Party

from .conftest import TODAY

pytestmark = pytest.mark.django_db

HEADER = ["序号", "排查编号", "排查日期", "调委会", "纠纷类型", "申请人", "申请人电话",
          "被申请人", "被申请人电话", "纠纷简要情况", "涉及金额（万元）", "调解员", "调解结果",
          "办结日期", "协议内容"]
C = "林山寨街道人民调解委员会"


def ledger(rows, header=HEADER) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["林山寨街道矛盾纠纷排查台账"])
    sheet.write_row(1, 0, header)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def row(ref="PC-001", amount="2.50", outcome="", concluded=None, terms="", **kw):
    values = {"n": 1, "ref": ref, "date": date(2022, 3, 5), "committee": C,
              "category": "邻里纠纷", "applicant": "张三丰", "aphone": "13812345678",
              "respondent": "李四海", "rphone": "", "summary": "噪音扰民",
              "amount": amount, "mediator": "王秀兰", "outcome": outcome,
              "concluded": concluded, "terms": terms} | kw
    return list(values.values())


def run(data, actor=None, dry_run=False):
    return imports.screening_import(actor=actor, data=data, filename="排查台账.xlsx",
                                    dry_run=dry_run, on=TODAY)


def test_import_creates_then_changes_nothing_then_concludes(mediator_a):
    data = ledger([row(), row(ref="PC-002", category="婚姻家庭", amount=0.5)])
    report = run(data)
    assert (report.created, report.unchanged, report.errors) == (2, 0, [])
    assert Dispute.objects.filter(source="screening").count() == 2
    assert sorted(Dispute.objects.values_list("amount", flat=True)) == [Decimal("0.50"),
                                                                       Decimal("2.50")]
    events = AuditEvent.objects.count()
    again = run(data)
    assert (again.created, again.unchanged) == (0, 2)
    assert Dispute.objects.count() == 2 and AuditEvent.objects.count() == events
    monthly = ledger([row(outcome="调成", concluded=date(2022, 3, 20), terms="互相谅解"),
                      row(ref="PC-002", category="婚姻家庭", amount=0.5)])
    later = run(monthly)
    assert (later.created, later.concluded, later.unchanged) == (0, 1, 1)
    assert Dispute.objects.get(screening_ref="PC-001").outcome == "settled"


def test_a_bad_row_imports_nothing_and_names_row_and_column(mediator_a):
    data = ledger([row(), row(ref="PC-002", amount="-1"), row(ref="PC-003", category="天气"),
                   row(ref="PC-004", date="2022-13-01"), row(ref="PC-001"),
                   row(ref="PC-005", amount="30000元"), row(ref="PC-006", committee="火星调委会")])
    report = run(data)
    assert not report.ok and Dispute.objects.count() == 0 and Party.objects.count() == 0
    messages = [str(e) for e in report.errors]
    assert messages[0] == "第4行“涉及金额（万元）”列：涉及金额不能为负数。"
    assert messages[1].startswith("第5行“纠纷类型”列：纠纷类型“天气”")
    assert messages[2].startswith("第6行“排查日期”列：日期格式不正确")
    assert messages[3] == "第7行“排查编号”列：与第3行的排查编号重复。"
    assert messages[4].startswith("第8行“涉及金额（万元）”列：涉及金额应以万元为单位")
    assert messages[5].startswith("第9行“调委会”列：调委会“火星调委会”不存在")


def test_the_amount_boundary_in_a_ledger(mediator_a):
    assert run(ledger([row(amount="5000.00")])).ok
    report = run(ledger([row(ref="PC-9", amount="5000.01")]))
    assert "疑似按元填写" in str(report.errors[0])


def test_dry_run_writes_nothing(mediator_a):
    report = run(ledger([row()]), dry_run=True)
    assert report.created == 1 and Dispute.objects.count() == 0
    assert not AuditEvent.objects.filter(action="dispute.register").exists()


def test_rows_of_another_units_committee_are_refused(mediator_a, committee_b,
                                                     street_b_reporter):
    report = run(ledger([row()]), actor=street_b_reporter)
    assert "无权登记" in str(report.errors[0]) and not Dispute.objects.exists()


def test_missing_columns_and_header(mediator_a):
    with pytest.raises(UserError, match="缺少必填列：调委会"):
        run(ledger([row()], header=[h if h != "调委会" else "备注" for h in HEADER]))
    with pytest.raises(UserError, match="未找到表头"):
        run(ledger([["a", "b"]], header=["甲", "乙"]))


def test_a_settled_row_needs_its_terms(mediator_a):
    report = run(ledger([row(outcome="调成", concluded=date(2022, 3, 20))]))
    assert str(report.errors[0]) == "第3行“协议内容”列：调成的纠纷须填写协议内容。"
