"""Rows of an .xlsx worksheet as a stream, one row held at a time.

python-calamine reads a whole sheet into memory before the first row comes out (≈60 MiB for a
50,000-row ledger), so a big upload's memory grew with its size. An .xlsx sheet is XML in a
zip member: this module decompresses and parses it in chunks and hands out one row at a time,
keeping only the shared strings (which Excel stores once per distinct text) and the styles.
.xls and .ods stay with calamine (readers.py): they are old or rare formats and small.

Values follow calamine's conventions so both readers give the same rows (tested against it):
empty cells are "", numbers float, booleans bool, dates date / datetime / time by the cell's
number format, text as stored. Formula cells give their cached value; one saved without a
value (written by a program, never opened in Excel) is reported in `Scan.uncached` so the row
gets an error. Unlike calamine, an error cell (#DIV/0!, #N/A) comes out as its text rather than
empty, so a money column refuses it instead of reading it as blank.

The parts have passed readers._check_xml (no DTD, hence no entity declarations) before they
reach the parser here.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

CHUNK = 64 * 1024

# Built-in number formats that show a date or time: ECMA-376 18.8.30 (14–22, 45–47) and the
# ones the zh-CN locale gives ids 27–36 and 50–58 (yyyy"年"m"月" …).
_BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48),
                                   *range(50, 59)])


@dataclass
class Sheet:
    name: str
    part: str
    hidden: bool = False  # state="hidden" or "veryHidden" (drop-down lists, lookups)


@dataclass
class Book:
    archive: zipfile.ZipFile
    sheets: list[Sheet]
    shared: list[str]
    date_styles: frozenset[int]
    date1904: bool = False


@dataclass
class Scan:
    """What one pass over a sheet's raw XML tells before any row is parsed."""

    height: int = 0
    width: int = 0
    # ((first row, first column), (last row, last column)), 0-based, like calamine's.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    uncached: set[tuple[int, int]] = field(default_factory=set)


def column_index(letters: str) -> int:
    """'A' → 0, 'Z' → 25, 'AA' → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _namespace(tag: str) -> str:
    """'{uri}name' → 'uri'; '' for an element in no namespace. Transitional (what Excel and
    WPS write) and Strict OOXML differ only in it, so it is read from each part's root."""
    return tag[1:].split("}")[0] if tag.startswith("{") else ""


def _tag(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


_PROLOG_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)[^>]*?(/?)>")
# Excel holds at most 32,767 characters in a cell: even escaped (&#x…; is 8 bytes) that is
# well under 1 MiB of XML. A row of 200 such cells is far beyond any ledger. Anything larger
# is refused before it is held, so a crafted cell cannot make the reader hold or search it.
MAX_CELL_BYTES = 1024 * 1024
MAX_ROW_BYTES = 16 * 1024 * 1024
# How far back a search for a tag restarts in the buffer when a new chunk arrives: longer
# than any tag the searches look for, so a tag split between chunks is still found.
_OVERLAP = 4096


class Oversize(ValueError):
    """A cell, row or string item larger than the caps above. `where` names it ("B12",
    "第 12 行", "共享字符串第 3 条"); readers.py turns it into the Chinese refusal."""

    def __init__(self, what: str, where: str, limit: int):
        super().__init__(f"{what} {where} > {limit}")
        self.what, self.where, self.limit = what, where, limit


_ROW_REF = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*?\sr="(\d+)"')


