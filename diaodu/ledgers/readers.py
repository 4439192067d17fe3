"""Read an uploaded ledger into rows of plain values: xlsx streamed (xlsx.py), xls/ods through
python-calamine, CSV in UTF-8 or GB18030. The file's own bytes decide the format, not its name.

Safety first (issue 8 §5): size and row limits, zip bombs (declared sizes and compression
ratio), XML with a DTD or entities (defusedxml), formula cells without a cached value.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from diaodu.core.errors import UserError

from . import xlsx


def max_bytes() -> int:
    return getattr(settings, "LEDGER_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "LEDGER_IMPORT_MAX_ROWS", 60_000)


MAX_COLUMNS = 200
MAX_UNZIPPED = 400 * 1024 * 1024
MAX_RATIO = 200  # uncompressed ÷ compressed of one part; sheet XML rarely passes 30

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What zipfile raises for a damaged part: bad header or CRC, truncated or corrupt deflate
# stream, an unsupported compression method, an encrypted member.
ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
              ValueError, OSError)


HEAD_ROWS = 40  # rows kept for finding the header (it is looked for in the first 15)


@dataclass
class Table:
    """The first non-empty sheet of a workbook (or the CSV). Only its first HEAD_ROWS rows are
    held; `iter_rows` reads the rows again, one at a time, so a 50,000-row ledger is never
    held as Python lists."""

    head: list[list[object]]
    height: int = 0
    rows_from: Callable[[], Iterator[list[object]]] = field(default=lambda: iter(()))
    sheet: str = ""
    fmt: str = ""
    # (row, column) cells covered by a merged range other than its top-left cell.
    merged: set[tuple[int, int]] | None = None
    # (row, column) of formula cells that have no cached value.
    uncached: set[tuple[int, int]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    hidden: bool = False

    def iter_rows(self, start: int = 0) -> Iterator[list[object]]:
        """Rows from `start` (0-based), each as long as the widest row."""
        return itertools.islice(self.rows_from(), start, None)


@dataclass
class Book:
    """Every sheet with a value in it, in tab order (hidden ones marked)."""

    tables: list[Table]
    fmt: str = ""


def _refuse(code: str, message: str) -> UserError:
    return UserError(code, message, "file")


def read_table(data: bytes, filename: str) -> Table:
    """The first sheet with a value in it (or the CSV); see read_book."""
    return read_book(data, filename).tables[0]


def read_book(data: bytes, filename: str) -> Book:
    """Every sheet of the ledger in `data` with a value in it; UserError with a Chinese message
    for anything unsafe or unreadable (nothing else happens)."""
    if len(data) > max_bytes():
        raise _refuse("import.too_large", _("文件超过 %(mb)s MB，请拆分后导入。")
                      % {"mb": max_bytes() // (1024 * 1024)})
    if not data.strip():
        raise _refuse("import.empty_file", _("文件是空的。"))
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(ZIP_MAGIC):
        tables = _read_zip(data, ext)
    elif data.startswith(OLE_MAGIC):
        tables = _read_calamine(data, "xls")
    else:
        tables = [_read_csv(data)]
        if ext in ("xlsx", "xls", "ods", "xlsm"):
            tables[0].notes.append(_("文件扩展名为 .%(ext)s，但内容是 CSV 文本，已按 CSV 读取。")
                                   % {"ext": ext})
    tables = [t for t in tables if t.height]
    for table in tables:
        if table.height > max_rows():
            raise _refuse("import.too_many_rows", _(
                "文件有 %(n)s 行，超过上限 %(max)s 行，请拆分后导入。")
                          % {"n": table.height, "max": max_rows()})
    if sum(t.height for t in tables) > max_rows():
        raise _refuse("import.too_many_rows", _(
            "文件有 %(n)s 行，超过上限 %(max)s 行，请拆分后导入。")
                      % {"n": sum(t.height for t in tables), "max": max_rows()})
    if not tables:
        raise _refuse("import.empty_workbook", _("工作簿中没有任何数据（所有工作表都是空的）。"))
    return Book(tables, tables[0].fmt)


def _read_zip(data: bytes, ext: str) -> list[Table]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_DAMAGE:  # NotImplementedError for an unknown zip version: found by the fuzzer
        raise _refuse("import.corrupt", _("文件已损坏或不是有效的 Excel 文件。")) from None
    names = {i.filename for i in infos}
    fmt = "ods" if "content.xml" in names and "mimetype" in names else "xlsx"
    if fmt == "xlsx" and "[Content_Types].xml" not in names:
        raise _refuse("import.not_spreadsheet", _("压缩包不是 Excel 或 ODS 工作簿。"))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNZIPPED or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise _refuse("import.zip_bomb",
                          _("文件解压后异常巨大（疑似“压缩炸弹”），已拒绝。"))
    try:
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                _check_xml(archive, info)
        if fmt == "xlsx" and "xl/workbook.xml" in names:
            tables = _read_xlsx(archive)
        else:  # ODS, and xlsb (a binary workbook in the same kind of package)
            tables = _read_calamine(data, fmt)
            if fmt == "ods":
                for table in tables:
                    table.uncached = _ods_uncached_formulas(archive, table.sheet)
    except ZIP_DAMAGE:
        # A part whose local header, compressed stream or method is damaged (found by the
        # fuzzer, bench/fuzz_import.py): the directory looked fine, the part cannot be read.
        raise _refuse("import.corrupt", _("文件已损坏或不是有效的 Excel 文件。")) from None
    return tables


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a DTD or entity declaration in any XML part. Small parts are parsed with
    defusedxml; in big sheet parts a DTD can only stand in the prolog, so the head is enough."""
    with archive.open(info) as stream:
        head = stream.read(64 * 1024)
    try:
        if info.file_size <= 64 * 1024:
            SafeET.fromstring(head, forbid_dtd=True)
        elif _DTD.search(head):
            raise DefusedXmlException("DTD")
    except DefusedXmlException:
        raise _refuse("import.xml_entities",
                      _("文件包含 XML 实体或 DTD 声明（可能是 XML 攻击），已拒绝。")) from None
    except (SafeET.ParseError, LookupError):  # LookupError: an encoding Python lacks
        raise _refuse("import.corrupt", _("文件已损坏：%(part)s 不是有效的 XML。")
                      % {"part": info.filename}) from None


