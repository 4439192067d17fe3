"""交办函 / 提醒函 / 督办函 as Word documents, laid out after GB/T 9704-2012 (党政机关公文格式,
信函格式): red issuer mark and rule, reference number, title, addressee, body in 仿宋 三号 with
28-point line spacing, issuer and date, and the 版记 (copy-to and printing lines)."""

from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from .models import Notice, NoticeKind

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


def _font(run, name: str, size, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)


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
        _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


# The order of a paragraph's properties in OOXML (ECMA-376 §17.3.1.26): Word refuses a file
# whose w:pPr children are out of order, so a property is inserted before those that follow it.
_PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
              "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
              "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
              "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
              "w:pPrChange")


def _property(paragraph, tag: str, **attributes: str):
    """Add (or replace) the paragraph property `tag` with `attributes`, in schema order."""
    ppr = paragraph._p.get_or_add_pPr()
    for old in ppr.findall(qn(tag)):
        ppr.remove(old)
    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    ppr.insert_element_before(element, *_PPR_ORDER[_PPR_ORDER.index(tag) + 1:])
    return element


def _rule(paragraph, *, color: str = "E60012", size: int = 12, where: str = "bottom") -> None:
    """A horizontal rule drawn as the paragraph's border (the red separator, 版记 lines);
    `size` in eighths of a point. Rules on one paragraph's other edges are kept."""
    borders = paragraph._p.get_or_add_pPr().find(qn("w:pBdr"))
    if borders is None:
        borders = _property(paragraph, "w:pBdr")
    line = OxmlElement(f"w:{where}")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"),
                       ("w:color", color)):
        line.set(qn(key), value)
    # The edges in schema order: top, left, bottom, right.
    edges = {edge.tag: edge for edge in borders} | {line.tag: line}
    borders.clear()
    borders.extend(edges[qn(f"w:{name}")] for name in ("top", "left", "bottom", "right")
                   if qn(f"w:{name}") in edges)


def _cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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
    _rule(mark, size=18)
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
    # first and last, thin between. Each line is a frame of fixed height, the printing line's
    # aligned to the bottom margin and the copy-to line's just above it, so the foot of the
    # last page holds them however long the letter runs; the body flows around them. (One
    # frame per line: LibreOffice keeps a frame only when all its paragraphs have the same
    # borders.)
    width = Emu(section.page_width - section.left_margin - section.right_margin)
    text_height = Emu(section.page_height - section.top_margin - section.bottom_margin)
    line = Pt(32)  # 28-point line and its rules
    lines = ((f"　抄送：{COPY_TO}", {"y": str(text_height.twips - 2 * line.twips)}, (8, None)),
             (f"　{ISSUER}\t{_cn_date(notice.issued_on)}印发　", {"yAlign": "bottom"}, (6, 8)))
    for text, where, (top, bottom) in lines:
        paragraph = _paragraph(document, text, size=SIZE_4, align=WD_ALIGN_PARAGRAPH.LEFT)
        paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        _property(paragraph, "w:framePr", w=str(width.twips), h=str(line.twips), hRule="exact",
                  hAnchor="margin", vAnchor="margin", xAlign="center", wrap="around", **where)
        _rule(paragraph, color="000000", size=top, where="top")
        if bottom:
            _rule(paragraph, color="000000", size=bottom, where="bottom")
    # A plain paragraph ends the document: without it LibreOffice misplaces the frames when
    # they fall onto a page of their own.
    _paragraph(document, "")

    output = BytesIO()
    document.core_properties.title = title
    document.core_properties.author = ISSUER
    document.save(output)
    return output.getvalue()
