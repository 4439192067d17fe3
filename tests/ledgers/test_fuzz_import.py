"""The import reader under fuzzing (bench/fuzz_import.py, atheris): a short bounded run in CI,
and the inputs the fuzzer found, replayed. Each of those once escaped as a raw exception
(BadZipFile on a damaged local header, calamine's WorksheetNotFound for a sheet part the
archive lacks, NotImplementedError for an unknown zip version, csv.Error on a stray carriage
return, decimal.InvalidOperation for an amount of 3E+99999 in a cell, LookupError for a sheet
declaring an encoding Python does not know, found by the mode that mutates the sheet XML the
streaming reader parses; found while reading its cases: a merged range declared over the
whole sheet, 17 billion cells, MemoryError after a minute); the property is a table or a
UserError with a Chinese message, nothing else."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from diaodu.core.errors import UserError
from diaodu.ledgers import mapping, readers

ROOT = Path(__file__).resolve().parents[2]
FOUND = Path(__file__).with_name("fuzz_found")
RUNS = int(os.environ.get("FUZZ_IMPORT_RUNS", "3000"))


@pytest.mark.parametrize("path", sorted(FOUND.iterdir()), ids=lambda p: p.name)
def test_inputs_the_fuzzer_found_are_refused_in_chinese_or_read(path):
    try:
        table = readers.read_table(path.read_bytes(), path.name)
    except UserError as error:
        assert re.search(r"[\u4e00-\u9fff]", error.message), error.message
        assert error.field == "file"
    else:
        assert table.head and table.height
        assert list(table.iter_rows())  # the rows read again, one at a time


@pytest.mark.parametrize("value", ["3E+99999", "1" * 40, "9" * 29 + ".5"])
def test_amount_beyond_decimal_precision_is_an_invalid_cell(value):
    # Found by the fuzzer (a long run): quantize raised decimal.InvalidOperation.
    with pytest.raises(mapping.CellError) as problem:
        mapping.parse_money(value)
    assert problem.value.code == "money.invalid" and "不是有效金额" in problem.value.message


def test_merged_range_over_the_whole_sheet_is_clipped_to_the_data():
    table = readers.read_table((FOUND / "merged_whole_sheet.xlsx").read_bytes(), "台账.xlsx")
    assert len(table.merged) < 10


def test_bounded_fuzz_run(tmp_path):
    """libFuzzer for RUNS inputs from the seed ledgers; any exception other than a UserError
    fails the run (exit code != 0) and leaves the input as crash-* in tmp_path."""
    pytest.importorskip("atheris", reason="atheris (libFuzzer) is not installed here")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fuzz_import.py"), str(tmp_path / "corpus"),
         f"-runs={RUNS}", "-max_total_time=120", "-timeout=20", "-rss_limit_mb=2048",
         f"-artifact_prefix={tmp_path}/", "-seed=1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Done {RUNS} runs" in result.stderr, result.stderr[-2000:]