def _calamine(read):
    """Run one calamine call; its errors (CalamineError and kin, raised for every kind of
    damage, also when opening a sheet the directory names — found by the fuzzer) refuse the
    file as corrupt."""
    try:
        return read()
    except Exception:
        raise _refuse("import.corrupt", _("文件已损坏或格式无法识别。")) from None


def _read_calamine(data: bytes, fmt: str) -> list[Table]:
    workbook = _calamine(lambda: CalamineWorkbook.from_filelike(io.BytesIO(data)))
    hidden = {meta.name for meta in _calamine(lambda: list(workbook.sheets_metadata))
              if str(getattr(meta, "visible", "visible")).lower().rsplit(".", 1)[-1]
              not in ("visible",)}
    tables = []
    for name in _calamine(lambda: list(workbook.sheet_names)):
        sheet = _calamine(lambda name=name: workbook.get_sheet_by_name(name))
        if sheet.total_height > max_rows() + 100:
            raise _refuse("import.too_many_rows", _(
                "工作表“%(s)s”有 %(n)s 行，超过上限 %(max)s 行。")
                          % {"s": name, "n": sheet.total_height, "max": max_rows()})
        if sheet.end is None or not _calamine(lambda sheet=sheet: any(
                _filled(row) for row in sheet.iter_rows())):
            continue
        if sheet.end[1] + 1 > MAX_COLUMNS:
            raise _refuse("import.too_many_columns", _("工作表列数超过 %(n)s 列。")
                          % {"n": MAX_COLUMNS})
        height, width = sheet.end[0] + 1, sheet.end[1] + 1
        merged = _merged_cells(_calamine(lambda sheet=sheet: sheet.merged_cell_ranges) or [],
                               height, width)

        def rows(sheet=sheet) -> Iterator[list[object]]:
            # iter_rows starts at row 0 but at the first used column: pad to column A.
            pad = [""] * sheet.start[1]
            return (pad + row if pad else row for row in sheet.iter_rows())

        tables.append(Table(head=list(itertools.islice(rows(), HEAD_ROWS)), height=height,
                            rows_from=rows, sheet=name, fmt=fmt, merged=merged,
                            hidden=name in hidden))
    return tables