def _items(stream, container: str, item: str) -> Iterator[ET.Element]:
    """The <item> children of the part's <container> element (local names), parsed a block of
    items at a time: the bytes are cut after the last complete item, wrapped in a copy of the
    root's start tag (for its namespace declarations) and parsed by the C parser at once. An
    event parser would hand each element to Python twice; this parses at C speed and holds
    one block.

    Linear in the part's size: bytes are appended to one buffer and each search starts where
    the last one stopped (less a tag's length), so an item spanning many chunks is neither
    copied nor searched again per chunk. An item longer than its cap raises Oversize."""
    buffer = bytearray()
    wrapper = None  # (opening, closing) of the root element
    inside = False
    searched = 0  # bytes of the buffer already searched for the next tag
    cut = 0       # end of the last complete item found in the buffer
    items = 0     # items handed out, to name an oversized one
    limit = MAX_ROW_BYTES if item == "row" else MAX_CELL_BYTES
    open_tag = re.compile(rb"<(?:[\w.-]+:)?" + container.encode() + rb"\b[^>]*?(/?)>")
    close_tag = re.compile(rb"</(?:[\w.-]+:)?" + container.encode() + rb">")
    item_end = re.compile(rb"</(?:[\w.-]+:)?" + item.encode() + rb">|<(?:[\w.-]+:)?"
                          + item.encode() + rb"\b[^>]*/>")
    while True:
        chunk = stream.read(CHUNK)
        buffer += chunk
        if wrapper is None:
            for m in _PROLOG_ELEMENT.finditer(buffer):
                if buffer[m.start() + 1:m.start() + 2] not in (b"?", b"!"):
                    wrapper = (bytes(m.group(0)).rstrip(b"/>") + b">",
                               b"</" + bytes(m.group(1)) + b">")
                    break
            if wrapper is None:
                if not chunk:
                    return
                if len(buffer) > MAX_CELL_BYTES:  # no element at all in the first MiB
                    raise ET.ParseError(f"{container}: no root element")
                continue
        if not inside:
            m = open_tag.search(buffer, max(0, searched - _OVERLAP))
            if m is None:
                if not chunk:
                    return
                searched = len(buffer)
                continue
            if m.group(1):  # <sheetData/>: no rows
                return
            inside = True
            del buffer[:m.end()]
            searched = 0
        start = max(0, searched - _OVERLAP)
        if len(buffer) > limit:
            # The buffer starts at an item and held no item end before this chunk: the
            # first end in the new bytes closes the long item.
            m = item_end.search(buffer, start) or close_tag.search(buffer, start)
            if (m.end() if m else len(buffer)) > limit:
                raise _oversize(item, buffer, 0, items, limit)
        closed = close_tag.search(buffer, start)
        if closed:
            block_end = closed.start()
        else:
            for m in item_end.finditer(buffer, max(start, cut)):
                cut = m.end()
            searched = len(buffer)
            if not cut and chunk:
                continue
            block_end = cut
        if buffer.find(b"<", 0, block_end) >= 0:  # not only whitespace
            parser = ET.XMLParser()
            parser.feed(wrapper[0])
            parser.feed(memoryview(buffer)[:block_end])  # no copy of a big block
            parser.feed(wrapper[1])
            nodes = parser.close()
            items += len(nodes)
        else:
            nodes = ()
        del buffer[:block_end]
        searched = max(0, searched - block_end)
        cut = 0
        yield from nodes
        if closed:
            return
        if not chunk:  # the part ends inside the container: cut short, not merely empty
            raise ET.ParseError(f"{container} is not closed")


def _oversize(item: str, buffer: bytearray, cut: int, items: int, limit: int) -> Oversize:
    if item == "row":
        m = _ROW_REF.search(buffer, cut, cut + _OVERLAP)
        return Oversize("row", m.group(1).decode() if m else str(items + 1), limit)
    return Oversize(item, str(items + 1), limit)


def open_book(archive: zipfile.ZipFile) -> Book:
    """The workbook's sheets in tab order, shared strings and date styles. KeyError or
    ParseError for a damaged package (the caller refuses the file)."""
    book = SafeET.fromstring(archive.read("xl/workbook.xml"))
    ns = _namespace(book.tag)
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets: dict[str, tuple[str, str]] = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], part)
    sheets = []
    for node in book.iter(_tag(ns, "sheet")):
        rid = next((v for k, v in node.attrib.items() if k.endswith("}id")), "")
        kind, part = targets.get(rid, ("", ""))
        if kind == "worksheet" and part in archive.NameToInfo:
            sheets.append(Sheet(node.get("name", ""), part,
                                node.get("state", "visible") != "visible"))
    pr = book.find(_tag(ns, "workbookPr"))
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    parts = {kind: part for kind, part in targets.values()}
    shared = (_shared_strings(archive, parts["sharedStrings"])
              if parts.get("sharedStrings") in archive.NameToInfo else [])
    styles = (_date_styles(archive, parts["styles"])
              if parts.get("styles") in archive.NameToInfo else frozenset())
    return Book(archive, sheets, shared, styles, date1904)


def _text(node: ET.Element, ns: str) -> str:
    """A string item's text: its <t>, or the <t> of each rich-text run (phonetic guides, <rPh>,
    are not part of the text)."""
    t_tag = _tag(ns, "t")
    t = node.find(t_tag)
    if t is not None:
        return t.text or ""
    r_tag = _tag(ns, "r")
    return "".join(r.text or "" for r in node.iterfind(f"{r_tag}/{t_tag}"))


def _shared_strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    with archive.open(part) as stream:
        return [_text(si, _namespace(si.tag))
                for si in _items(stream, "sst", "si")]


