"""Notices: running numbers per kind and year, and Word documents with the letter's parts."""

import io
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from diaodu.cases import services
from diaodu.cases.models import Notice, NoticeKind
from diaodu.cases.notices import ISSUER, render_notice
from diaodu.core.errors import UserError

from ..wordcheck import assert_schema_order, frame_of, rules_of

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    lines += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(lines)


def test_running_number_per_kind_and_year(case_a, dispatcher):
    first = services.notice_issue(actor=dispatcher, case=case_a, kind=NoticeKind.ASSIGN,
                                  today=date(2022, 3, 28))
    second = services.notice_issue(actor=dispatcher, case=case_a, kind=NoticeKind.ASSIGN,
                                   today=date(2022, 3, 29))
    remind = services.notice_issue(actor=dispatcher, case=case_a, kind=NoticeKind.REMIND,
                                   today=date(2022, 4, 8))
    next_year = services.notice_issue(actor=dispatcher, case=case_a, kind=NoticeKind.ASSIGN,
                                      today=date(2023, 1, 3))
    assert [n.reference for n in (first, second, remind, next_year)] == [
        "中原重点督交〔2022〕1号", "中原重点督交〔2022〕2号", "中原重点督提〔2022〕1号",
        "中原重点督交〔2023〕1号"]


def test_only_supervisors_issue_notices(case_a, street_a_head):
    with pytest.raises(UserError):
        services.notice_issue(actor=street_a_head, case=case_a, kind=NoticeKind.ASSIGN,
                              today=date(2022, 3, 28))
    assert not Notice.objects.exists()


def test_word_letter_has_the_parts_of_a_government_letter(case_a, dispatcher):
    services.supervision_sweep(today=date(2022, 4, 13))  # overdue → 督办函
    notice = Notice.objects.get(kind=NoticeKind.SUPERVISE)
    text = text_of(render_notice(notice))
    assert "中原重点督办〔2022〕1号" in text
    assert "关于督促办理“林山寨项目土地报批滞后”的督办函" in text
    assert "林山寨街道：" in text                     # addressee
    assert "现已逾期 1 个工作日" in text               # facts
    assert "2022年4月12日" in text                    # the deadline
    assert ISSUER in text and "2022年4月13日" in text  # issuer and date
    assert "抄送：" in text and "印发" in text          # 版记


def test_notice_page_downloads_docx_in_scope_only(client, case_a, dispatcher, street_a_reporter,
                                                  street_b_reporter):
    notice = services.notice_issue(actor=dispatcher, case=case_a, kind=NoticeKind.ASSIGN,
                                   today=date(2022, 3, 28))
    url = f"/cases/notices/{notice.pk}.docx"
    client.force_login(street_a_reporter)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert "交办“林山寨项目土地报批滞后”" in text_of(response.content)
    client.force_login(street_b_reporter)
    assert client.get(url).status_code == 404


def test_letter_body_is_chinese_for_an_english_screen(case_a, dispatcher):
    from django.utils import translation

    with translation.override("en"):
        notice = services.notice_issue(actor=dispatcher, case=case_a, kind=NoticeKind.ASSIGN,
                                       today=date(2022, 3, 28))
    assert notice.body.startswith("现将“林山寨项目土地报批滞后”")


def test_imprint_sits_in_frames_at_the_foot_of_the_last_page(case_a, dispatcher):
    """版记 (GB/T 9704 §7.5): the printing line's frame is aligned to the bottom margin and the
    copy-to line's frame stands right above it, both as wide as the text block, with a thick
    rule first and last and a thin one between; the document ends on a plain paragraph."""
    notice = services.notice_issue(actor=dispatcher, case=case_a, kind=NoticeKind.ASSIGN,
                                   today=date(2022, 3, 28))
    document = Document(io.BytesIO(render_notice(notice)))
    section = document.sections[0]
    text_width = (section.page_width - section.left_margin - section.right_margin) // 635
    text_height = (section.page_height - section.top_margin - section.bottom_margin) // 635
    *_, copy_to, printed, last = document.paragraphs
    assert copy_to.text.startswith("　抄送：") and printed.text.endswith("2022年3月28日印发　")
    assert last.text == "" and last._p.find(f".//{qn('w:framePr')}") is None

    low, high = frame_of(printed), frame_of(copy_to)
    assert low["yAlign"] == "bottom" and low["vAnchor"] == high["vAnchor"] == "margin"
    assert int(low["w"]) == int(high["w"]) == text_width
    assert int(high["y"]) == text_height - int(high["h"]) - int(low["h"])
    assert low["hRule"] == high["hRule"] == "exact"
    assert rules_of(copy_to) == {"top": "8"} and rules_of(printed) == {"top": "6", "bottom": "8"}


def test_paragraph_properties_are_in_schema_order(case_a, dispatcher):
    """Word refuses a file whose paragraph properties are out of the schema's order."""
    notice = services.notice_issue(actor=dispatcher, case=case_a, kind=NoticeKind.ASSIGN,
                                   today=date(2022, 3, 28))
    assert_schema_order(Document(io.BytesIO(render_notice(notice))))
