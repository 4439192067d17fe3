"""Atheris (libFuzzer) harness for the ledger import's reading and header layer.

The property (issue 9 §7): whatever bytes are uploaded, reading them (read_table), finding the
header and mapping the columns (detect_header, mapping_of, classify) and reading each cell as the
mapped field (parse_cell) either succeeds or refuses with
a UserError (or a CellError for one cell) carrying a Chinese message. Any other exception is a
finding and stops the fuzzer with the input saved as crash-*.

By hand, for a long run (seeds are written to the corpus directory on first use):
    uv run python bench/fuzz_import.py bench/fuzz_corpus -max_total_time=3600 -rss_limit_mb=2048
A file that crashed it, replayed:  uv run python bench/fuzz_import.py crash-<sha>
In CI a bounded run is in tests/ledgers/test_fuzz_import.py.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import sys
import zipfile
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diaodu.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

import atheris  # noqa: E402

with atheris.instrument_imports():
    from diaodu.ledgers import mapping as m
    from diaodu.ledgers import readers

from django.utils import translation  # noqa: E402

from diaodu.core.errors import UserError  # noqa: E402

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NAMES = ("台账.xlsx", "台账.csv", "台账.xls", "台账.ods", "台账")


def check(data: bytes, filename: str) -> None:
    """One upload through the reading and mapping layer; raises AssertionError (or the
    unexpected exception itself) when the property fails."""
    try:
        table = readers.read_table(data, filename)
    except UserError as error:
        assert CHINESE.search(str(error.message)), f"refusal without Chinese: {error.message!r}"
        return
    for kind in m.KINDS:
        header = m.detect_header(kind, table.head, merged=table.merged)
        if header is None:
            continue  # the service refuses with import.header_not_found
        fields = m.mapping_of(header.columns)
        name_col = fields.get("name", fields.get("code"))
        factors = {c.index: c.factor for c in header.columns if c.factor}
        for row in itertools.islice(table.iter_rows(header.data_start), 200):
            if m.classify(row, name_col) != m.DATA:
                continue
            for key, index in fields.items():
                value = row[index] if index < len(row) else None
                try:
                    m.parse_cell(kind, key, value, factors.get(index))
                except m.CellError as error:
                    assert CHINESE.search(error.message), error.message


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def sheet_package(xml: bytes) -> bytes:
    """An .xlsx whose worksheet is `xml`, stored uncompressed: random bytes in a deflated
    part only reach the zip layer, so this mode mutates the sheet XML the stream parses."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml",
                         f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
                         '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships><Relationship Id="rId1" '
                         f'Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
                         f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" '
                         'Target="sharedStrings.xml"/></Relationships>')
        archive.writestr("xl/sharedStrings.xml",
                         f'<sst xmlns="{MAIN}"><si><t>项目名称</t></si><si><t>甲项目</t></si>'
                         '</sst>')
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    return buffer.getvalue()


def test_one_input(data: bytes) -> None:
    if not data:
        return
    if data[0] % (len(NAMES) + 1) == len(NAMES):
        check(sheet_package(data[1:]), "台账.xlsx")
    else:
        check(data[1:], NAMES[data[0] % (len(NAMES) + 1)])


def seeds() -> dict[str, bytes]:
    """Real-looking ledgers in each format, so the fuzzer starts inside the parsers."""
    import xlsxwriter

    rows = [["中原区2022年重点项目台账"], ["填报单位：区发改委", None, None, "单位：亿元"],
            ["序号", "项目代码", "项目名称", "级别", "总投资（亿元）", "计划开工时间",
             "2022年计划投资"],
            ["一、省重点项目"], [1, "2112-410102-04-01-123456", "甲项目", "省重点", 1.5,
                                 "2022-03-01", "0.35"],
            [2, None, "乙项目", "区重点", "2.25", "2022年5月", 1],
            ["合  计", None, None, None, 3.75]]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    sheet.merge_range(0, 0, 0, 6, rows[0][0])
    sheet.write_formula(6, 5, "=E5+E6")
    book.close()
    csv_text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<?xml version='1.0'?><office:document-content/>")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    return {"\x00seed.xlsx": b"\x00" + buffer.getvalue(),
            "\x05seed-sheet.xml": b"\x05" + sheet_xml,
            "\x01seed.csv": b"\x01" + csv_text.encode("utf-8"),
            "\x01seed-gb.csv": b"\x01" + csv_text.encode("gb18030"),
            "\x03seed.ods": b"\x03" + ods.getvalue(),
            "\x02seed.xls": b"\x02" + readers.OLE_MAGIC + bytes(504)}


def main(argv: list[str]) -> None:
    translation.activate("zh-hans")
    corpus = next((Path(a) for a in argv[1:] if not a.startswith("-")), None)
    if corpus is not None and (corpus.is_dir() or not corpus.exists()):
        corpus.mkdir(parents=True, exist_ok=True)
        if not any(corpus.iterdir()):
            for name, data in seeds().items():
                (corpus / f"seed-{name[1:]}").write_bytes(data)
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
