"""The streaming .xlsx reader (ledgers/xlsx.py) gives the rows python-calamine gives, for files
from the writers people use, while holding one block of rows at a time."""

import io
import tracemalloc
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diaodu.core.errors import UserError
from diaodu.ledgers import readers, xlsx

CELL = st.one_of(
    st.none(),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["项目名称", "a & b < c > d", "  前后空格  ", "=SUM(A1)", "1,234.50"]),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.booleans(),
    st.dates(date(1900, 3, 1), date(2100, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(2100, 12, 31)).map(
        lambda d: d.replace(microsecond=0)),
)
GRID = st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=12)


def by_xlsxwriter(grid, *, constant_memory=False, merges=()):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": constant_memory,
                                        "strings_to_formulas": False,
                                        "strings_to_numbers": False})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet = book.add_worksheet("台账")
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, moment)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write(r, c, value)
    for r0, c0, r1, c1 in merges:
        sheet.merge_range(r0, c0, r1, c1, None)
    book.close()
    return buffer.getvalue()


def by_openpyxl(grid):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(r, c).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def both(data: bytes):
    streamed = readers.read_table(data, "台账.xlsx")
    loaded = readers._read_calamine(data, "xlsx")[0]
    return streamed, loaded


def trimmed(rows):
    """Rows without trailing empty cells and without trailing empty rows. Writers differ in
    whether an empty string is a cell (openpyxl writes one, and declares it in the sheet's
    dimension): calamine's range ends at the last value, the stream pads to the dimension."""
    rows = [list(row) for row in rows]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def assert_same(data: bytes):
    try:
        streamed, loaded = both(data)
    except UserError as refused:
        # Only a formula saved without its value (openpyxl writes "=…" text as one): both
        # readers see no value in the whole workbook.
        assert refused.code == "import.empty_workbook"
        assert not readers._read_calamine(data, "xlsx")
        return
    assert streamed.merged == loaded.merged
    assert trimmed(streamed.head) == trimmed(loaded.head)
    rows_a, rows_b = trimmed(streamed.iter_rows()), trimmed(loaded.iter_rows())
    assert rows_a == rows_b
    # Same types too: 1.0 and True compare equal but mean different things downstream.
    assert [[type(v) for v in row] for row in rows_a] == [[type(v) for v in row]
                                                          for row in rows_b]
    assert len(rows_a) <= streamed.height


def _filled(grid):
    return any(v not in (None, "") for row in grid for v in row)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GRID)
def test_same_rows_as_calamine_shared_strings(grid):
    if _filled(grid):
        assert_same(by_xlsxwriter(grid))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GRID)