def is_date_format(code: str) -> bool:
    """A custom number format that shows a date or time: d, m, y, h or s outside quotes,
    escapes and [colour]/[condition] brackets, in the first section (as calamine decides)."""
    code = re.sub(r'"[^"]*"|\\.|_.|\[(?!h|m|s)[^\]]*\]', "", code.split(";")[0],
                  flags=re.IGNORECASE)
    return bool(re.search(r"[dmyhs]", code, re.IGNORECASE))


def _date_styles(archive: zipfile.ZipFile, part: str) -> frozenset[int]:
    root = SafeET.fromstring(archive.read(part))
    ns = _namespace(root.tag)
    custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "")
              for f in root.iter(_tag(ns, "numFmt"))}
    cell_xfs = root.find(_tag(ns, "cellXfs"))
    dates = set()
    for index, xf in enumerate(cell_xfs if cell_xfs is not None else ()):
        try:
            fmt = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        if fmt in custom:
            if is_date_format(custom[fmt]):
                dates.add(index)
        elif fmt in _BUILTIN_DATE_FORMATS:
            dates.add(index)
    return frozenset(dates)


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})\d+"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)',
                   re.DOTALL)


_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+\d+)"')
_ROW_OPEN = re.compile(rb'<(?:\w+:)?row[\s>]')
_ROW_CLOSE = re.compile(rb'</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>')
_CUTS = (b"</c>", b":c>", b"/>", b"row>")


def scan(archive: zipfile.ZipFile, part: str) -> Scan:
    """One pass over the sheet's XML in chunks, searching bytes only (no parsing): its height
    (the last row's number), width (the declared dimension, else the widest cell reference),
    merged ranges (stored after the rows) and formula cells saved without a value.

    Each byte is searched once: a chunk is cut after its last complete cell, row or empty
    element, searching only the bytes that arrived since the last search; what follows the
    cut waits for the next chunk. A cell longer than MAX_CELL_BYTES, or a row longer than
    MAX_ROW_BYTES, raises Oversize naming it (it would otherwise wait, growing, in memory)."""
    found = Scan()
    widest = -1
    rows_seen = 0
    declared = False
    carry = bytearray()
    searched = 0     # bytes of carry already searched for a cut
    offset = 0       # position of carry[0] in the part
    row_open = None  # (position in the part, row number) of a row not yet closed
    with archive.open(part) as stream:
        first = True
        while True:
            chunk = stream.read(CHUNK)
            carry += chunk
            # Cut after a complete cell, row or empty element (prefixed or not: "</x:row>"),
            # so no tag or cell is split.
            if chunk:
                since = max(0, searched - 4)
                cut = max((at + len(marker) for marker in _CUTS
                           if (at := carry.rfind(marker, since)) >= 0), default=0)
                if len(carry) > MAX_CELL_BYTES:
                    # Bytes with no cell, row or element end among them, longer than a cell
                    # may be: the carry held no marker, so the first one in the new bytes
                    # ends the long stretch.
                    end = min((at for marker in _CUTS
                               if (at := carry.find(marker, since)) >= 0), default=len(carry))
                    if end > MAX_CELL_BYTES:
                        raise _long_cell(carry, row_open, found)
                searched = len(carry)
                if not cut:  # no marker in the new bytes
                    continue
            else:
                cut = len(carry)
            block = bytes(carry[:cut])
            del carry[:cut]
            searched = len(carry)
            if first:
                first = False
                m = _DIMENSION.search(block, 0, 4096)
                if m and m.group(3):
                    found.width = column_index(m.group(3).decode()) + 1
                    declared = found.width > 1
            start = block.rfind(b"<row ")
            if start < 0:
                start = block.rfind(b":row ")
            if start >= 0:
                m = _ROW_NUMBER.search(block, start, block.find(b">", start) + 1)
                if m:
                    found.height = max(found.height, int(m.group(1)))
                rows_seen += block.count(b"<row ")
            row_open = _open_row(block, offset, row_open, found.height)
            offset += cut
            if row_open is not None and offset + len(carry) - row_open[0] > MAX_ROW_BYTES:
                raise Oversize("row", str(row_open[1]), MAX_ROW_BYTES)
            if not declared:
                for letters in _CELL_COLUMN.findall(block):
                    widest = max(widest, column_index(letters.decode()))
            if b"mergeCell " in block:
                for c0, r0, c1, r1 in _MERGE.findall(block):
                    top = (int(r0) - 1, column_index(c0.decode()))
                    bottom = (int(r1) - 1, column_index(c1.decode())) if c1 else top
                    found.merged.append((top, bottom))
            if b"<f" in block or b":f" in block:
                for m in _CELL.finditer(block):
                    body = m.group(3) or b""
                    if b"f>" in body or b"f " in body:
                        if b"v>" not in body and b"is>" not in body:
                            found.uncached.add((int(m.group(2)) - 1,
                                                column_index(m.group(1).decode())))
            if not chunk:
                break
    found.width = max(found.width, widest + 1)
    if not found.height:  # rows without numbers (allowed, rarely written)
        found.height = rows_seen
    return found


