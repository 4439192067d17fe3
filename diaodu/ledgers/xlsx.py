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


def _items(stream, container: str, item: str) -> Iterator[ET.Element]:
    """The <item> children of the part's <container> element (local names), parsed a block of
    items at a time: the bytes are cut after the last complete item, wrapped in a copy of the
    root's start tag (for its namespace declarations) and parsed by the C parser at once. An
    event parser would hand each element to Python twice; this parses at C speed and holds
    one block."""
    buffer = b""
    wrapper = None  # (opening, closing) of the root element
    inside = False
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
                    wrapper = (m.group(0).rstrip(b"/>") + b">", b"</" + m.group(1) + b">")
                    break
            if wrapper is None:
                if not chunk:
                    return
                continue
        if not inside:
            m = open_tag.search(buffer)
            if m is None:
                if not chunk:
                    return
                continue
            if m.group(1):  # <sheetData/>: no rows
                return
            inside = True
            buffer = buffer[m.end():]
        closed = close_tag.search(buffer)
        if closed:
            block, buffer = buffer[:closed.start()], b""
        else:
            cut = 0
            for m in item_end.finditer(buffer, max(0, len(buffer) - CHUNK - 4096)):
                cut = m.end()
            if not cut and chunk:
                continue
            block, buffer = buffer[:cut], buffer[cut:]
        if block.strip():
            yield from ET.fromstring(wrapper[0] + block + wrapper[1])
        if closed:
            return
        if not chunk:  # the part ends inside the container: cut short, not merely empty
            raise ET.ParseError(f"{container} is not closed")


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
            sheets.append(Sheet(node.get("name", ""), part))
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


def scan(archive: zipfile.ZipFile, part: str) -> Scan:
    """One pass over the sheet's XML in chunks, searching bytes only (no parsing): its height
    (the last row's number), width (the declared dimension, else the widest cell reference),
    merged ranges (stored after the rows) and formula cells saved without a value."""
    found = Scan()
    widest = -1
    rows_seen = 0
    declared = False
    carry = b""
    with archive.open(part) as stream:
        first = True
        while True:
            chunk = stream.read(CHUNK)
            data = carry + chunk
            # Cut after a complete cell, row or empty element (prefixed or not: "</x:row>"),
            # so no tag or cell is split.
            cut = (max(data.rfind(b"</c>") + 4, data.rfind(b":c>") + 3, data.rfind(b"/>") + 2,
                       data.rfind(b"row>") + 4) if chunk else len(data))
            if cut <= 3:
                carry = data
                continue
            block, carry = data[:cut], data[cut:]
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