def _read_xlsx(archive: zipfile.ZipFile) -> list[Table]:
    """An .xlsx workbook, streamed (xlsx.py): the sheets with a value in them."""
    try:
        book = xlsx.open_book(archive)
    except (KeyError, SafeET.ParseError):
        raise _refuse("import.corrupt", _("文件已损坏或不是有效的 Excel 文件。")) from None
    except xlsx.Oversize as big:
        raise _oversize(big, "") from None
    tables = []
    for sheet in book.sheets:
        try:
            found = xlsx.scan(archive, sheet.part)
        except xlsx.ET.ParseError:
            raise _refuse("import.corrupt", _("文件已损坏：%(part)s 不是有效的 XML。")
                          % {"part": sheet.part}) from None
        except xlsx.Oversize as big:
            raise _oversize(big, sheet.name) from None
        if found.height > max_rows() + 100:
            raise _refuse("import.too_many_rows", _(
                "工作表“%(s)s”有 %(n)s 行，超过上限 %(max)s 行。")
                          % {"s": sheet.name, "n": found.height, "max": max_rows()})
        if found.width > MAX_COLUMNS:
            raise _refuse("import.too_many_columns", _("工作表列数超过 %(n)s 列。")
                          % {"n": MAX_COLUMNS})

        def rows(part=sheet.part, width=found.width,
                 name=sheet.name) -> Iterator[list[object]]:
            try:
                for row in xlsx.rows(book, part, width):
                    if len(row) > MAX_COLUMNS:
                        raise _refuse("import.too_many_columns",
                                      _("工作表列数超过 %(n)s 列。") % {"n": MAX_COLUMNS})
                    yield row
            except xlsx.Oversize as big:
                raise _oversize(big, name) from None
            except (xlsx.ET.ParseError, ValueError, IndexError, *ZIP_DAMAGE):
                # A cell whose value does not parse (a number that is not one, a shared
                # string index past the table) or a part damaged after its first rows.
                raise _refuse("import.corrupt", _("文件已损坏：%(part)s 无法读取。")
                              % {"part": part}) from None

        head = list(itertools.islice(rows(), HEAD_ROWS))
        if not any(_filled(row) for row in head) and not any(
                _filled(row) for row in itertools.islice(rows(), HEAD_ROWS, None)):
            continue
        width = max(len(row) for row in head)
        head = [row + [""] * (width - len(row)) for row in head]
        height = max(found.height, len(head))
        tables.append(Table(head=head, height=height, rows_from=rows, sheet=sheet.name,
                            fmt="xlsx", merged=_merged_cells(found.merged, height, width),
                            uncached=found.uncached, hidden=sheet.hidden))
    return tables


