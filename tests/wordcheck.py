"""Checks on generated Word documents shared by the notice and briefing tests."""

from docx.oxml.ns import qn

from diaodu.core.wordfmt import BORDER_ORDER, PPR_ORDER


def assert_schema_order(document) -> None:
    """Every paragraph's properties (body and table cells) and border edges are in the
    schema's order: Word refuses a file otherwise."""
    for ppr in document.element.body.iter(qn("w:pPr")):
        tags = [child.tag.split("}")[1] for child in ppr]
        ranks = [PPR_ORDER.index(f"w:{tag}") for tag in tags]
        assert ranks == sorted(ranks), tags
        borders = ppr.find(qn("w:pBdr"))
        if borders is not None:
            edges = [edge.tag.split("}")[1] for edge in borders]
            assert edges == [edge for edge in BORDER_ORDER if edge in edges], edges


def frame_of(paragraph) -> dict[str, str]:
    """The paragraph's frame properties (w:framePr) as {attribute: value}."""
    element = paragraph._p.pPr.find(qn("w:framePr"))
    return {key.split("}")[1]: value for key, value in element.attrib.items()}


def rules_of(paragraph) -> dict[str, str]:
    """The paragraph's border edges as {edge: size in eighths of a point}."""
    borders = paragraph._p.pPr.find(qn("w:pBdr"))
    return {edge.tag.split("}")[1]: edge.get(qn("w:sz")) for edge in borders}
