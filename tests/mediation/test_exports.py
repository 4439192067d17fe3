"""Registers as .xlsx (scoped, masked, formulas neutralised), the statistics with exact sums
and the 人民调解协议书."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from diaodu.mediation import exports, network, selectors, services
from tests.wordcheck import assert_schema_order

from .conftest import TODAY, register
from .test_disputes import fresh

pytestmark = pytest.mark.django_db


def rows_of(content):
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


@pytest.fixture
def register_2022(committee_a, committee_b, mediator_a):
    a = register(committee_a, amount="0.10", summary="=HYPERLINK(\"http://x\")",
                 mediator=mediator_a)
    register(committee_a, amount="0.20", category="family")
    register(committee_b, amount="0.70", category="family")
    services.dispute_conclude(actor=None, dispute=a, outcome="settled",
                              concluded_on=date(2022, 3, 2), terms="赔偿500元\n当场付清",
                              performance="当场履行", on=TODAY)
    return a


def test_dispute_register_export(register_2022, dispatcher, street_a_reporter):
    content = exports.export_disputes(fresh(dispatcher), 2022)
    rows = rows_of(content)
    assert rows[0][0] == "2022年人民调解登记台账"
    data = rows[3:-1]
    assert len(data) == 3 and rows[-1][1] == "合计（3件，调成1件）"
    assert rows[-1][9] == pytest.approx(1.0)
    assert {r[6] for r in data} == {"张**"}  # the DRC does not handle these cases
    assert '=HYPERLINK("http://x")' in {r[8] for r in data}
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    own = rows_of(exports.export_disputes(fresh(street_a_reporter), 2022))[3:-1]
    assert len(own) == 2 and {r[6] for r in own} == {"张三丰"}


def test_statistics_are_exact_by_level_street_and_category(register_2022, committee_a,
                                                           district_committee, leader):
    register(district_committee, amount="0.01", received_on=date(2022, 1, 31))
    stats = selectors.dispute_stats(user=fresh(leader), year=2022)
    assert (stats.total.total, stats.total.settled, stats.total.pending) == (4, 1, 3)
    assert stats.total.amount == Decimal("1.01")
    assert [(r.key, r.total, r.amount) for r in stats.by_level] == [
        ("district", 1, Decimal("0.01")), ("street", 3, Decimal("1.00"))]
    assert [(r.label, r.total) for r in stats.by_street] == [
        ("区级", 1), ("林山寨街道", 2), ("须水街道", 1)]
    assert {r.key: r.total for r in stats.by_category} == {"neighbour": 2, "family": 2}
    assert [(r.label, r.total) for r in stats.by_month] == [("1月", 1), ("3月", 3)]
    march = selectors.dispute_stats(user=fresh(leader), year=2022, month=3)
    assert march.total.total == 3 and march.by_level[0].rate == Decimal("100.0")
    rows = rows_of(exports.export_stats(fresh(leader), 2022))
    assert rows[0][0] == "2022年人民调解工作统计表"
    assert "一、按层级" in {r[0] for r in rows}


def test_agreement_document(register_2022, street_a_reporter):
    dispute = selectors.handled_dispute_get(user=fresh(street_a_reporter), pk=register_2022.pk)
    from diaodu.mediation.agreement import render_agreement

    document = Document(io.BytesIO(render_agreement(dispute)))
    text = [p.text for p in document.paragraphs]
    assert text[0] == "人民调解协议书"
    assert "编号：调〔2022〕00001号" in text
    assert "申请人：张三丰（自然人），联系电话：13812345678，住所：建设西路12号院3号楼" in text
    assert "1. 赔偿500元" in text and "2. 当场付清" in text
    assert "林山寨街道人民调解委员会（印）" in text and "2022年3月2日" in text
    assert any("司法确认" in t for t in text)
    assert_schema_order(document)


def test_mediator_and_directory_exports(register_2022, street_a, leader):
    network.place_save(actor=None, kind="station", name="@林山寨站", unit=street_a)
    rows = rows_of(exports.export_mediators(fresh(leader)))
    assert rows[3][1] == "王秀兰" and rows[-1][1] == "其中金牌调解员1名"
    rows = rows_of(exports.export_directory(fresh(leader), TODAY))
    assert "@林山寨站" in {r[3] for r in rows}
