"""The streaming reader's time is linear in the size of a cell (issue 16, finding 4): one huge
<t> made both passes rebuild `carry + chunk` and search the whole buffer every 64 KB (cells of
8/16/32/64 MB took 2.2/5.8/18.4/94.7 s). A cell or row past the caps is refused by name."""

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from diaodu.core.errors import UserError
from diaodu.ledgers import readers, xlsx

from .test_xlsx_stream import MAIN, _package

ROOT = Path(__file__).resolve().parents[2]


def _sheet(cell_bytes: int) -> str:
    return (f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
            f'<row r="2"><c r="B2" t="inlineStr"><is><t>{"a" * cell_bytes}</t></is></c>'
            '</row></sheetData></worksheet>')


def _both_passes(data: bytes) -> float:
    archive = zipfile.ZipFile(io.BytesIO(data))
    book = xlsx.open_book(archive)
    started = time.perf_counter()
    found = xlsx.scan(archive, book.sheets[0].part)
    rows = list(xlsx.rows(book, book.sheets[0].part, found.width))
    elapsed = time.perf_counter() - started
    assert set(rows[1][1]) == {"a"}
    return elapsed


def ratio() -> tuple[float, float]:
    """Best of three for each size, run in a child (see the test)."""
    xlsx.MAX_CELL_BYTES = xlsx.MAX_ROW_BYTES = 64 * 1024 * 1024
    small, big = (_package(_sheet(n * 1024 * 1024)) for n in (8, 32))
    _both_passes(small)  # warm up
    return (min(_both_passes(small) for _ in range(3)),
            min(_both_passes(big) for _ in range(3)))


def test_a_huge_cell_is_read_in_linear_time():
    """8 MB against 32 MB: four times the bytes may take about four times as long (the
    quadratic reader took 8.4 times as long); the ratio, not the seconds, is checked, since
    the machine is shared. Measured in a child whose malloc keeps freed memory: otherwise
    each 32 MB buffer is a fresh mmap whose page faults alone make the time superlinear
    (even bytes.decode of 32 MB took 60 times as long as of 8 MB here)."""
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "2147483647",
           "MALLOC_TRIM_THRESHOLD_": "4294967295"}
    child = subprocess.run(
        [sys.executable, "-c", "from tests.ledgers.test_xlsx_linear import ratio; "
         "print(*ratio())"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        check=True)
    t_small, t_big = map(float, child.stdout.split())
    print(f"8 MB: {t_small:.2f} s, 32 MB: {t_big:.2f} s, ratio {t_big / t_small:.1f}")
    assert t_big / t_small < 6, (t_small, t_big)


def test_a_cell_past_the_cap_is_refused_by_name():
    data = _package(_sheet(xlsx.MAX_CELL_BYTES + 10))
    with pytest.raises(UserError) as refused:
        readers.read_table(data, "台账.xlsx")
    assert refused.value.code == "import.cell_too_large"
    assert "单元格 B2" in refused.value.message and "台账" in refused.value.message


def test_a_row_past_the_cap_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROW_BYTES", 256 * 1024)
    cells = "".join(f'<c r="{chr(65 + i)}3" t="inlineStr"><is><t>'
                    f'{"b" * 30000}</t></is></c>' for i in range(12))
    sheet = _sheet(10).replace("</sheetData>", f'<row r="3">{cells}</row></sheetData>')
    with pytest.raises(UserError) as refused:
        readers.read_table(_package(sheet), "台账.xlsx")
    assert refused.value.code == "import.cell_too_large" and "第 3 行" in refused.value.message


def test_a_huge_shared_string_is_refused_by_its_number():
    shared = (f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>项目名称</t></si>'
              f'<si><t>{"c" * (xlsx.MAX_CELL_BYTES + 1)}</t></si></sst>')
    sheet = (f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData><row r="1">'
             '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
             '</sheetData></worksheet>')
    with pytest.raises(UserError) as refused:
        readers.read_table(_package(sheet, shared=shared), "台账.xlsx")
    assert refused.value.code == "import.cell_too_large" and "第 2 条" in refused.value.message


def test_cells_just_under_the_cap_are_read():
    data = _package(_sheet(xlsx.MAX_CELL_BYTES - 200))
    table = readers.read_table(data, "台账.xlsx")
    assert len(list(table.iter_rows())[1][1]) == xlsx.MAX_CELL_BYTES - 200
