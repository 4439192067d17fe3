"""Word formatting that python-docx has no API for, shared by the notices (交办函/督办函) and
the monthly briefing: East Asian fonts on a run, rules drawn as paragraph borders, and lines
pinned to the foot of the last page (版记, 报送 lines). Raw properties go in in the schema's
order, because Word refuses a file whose paragraph properties are out of order."""

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Pt, RGBColor

# The children of w:pPr in schema order (ECMA-376 §17.3.1.26).
PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
             "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
             "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
             "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
             "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
             "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
             "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
             "w:pPrChange")
BORDER_ORDER = ("top", "left", "bottom", "right")
# One line of a pinned foot: a 28-point line and the rules above and below it.
FOOT_LINE = Pt(32)


def font(run, name: str, size: Length, *, bold: bool = False, color: RGBColor | None = None,
         latin: bool = True) -> None:
    """Set the run's font for Chinese text (w:eastAsia), and for Latin text and digits too
    unless `latin` is False (they then keep the document's default font)."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi") if latin else ("w:eastAsia",):
        fonts.set(qn(attribute), name)


def paragraph_property(paragraph, tag: str, **attributes: str):
    """Set the paragraph property `tag` (replacing one already there) with `attributes`."""
    ppr = paragraph._p.get_or_add_pPr()
    for old in ppr.findall(qn(tag)):
        ppr.remove(old)
    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    ppr.insert_element_before(element, *PPR_ORDER[PPR_ORDER.index(tag) + 1:])
    return element


def rule(paragraph, *, color: str, size: int, where: str = "bottom") -> None:
    """A horizontal rule drawn as the paragraph's border on edge `where`; `size` in eighths
    of a point. Rules already on the paragraph's other edges are kept."""
    borders = paragraph._p.get_or_add_pPr().find(qn("w:pBdr"))
    if borders is None:
        borders = paragraph_property(paragraph, "w:pBdr")
    line = OxmlElement(f"w:{where}")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"),
                       ("w:color", color)):
        line.set(qn(key), value)
    edges = {edge.tag: edge for edge in borders} | {line.tag: line}
    borders.clear()
    borders.extend(edges[qn(f"w:{name}")] for name in BORDER_ORDER if qn(f"w:{name}") in edges)


def pin_to_foot(document, paragraphs: list) -> None:
    """Pin `paragraphs` (the last of the document, one line each) to the foot of the last page.

    Each becomes a frame of fixed height FOOT_LINE as wide as the text block: the last aligned
    to the bottom margin, each other one right above the next. However long the text runs,
    they stay at the foot of its last page; when it fills that page they move to a page of
    their own. One frame per line because LibreOffice (7.4) drops a frame whose paragraphs
    have different borders; a plain paragraph then ends the document, without which it
    misplaces frames that fall onto a page of their own."""
    section = document.sections[-1]
    width = text_width(document)
    height = Emu(section.page_height - section.top_margin - section.bottom_margin)
    for below, paragraph in enumerate(reversed(paragraphs)):
        place = ({"yAlign": "bottom"} if not below
                 else {"y": str(height.twips - (below + 1) * FOOT_LINE.twips)})
        paragraph_property(paragraph, "w:framePr", w=str(width.twips), h=str(FOOT_LINE.twips),
                           hRule="exact", hAnchor="margin", vAnchor="margin", xAlign="center",
                           wrap="around", **place)
    document.add_paragraph()


def text_width(document) -> Emu:
    """The width of the text block of the document's last section."""
    section = document.sections[-1]
    return Emu(section.page_width - section.left_margin - section.right_margin)