def _oversize(big: xlsx.Oversize, sheet: str) -> UserError:
    """A cell, row or shared string past the reader's caps (xlsx.MAX_CELL_BYTES …): named,
    refused before it is held or searched."""
    mb = max(big.limit // (1024 * 1024), 1)
    if big.what == "cell":
        message = _("工作表“%(s)s”单元格 %(c)s 的内容超过 %(mb)s MB（Excel 一个单元格最多 "
                    "32767 个字符），文件已损坏或经过篡改，已拒绝。")
    elif big.what == "row":
        message = _("工作表“%(s)s”第 %(c)s 行的内容超过 %(mb)s MB，文件已损坏或经过篡改，"
                    "已拒绝。")
    else:
        message = _("共享字符串表第 %(c)s 条文字超过 %(mb)s MB（Excel 一个单元格最多 "
                    "32767 个字符），文件已损坏或经过篡改，已拒绝。")
    return _refuse("import.cell_too_large", message % {"s": sheet, "c": big.where, "mb": mb})


def _filled(row: list[object]) -> bool:
    return any(v not in (None, "") for v in row)


def _merged_cells(ranges, height: int, width: int) -> set[tuple[int, int]]:
    """The cells covered by merged ranges other than each range's top-left cell, clipped to
    the cells that hold data: a range declared over the whole sheet (A1:XFD1048576) would
    otherwise be 17 billion cells (MemoryError after a minute; found while fuzzing)."""
    merged = set()
    for (r0, c0), (r1, c1) in ranges:
        merged.update((r, c) for r in range(r0, min(r1, height - 1) + 1)
                      for c in range(c0, min(c1, width - 1) + 1) if (r, c) != (r0, c0))
    return merged


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_uncached_formulas(archive: zipfile.ZipFile, sheet: str) -> set[tuple[int, int]]:
    """Formula cells of the ODS `sheet` saved without a value (no office:value-type): calamine
    reads them as empty, silently. Positions count repeated rows and columns as ODS stores
    them (number-rows-repeated / number-columns-repeated)."""
    found: set[tuple[int, int]] = set()
    table, row, col = f"{_ODS_TABLE}table", 0, 0
    inside = False
    in_row: list[int] = []
    parser = xlsx.ET.XMLPullParser(("start", "end"))
    try:
        with archive.open("content.xml") as stream:
            while chunk := stream.read(xlsx.CHUNK):
                parser.feed(chunk)
                for event, node in parser.read_events():
                    tag = node.tag
                    if tag == table:
                        if event == "start":
                            inside, row = node.get(f"{_ODS_TABLE}name") == sheet, 0
                        elif inside:
                            return found
                    elif not inside:
                        continue
                    elif tag == f"{_ODS_TABLE}table-row":
                        if event == "start":
                            col, in_row = 0, []
                        else:
                            repeat = min(int(node.get(f"{_ODS_TABLE}number-rows-repeated", "1")),
                                         max_rows())
                            found.update((r, c) for r in range(row, row + repeat) for c in in_row)
                            row += repeat
                            node.clear()
                    elif event == "start" and tag in (f"{_ODS_TABLE}table-cell",
                                                      f"{_ODS_TABLE}covered-table-cell"):
                        repeat = min(int(node.get(f"{_ODS_TABLE}number-columns-repeated", "1")),
                                     MAX_COLUMNS)
                        if (node.get(f"{_ODS_TABLE}formula")
                                and node.get(f"{_ODS_OFFICE}value-type") is None):
                            in_row.extend(range(col, col + repeat))
                        col += repeat
    except (ValueError, xlsx.ET.ParseError):  # ParseError is a SyntaxError, not a ValueError
        raise _refuse("import.corrupt", _("文件已损坏：%(part)s 无法读取。")
                      % {"part": "content.xml"}) from None
    return found


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise _refuse("import.not_spreadsheet",
                      _("文件不是 Excel、ODS 或 CSV 表格，无法读取。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly any byte string
        raise _refuse("import.encoding", _("无法识别文件编码，请另存为 UTF-8 或 GB18030 的 CSV。"))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    # A first pass counts rows and finds the widest, holding nothing; rows are read again,
    # padded, when they are used.
    height = width = 0
    filled = False
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for row in reader:
            height += 1
            width = max(width, len(row))
            filled = filled or any(row)
    except csv.Error:
        # A stray carriage return or NUL inside a field, past the sniffed sample (found by
        # the fuzzer, bench/fuzz_import.py).
        raise _refuse("import.csv_malformed", _("CSV 文件第 %(n)s 行格式有误，无法读取。")
                      % {"n": reader.line_num}) from None
    if width > MAX_COLUMNS:
        raise _refuse("import.too_many_columns",
                      _("工作表列数超过 %(n)s 列。") % {"n": MAX_COLUMNS})

    def rows() -> Iterator[list[object]]:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            yield [cell if cell != "" else None for cell in row] + [None] * (width - len(row))

    return Table(head=list(itertools.islice(rows(), HEAD_ROWS)), height=height if filled else 0,
                 rows_from=rows,
                 fmt="csv", merged=None)
