"""The Word monthly briefing: figures from the dashboard's selectors, the DRC's layout."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from diaodu.investment import services
from diaodu.investment.selectors import year_kpis
from diaodu.ledgers.briefing import briefing_docx
from diaodu.projects.models import Level, Stage

from ..factories import ProjectFactory
from ..investment.conftest import fill_and_submit, open_month, report_of
from ..wordcheck import assert_schema_order, frame_of, rules_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(dispatcher, street_a, street_b):
    """Two provincial projects: one on track, one behind time progress, approved for March."""
    projects = []
    for name, unit, planned, done in (("林山寨城市更新项目", street_a, "12000", "4000"),
                                      ("须水产业园项目", street_b, "6000", "100")):
        project = ProjectFactory(name=name, level=Level.PROVINCE, responsible_unit=unit,
                                 street=unit, stage=Stage.CONSTRUCTION,
                                 actual_start=date(2021, 3, 1),
                                 total_investment=Decimal("50000.00"), on_whitelist=False)
        plan = services.annual_plan_create(actor=dispatcher, project=project, year=2022,
                                           planned_investment=planned)
        services.annual_plan_approve(actor=dispatcher, plan=plan)
        projects.append((project, done))
    march = open_month(dispatcher, 2022, 3)
    for project, done in projects:
        report = fill_and_submit(None, report_of(march, project), done, done)
        services.report_approve(actor=dispatcher, report=report,
                                expected_version=report.version)
    return projects


def text_of(content):
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(parts)


def test_headline_uses_the_dashboard_figures(dispatcher, reported):
    content, filename = briefing_docx(user=dispatcher, year=2022, month=3)
    kpis = year_kpis(user=dispatcher, year=2022, month=3, levels=("province", "city"))
    assert kpis.completed_ytd == Decimal("4100.00")
    text = text_of(content)
    assert "重点项目建设简报" in text and "第3期" in text
    assert "1~3月份全区省市重点项目累计完成投资0.41亿元，占年度计划的22.8%" in text
    assert "低于时序进度" in text
    assert "须水产业园项目" in text.split("进度滞后项目")[1]  # 1.7% against 24.7% elapsed
    assert "林山寨城市更新项目" not in text.split("进度滞后项目")[1].split("问题协调")[0]
    assert filename == "重点项目建设简报_2022年3月.docx"


def test_briefing_is_scoped(street_a_reporter, reported):
    text = text_of(briefing_docx(user=street_a_reporter, year=2022, month=3)[0])
    assert "累计完成投资0.40亿元" in text and "须水产业园项目" not in text


def test_briefing_download(client, dispatcher, reported):
    client.force_login(dispatcher)
    response = client.get(reverse("ledgers:briefing") + "?year=2022&month=3")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "重点项目建设简报" in text_of(response.content)


def test_distribution_lines_sit_at_the_foot_of_the_last_page(dispatcher, reported):
    """报/发/印发 are one-line frames stacked up from the bottom margin, between two rules; the
    document ends on a plain paragraph (docs: wordfmt.pin_to_foot)."""
    doc = Document(io.BytesIO(briefing_docx(user=dispatcher, year=2022, month=3)[0]))
    *_, submitted, sent, printed, last = doc.paragraphs
    assert submitted.text.startswith("报：") and sent.text.startswith("发：")
    assert printed.text.endswith("印发") and last.text == ""
    frames = [frame_of(p) for p in (submitted, sent, printed)]
    assert frames[2]["yAlign"] == "bottom"
    height = int(frames[2]["h"])
    assert int(frames[0]["y"]) + height == int(frames[1]["y"])
    assert int(frames[1]["y"]) + 2 * height == (doc.sections[-1].page_height
                                                - doc.sections[-1].top_margin
                                                - doc.sections[-1].bottom_margin) // 635
    assert "top" in rules_of(submitted) and "bottom" in rules_of(printed)
    assert_schema_order(doc)


def test_a_control_character_in_an_imported_name_does_not_break_the_briefing(dispatcher,
                                                                               reported):
    """Names from a ledger file reach the briefing without a form's check (issue 16)."""
    from diaodu.projects.models import Project

    project, _ = reported[1]
    Project.objects.filter(pk=project.pk).update(name="须水产业园\x01项目\x1b")
    text = text_of(briefing_docx(user=dispatcher, year=2022, month=3)[0])
    assert "须水产业园项目" in text.split("进度滞后项目")[1]