def test_same_rows_as_calamine_inline_strings(grid):
    if _filled(grid):
        assert_same(by_xlsxwriter(grid, constant_memory=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GRID)
def test_same_rows_as_calamine_openpyxl(grid):
    if _filled(grid):
        assert_same(by_openpyxl(grid))


def test_merged_header_gaps_and_a_late_first_row():
    grid = [[None] * 4, ["重点项目台账", None, None, None], ["序号", "项目名称", "投资", None],
            [None, None, "总投资", "年度计划"], [None] * 4, [1, "郑州市实验中学", 12.5, 3]]
    assert_same(by_xlsxwriter(grid, merges=[(1, 0, 1, 3), (2, 2, 2, 3), (2, 0, 3, 0)]))


def _package(sheet_xml: str, *, shared: str | None = None, styles: str | None = None,
             book_pr: str = "") -> bytes:
    """A minimal .xlsx around hand-written sheet XML, for what the common writers never do."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = [f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>']
    if shared is not None:
        rels.append(f'<Relationship Id="rId2" Type="{rel}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
    if styles is not None:
        rels.append(f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("xl/workbook.xml",
                   f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}">{book_pr}'
                   '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
                   f'org/package/2006/relationships">{"".join(rels)}</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
    return buffer.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_prefixed_namespace_rows_and_cells_without_references():
    # .NET writers use a prefix; references are optional in the schema.
    sheet = (f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
             '<x:row><x:c t="inlineStr"><x:is><x:t>项目名称</x:t></x:is></x:c>'
             '<x:c><x:v>12.5</x:v></x:c></x:row>'
             '<x:row r="3"><x:c r="B3" t="s"><x:v>0</x:v></x:c><x:c r="C3"><x:f>B1*2</x:f>'
             '</x:c></x:row>'
             '</x:sheetData></x:worksheet>')
    shared = (f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><r><t>郑州</t></r><r><rPr/>'
              '<t>市实验中学</t></r><rPh><t>ていおん</t></rPh></si></sst>')
    table = readers.read_table(_package(sheet, shared=shared), "a.xlsx")
    assert list(table.iter_rows()) == [["项目名称", 12.5, ""], ["", "", ""],
                                       ["", "郑州市实验中学", ""]]
    assert table.height == 3
    assert table.uncached == {(2, 2)}  # a formula saved without its value


def test_dates_by_style_in_1904_and_error_cells_named():
    styles = (f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><numFmts count="1">'
              '<numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts>'
              '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="176"/><xf numFmtId="31"/>'
              '<xf numFmtId="4"/></cellXfs></styleSheet>')
    sheet = (f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData><row r="1">'
             '<c r="A1" s="1"><v>43173</v></c><c r="B1" s="2"><v>43173.5</v></c>'
             '<c r="C1" s="3"><v>43173</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
             '<c r="E1" t="b"><v>1</v></c><c r="F1" t="d"><v>2022-03-15</v></c>'
             '</row></sheetData></worksheet>')
    data = _package(sheet, styles=styles, book_pr='<workbookPr date1904="1"/>')
    row = next(readers.read_table(data, "a.xlsx").iter_rows())
    # 1904 system: serial 43173 is 2022-03-15 (in the 1900 system 2018-03-14, 1462 days
    # earlier). Calamine reads an error cell as empty; the text tells the user what is wrong.
    assert row == [date(2022, 3, 15), datetime(2022, 3, 15, 12, 0), 43173.0, "#DIV/0!", True,
                   date(2022, 3, 15)]


def test_time_and_phantom_leap_day():
    assert xlsx.to_date(0.5, False) == time(12, 0)
    assert xlsx.to_date(59, False) == date(1900, 2, 28)
    assert xlsx.to_date(61, False) == date(1900, 3, 1)
    assert xlsx.to_date(44635, False) == date(2022, 3, 15)


@pytest.mark.parametrize("code, is_date", [
    ("yyyy-mm-dd", True), ('yyyy"年"m"月"d"日"', True), ("[$-804]aaaa", False),
    ("[DBNum1][$-804]yyyy\"年\"m\"月\"", True), ("0.00_);[Red](0.00)", False),
    ('#,##0.00"万元"', False), ("[h]:mm:ss", True), ("General", False), ("@", False),
])
def test_date_formats(code, is_date):
    assert xlsx.is_date_format(code) is is_date


def test_damaged_rows_refuse_the_file_when_read():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 50))
    sheet = (f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{rows}'
             '<row r="50"><c r="A50"><v>not a number</v></c></row></sheetData></worksheet>')
    table = readers.read_table(_package(sheet), "a.xlsx")  # the first rows are fine
    with pytest.raises(UserError) as refused:
        list(table.iter_rows())
    assert refused.value.code == "import.corrupt"
    # Within the rows read at upload, the upload itself is refused.
    with pytest.raises(UserError) as refused:
        readers.read_table(_package(sheet.replace('<v>1</v>', '<v>x</v>')), "a.xlsx")
    assert refused.value.code == "import.corrupt"


def test_an_empty_sheet_is_skipped_for_the_next():
    sheet = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData/></worksheet>'
    with pytest.raises(UserError) as refused:
        readers.read_table(_package(sheet), "a.xlsx")
    assert refused.value.code == "import.empty_workbook"


def _ledger(rows: int) -> bytes:
    """Numbers, dates and texts that repeat (units, streets, categories), so that the shared
    strings, which any reader keeps (calamine too), stay the same size."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["序号", "责任单位", "所属街道", "总投资", "计划开工", "备注"])
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [r, f"第{r % 20}责任单位", f"第{r % 14}街道", r * 1.25])
        sheet.write_datetime(r, 4, datetime(2022, 1 + r % 12, 1), day)
        sheet.write_string(r, 5, "前期" if r % 3 else "在建")
    book.close()
    return buffer.getvalue()


def _peak_while_reading(data: bytes) -> int:
    tracemalloc.start()
    try:
        table = readers.read_table(data, "a.xlsx")
        assert sum(1 for _ in table.iter_rows()) == table.height
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_rows_already_read_are_not_held():
    """Twenty times the rows, the same memory: one block of rows is held at a time (≈ 1.5 MB
    here, where the 20,000 rows kept as lists would take 5 MB)."""
    small, large = _peak_while_reading(_ledger(1_000)), _peak_while_reading(_ledger(20_000))
    assert large < 1.25 * small, (small, large)