def _long_cell(carry: bytearray, row_open, found: Scan) -> Oversize:
    m = _CELL_REF.search(carry, 0, _OVERLAP)
    if m is None:
        return Oversize("row", str(row_open[1] if row_open else found.height + 1),
                        MAX_CELL_BYTES)
    return Oversize("cell", m.group(1).decode(), MAX_CELL_BYTES)


def _open_row(block: bytes, offset: int, row_open, height: int):
    """The row still open at the end of `block` (its start in the part and number), or
    None: what decides whether one row has grown past MAX_ROW_BYTES."""
    opened = None
    for m in _ROW_OPEN.finditer(block):
        opened = m
    closed = _ROW_CLOSE.search(block, opened.start() if opened else 0)
    if opened is None:
        return None if closed else row_open
    if closed is not None:  # the last row opened here closed in it too
        return None
    number = _ROW_NUMBER.search(block, opened.start(), block.find(b">", opened.start()) + 1)
    return (offset + opened.start(), int(number.group(1)) if number else height + 1)


def _epoch(date1904: bool) -> datetime:
    return datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)


def to_date(serial: float, date1904: bool) -> date | datetime | time | float:
    """An Excel date serial as calamine gives it: a time of day below 1, a date when whole,
    else a datetime. Serials before 1900-03-01 count Excel's phantom 1900-02-29."""
    if serial < 0:
        return serial
    if serial < 1:
        seconds = round(serial * 86400)
        return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    if not date1904 and serial < 61:
        serial += 1
    moment = _epoch(date1904) + timedelta(milliseconds=round(serial * 86_400_000))
    if moment.time() == time(0):
        return moment.date()
    return moment


def rows(book: Book, part: str, width: int) -> Iterator[list[object]]:
    """The sheet's rows from row 1, each at least `width` cells ("" where empty); rows the
    XML skips come out empty. Raises ParseError on damaged XML."""
    shared, date1904 = book.shared, book.date1904
    date_styles = frozenset(map(str, book.date_styles))  # compared with the s attribute
    columns: dict[str, int] = {}
    next_row = 0
    tags = None
    with book.archive.open(part) as stream:
        for node in _items(stream, "sheetData", "row"):
            if tags is None:
                ns = _namespace(node.tag)
                tags = (node.tag, _tag(ns, "v"), _tag(ns, "is"))
                row_tag, v_tag, is_tag = tags
            if node.tag != row_tag:
                continue
            number = node.get("r")
            index = int(number) - 1 if number else next_row
            while next_row < index:
                yield [""] * width
                next_row += 1
            values: list[object] = [""] * width
            col = -1
            for cell in node:
                ref = cell.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = column_index(letters)
                else:
                    col += 1
                kind = cell.get("t")
                if kind == "inlineStr":
                    inline = cell.find(is_tag)
                    value: object = "" if inline is None else _text(inline, ns)
                else:
                    v = cell.find(v_tag)
                    text = None if v is None else v.text
                    if text is None:
                        continue
                    if kind is None or kind == "n":
                        value = float(text)
                        if cell.get("s") in date_styles:
                            value = to_date(value, date1904)
                    elif kind == "s":
                        value = shared[int(text)]
                    elif kind == "b":
                        value = text.strip() in ("1", "true")
                    elif kind == "d":
                        value = _iso(text)
                    else:  # "str" (a formula's text) and "e" (#DIV/0!, #N/A …)
                        value = text
                if col >= len(values):
                    values.extend([""] * (col + 1 - len(values)))
                values[col] = value
            next_row = index + 1
            yield values


def _iso(text: str) -> date | datetime | str:
    """A cell of type d (ISO 8601), as written by Strict OOXML."""
    try:
        moment = datetime.fromisoformat(text.rstrip("Z"))
    except ValueError:
        return text
    return moment.date() if moment.time() == time(0) and "T" not in text else moment
