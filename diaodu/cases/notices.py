"""交办函 / 提醒函 / 督办函 as Word documents, laid out after GB/T 9704-2012 (党政机关公文格式,
信函格式): red issuer mark and rule, reference number, title, addressee, body in 仿宋 三号 with
28-point line spacing, issuer and date, and the 版记 (copy-to and printing lines)."""

from datetime import date
from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from diaodu.core import wordfmt
from diaodu.core.calendar import WorkCalendar, load_calendar
from diaodu.core.text import strip_control_characters

from .models import Case, Notice, NoticeKind

ISSUER = "中原区发展和改革委员会"
COPY_TO = "区委办公室，区政府办公室，区委督查室。"
CONTACT = "（联系人：区重点项目建设中心　联系电话：0371-6796××××）"
RED = RGBColor(0xE6, 0x00, 0x12)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)
TITLES = {
    NoticeKind.ASSIGN: "关于交办“{title}”的函",
    NoticeKind.REMIND: "关于“{title}”即将到期的提醒函",
    NoticeKind.SUPERVISE: "关于督促办理“{title}”的督办函",
}


def _paragraph(document, text: str = "", *, font: str = BODY_FONT, size=SIZE_3,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False, bold: bool = False,
               color: RGBColor | None = None, space_before=0, space_after=0):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    if text:
        # Text saved before control characters were refused (or imported) must not break
        # the document: XML 1.0 cannot hold them.
        wordfmt.font(paragraph.add_run(strip_control_characters(text)), font, size, bold=bold,
                     color=color)
    return paragraph


def _cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def notice_body(case: Case, kind: str, today: date,
                calendar: WorkCalendar | None = None) -> str:
    """The letter's body text, from the case's facts."""
    project = _("（%(p)s）") % {"p": case.project} if case.project_id else ""
    facts = case.detail or case.title
    if kind == NoticeKind.ASSIGN:
        return _("现将“%(title)s”%(project)s交由你单位牵头办理。具体情况：%(facts)s请于 "
                 "%(due)s 前办结，并将办理结果书面报送区发展和改革委员会。") % {
            "title": case.title, "project": project, "facts": _sentence(facts),
            "due": _cn_date(case.due_on)}
    if kind == NoticeKind.REMIND:
        return _("你单位牵头办理的“%(title)s”%(project)s（%(number)s）将于 %(due)s 到期。"
                 "请抓紧推进，按期办结，并及时报送办理情况。") % {
            "title": case.title, "project": project, "number": case.number,
            "due": _cn_date(case.due_on)}
    calendar = calendar or load_calendar()
    late = calendar.workdays_between(case.due_on, today) if case.due_on else 0
    return _("你单位牵头办理的“%(title)s”%(project)s（%(number)s），办结期限为 %(due)s，"
             "现已逾期 %(late)s 个工作日。请高度重视，立即组织力量办理，于 3 个工作日内将办理"
             "情况及未按期办结原因书面报送区发展和改革委员会。") % {
        "title": case.title, "project": project, "number": case.number,
        "due": _cn_date(case.due_on), "late": late}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "；")) else text + "。"



def render_notice(notice: Notice) -> bytes:
    """The .docx bytes of one notice."""
    case = notice.case
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    # 信函格式: the issuer mark starts 30 mm from the top edge.
    section.top_margin, section.bottom_margin = Mm(30), Mm(30)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, SIZE_3
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    # 版头: the issuer mark in red, the red rule, the reference number at the right.
    mark = _paragraph(document, ISSUER, font=TITLE_FONT, size=Pt(26),
                      align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    mark.paragraph_format.line_spacing = Pt(40)
    wordfmt.rule(mark, color="E60012", size=18)
    _paragraph(document, notice.reference, align=WD_ALIGN_PARAGRAPH.RIGHT, space_before=8)

    # 标题 and 主送机关.
    title = TITLES[notice.kind].format(title=case.title)
    heading = _paragraph(document, title, font=TITLE_FONT, size=SIZE_2,
                         align=WD_ALIGN_PARAGRAPH.CENTER, space_before=16, space_after=16)
    heading.paragraph_format.line_spacing = Pt(36)
    _paragraph(document, f"{notice.addressee.name}：")

    # 正文: the facts, then the numbered requirements.
    _paragraph(document, notice.body, indent=True)
    requirements = ["一、请明确分管负责同志和具体经办人员，逐项细化措施，倒排工期。"]
    if notice.deadline:
        requirements.append(f"二、请于{_cn_date(notice.deadline)}前办结，办理结果及相关佐证材料"
                            "通过重点项目调度平台“问题台账”报送。")
    requirements.append(f"{'三' if notice.deadline else '二'}、确有困难不能按期办结的，请提前"
                        "说明原因、提出解决时限，逾期未办结的将按程序升级督办。")
    for line in requirements:
        _paragraph(document, line, indent=True)
    _paragraph(document, CONTACT, indent=True, align=WD_ALIGN_PARAGRAPH.LEFT)

    # 发文机关署名 and 成文日期, right-aligned with four characters' margin.
    _paragraph(document, "")
    for text in (ISSUER, _cn_date(notice.issued_on)):
        signature = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        signature.paragraph_format.right_indent = Pt(64)

    # 版记 at the foot of the last page (GB/T 9704-2012 §7.5): copy-to and the printing line,
    # each one character in from the edges, between rules as wide as the text block — thick
    # first and last, thin between.
    copy_to = _paragraph(document, f"　抄送：{COPY_TO}", size=SIZE_4,
                         align=WD_ALIGN_PARAGRAPH.LEFT)
    wordfmt.rule(copy_to, color="000000", size=8, where="top")
    printed = _paragraph(document, f"　{ISSUER}\t{_cn_date(notice.issued_on)}印发　",
                         size=SIZE_4, align=WD_ALIGN_PARAGRAPH.LEFT)
    printed.paragraph_format.tab_stops.add_tab_stop(wordfmt.text_width(document),
                                                    WD_TAB_ALIGNMENT.RIGHT)
    wordfmt.rule(printed, color="000000", size=6, where="top")
    wordfmt.rule(printed, color="000000", size=8, where="bottom")
    wordfmt.pin_to_foot(document, [copy_to, printed])

    output = BytesIO()
    document.core_properties.title = strip_control_characters(title)
    document.core_properties.author = ISSUER
    document.save(output)
    return output.getvalue()
