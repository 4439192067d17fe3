"""人民调解协议书 as a Word document, filled into the template of the 人民调解文书格式
(the Ministry of Justice's model forms): number, parties, facts and matters in dispute, the
terms, how and when they are performed, the legal effect clause, signatures and the
committee's seal line. Only people who handle the case download it (full names)."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from diaodu.core import wordfmt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SIZE_2, SIZE_3 = Pt(22), Pt(16)

# The template: (kind, text) with {placeholders} filled from the dispute. "h" is a heading
# line, "p" an indented paragraph, "r" a right-aligned line, "l" a plain line.
TEMPLATE = [
    ("r", "{number}"),
    ("h", "当事人"),
    ("parties", ""),
    ("h", "纠纷主要事实、争议事项"),
    ("p", "{summary}"),
    ("h", "经调解，自愿达成如下协议"),
    ("terms", ""),
    ("h", "履行协议的方式、地点、期限"),
    ("p", "{performance}"),
    ("p", "本协议经双方当事人签名（盖章）、人民调解员签名并加盖人民调解委员会印章后生效。"
          "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。"
          "当事人可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。"),
    ("p", "本协议一式{copies}份，双方当事人、人民调解委员会各持一份。"),
    ("l", ""),
    ("l", "当事人（签名盖章或按指印）：{signatures}"),
    ("l", "人民调解员（签名）：{mediator}"),
    ("l", "记录人（签名）："),
    ("l", ""),
    ("r", "{committee}（印）"),
    ("r", "{date}"),
]


def _paragraph(document, text: str = "", *, font: str = BODY_FONT, size=SIZE_3,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False, bold: bool = False):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    if text:
        wordfmt.font(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def _cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def render_agreement(dispute) -> bytes:
    """The .docx bytes of the agreement of a settled dispute (selectors.handled_dispute_get:
    `party_list` unmasked)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, SIZE_3
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    heading = _paragraph(document, "人民调解协议书", font=TITLE_FONT, size=SIZE_2,
                         align=WD_ALIGN_PARAGRAPH.CENTER)
    heading.paragraph_format.space_after = Pt(16)
    values = {
        "number": f"编号：{dispute.number}",
        "summary": dispute.summary,
        "performance": dispute.performance or "按上述协议约定履行。",
        "copies": "三" if len(dispute.party_list) <= 2 else str(len(dispute.party_list) + 1),
        "signatures": "　　　　".join(p.name for p in dispute.party_list),
        "mediator": dispute.mediator.name if dispute.mediator else "",
        "committee": dispute.committee.name,
        "date": _cn_date(dispute.concluded_on) if dispute.concluded_on else "",
    }
    for kind, text in TEMPLATE:
        if kind == "parties":
            for p in dispute.party_list:
                line = f"{p.side_label}：{p.name}（{p.kind_label}）"
                if p.phone:
                    line += f"，联系电话：{p.phone}"
                if p.address:
                    line += f"，住所：{p.address}"
                _paragraph(document, line, indent=True)
        elif kind == "terms":
            for number, term in enumerate(
                    [t.strip() for t in dispute.terms.splitlines() if t.strip()], start=1):
                _paragraph(document, f"{number}. {term}", indent=True)
        elif kind == "h":
            _paragraph(document, f"{text}：", font=HEADING_FONT)
        elif kind == "r":
            _paragraph(document, text.format(**values), align=WD_ALIGN_PARAGRAPH.RIGHT)
        else:
            _paragraph(document, text.format(**values), indent=kind == "p")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
