"""Header detection, column mapping and cell parsing for real-world ledgers (台账). Pure: no
Django, plain values in and out, so it is tested with plain tables and hypothesis.

A ledger people send looks like this: one or two title rows ("中原区2022年重点项目台账",
"填报单位：… 单位：万元"), then one or two header rows (a group such as "1-2月完成投资" over
"本月 / 累计 / 占年度计划%"), then data rows mixed with section rows ("一、省重点项目"),
subtotals and a grand total. Header text carries line breaks, full-width characters, spaces
and units ("总投资（亿元）").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .fields import (  # noqa: F401  (the catalogue, read through mapping by callers)
    BOOL,
    DATE,
    FIELDS,
    IDENTITY,
    INT,
    KINDS,
    LEVEL,
    MONEY,
    STAGE,
    TEXT,
    FieldSpec,
    declared,
    identity_of,
    key_column,
)

# ---------------------------------------------------------------- text normalisation

_SPACE = re.compile(r"\s+")
_BRACKETS = re.compile(r"\(([^()]*)\)")
_UNIT_WORDS = (("亿元", Decimal(10000)), ("万元", Decimal(1)), ("元", Decimal("0.0001")))


@lru_cache(maxsize=16384, typed=True)  # ledgers repeat the same units, levels and marks
def norm(text: object) -> str:
    """NFKC (full-width → half-width), no whitespace or line breaks, unified brackets."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = s.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    return _SPACE.sub("", s)


def unit_of(text: str) -> Decimal | None:
    """The money unit a header states (万元 → 1, 亿元 → 10000, 元 → 0.0001), else None."""
    t = norm(text)
    for part in [*_BRACKETS.findall(t), t]:
        for word, factor in _UNIT_WORDS:
            if part.endswith(word) or part == word or f"单位:{word}" in part:
                return factor
    return None


def bare(text: str) -> str:
    """The header without its unit, bracketed notes and trailing punctuation."""
    t = _BRACKETS.sub("", norm(text))
    for word, _factor in _UNIT_WORDS:
        if t.endswith(word) and len(t) > len(word):
            t = t[: -len(word)]
    return t.strip(":：*、.")


# ---------------------------------------------------------------- column matching

@dataclass(frozen=True)
class Column:
    index: int
    label: str                  # the header as written ("1-2月完成投资/本月")
    key: str | None             # mapped field, None when unknown
    factor: Decimal | None      # 万元 per unit stated in this column's header


def _lookup(kind: str) -> dict[str, str]:
    table = {}
    for spec in FIELDS[kind]:
        for synonym in spec.synonyms:
            table.setdefault(bare(synonym), spec.key)
    return table


_LOOKUPS = {kind: _lookup(kind) for kind in KINDS}


def add_kind(kind: str, fields: tuple[tuple[str, ...], ...],
             identity: tuple[str, ...] = ()) -> None:
    """A kind whose app declares its columns and the ones that identify a row (core/imports.py,
    Planner.FIELDS and Planner.IDENTITY)."""
    FIELDS[kind] = declared(fields)
    _LOOKUPS[kind] = _lookup(kind)
    if identity:
        IDENTITY[kind] = identity
_MONTHS = re.compile(r"^(?:\d{4}年)?(?:1[-~～至])?(\d{1,2})月(?:份)?(?:累计)?(?:目标)?$")


def match_label(kind: str, label: str) -> str | None:
    """The field a header label means for `kind`, or None. Labels of two-row headers are
    "group/sub"."""
    lookup = _LOOKUPS[kind]
    group, _, sub = label.rpartition("/")
    g, s = bare(group), bare(sub)
    if not s:
        return None
    if kind == "reports" and g:
        if "完成" in g or "投资" in g:
            if s in ("本月", "当月", "本期", "本月完成", "当月完成"):
                return "completed_in_period"
            if s in ("累计", "累计完成"):
                return "cumulative_completed" if "开工" in g else "_ytd"
            if "%" in sub or "占" in s or "率" in s:
                return "_ratio"
    if kind == "projects":
        progress = _progress_key(g, s)
        if progress:
            return progress
    if kind == "plans":
        month = _MONTHS.match(s)
        if month and 1 <= int(month.group(1)) <= 12 and (not g or "目标" in g or "计划" in g
                                                        or "累计" in g or "月" in s):
            return f"target_{int(month.group(1))}"
    if g and bare(f"{g}{s}") in lookup:
        return lookup[bare(f"{g}{s}")]
    if s in lookup:
        return lookup[s]
    if g and g in lookup and s in ("", "合计"):
        return lookup[g]
    # A longer header containing a synonym ("项目名称（全称）", "计划总投资额"): the longest
    # synonym of at least two characters wins.
    best, best_len = None, 1
    for synonym, key in lookup.items():
        if len(synonym) > best_len and synonym in s:
            best, best_len = key, len(synonym)
    return best


_PRIOR = re.compile(r"^(?:至|截至|截止|到)?(?:\d{4}年|上年)(?:底|末)累计")
_YEAR_TO = re.compile(r"^(?:\d{4}年)?1[-~～至](\d{1,2})月(?:份)?(?:累计)?完成")
_ONE_MONTH = re.compile(r"^(?:\d{4}年)?(\d{1,2})月(?:份)?(?:当月)?完成")


def _progress_key(g: str, s: str) -> str | None:
    """A project ledger's progress columns as offices head them: 至2022年底累计完成投资,
    2023年1-2月完成投资 (year to date), 2月完成投资, and the group 1-2月完成投资 over
    本月 / 累计 / 占年度计划%."""
    if g and ("完成" in g or "投资" in g):
        if s in ("本月", "当月", "本期", "本月完成", "当月完成"):
            return "period_completed"
        if s in ("累计", "累计完成"):
            return "cumulative_completed" if "开工" in g else (
                "prior_cumulative" if _PRIOR.match(g) else "ytd_completed")
        if "%" in s or "占" in s or "率" in s:
            return "_ratio"
    text = s if not g or s not in ("", "合计") else g
    if _PRIOR.match(text):
        return "prior_cumulative"
    if _YEAR_TO.match(text):
        return "ytd_completed"
    if _ONE_MONTH.match(text):
        return "period_completed"
    return None


def map_columns(kind: str, labels: list[str], profile: dict[str, str] | None = None,
                default_factor: Decimal | None = None) -> list[Column]:
    """One Column per header label. A saved profile ({normalised label: field}) wins over the
    synonyms; each field is taken by its first column only."""
    profile = profile or {}
    taken: set[str] = set()
    columns = []
    for index, label in enumerate(labels):
        key = profile.get(norm(label)) if norm(label) in profile else match_label(kind, label)
        if key and not key.startswith("_") and key in taken:
            key = None
        if key:
            taken.add(key)
        factor = unit_of(label.rpartition("/")[2]) or unit_of(label.rpartition("/")[0]) \
            if label else None
        columns.append(Column(index, label, key or None, factor or default_factor))
    return columns


def mapping_of(columns: list[Column]) -> dict[str, int]:
    """{field: column index} of the mapped, non-ignored columns."""
    return {c.key: c.index for c in columns if c.key and not c.key.startswith("_")}


# ---------------------------------------------------------------- header detection

@dataclass
class Header:
    first_row: int              # 0-based index of the first header row
    rows: int                   # 1 or 2
    labels: list[str]
    default_factor: Decimal | None
    title: str = ""
    columns: list[Column] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.first_row + self.rows


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _fill_groups(top: list[str], bottom: list[str],
                 merged: set[tuple[int, int]] | None) -> list[str]:
    """Combine two header rows into "group/sub" labels. A group cell spans to the right over
    empty cells whose column has a sub header (merged cells, or a CSV where the group is
    written once)."""
    labels, group = [], ""
    for index, (up, down) in enumerate(zip(top, bottom, strict=False)):
        if up:
            group = up
        elif not down or (merged is not None and index not in {c for _r, c in merged}):
            group = ""
        if down and group:
            labels.append(f"{group}/{down}")
        else:
            labels.append(up or down)
    return labels


def _score(kind: str, labels: list[str]) -> int:
    keys = {match_label(kind, label) for label in labels if label}
    keys.discard(None)
    if not keys & set(identity_of(kind)):
        return 0
    return len(keys)


def detect_header(kind: str, rows: list[list[object]], *,
                  merged: set[tuple[int, int]] | None = None,
                  profile: dict[str, str] | None = None, scan: int = 15) -> Header | None:
    """Find the header among the first `scan` rows: the one-row or two-row header whose labels
    map to the most fields (a name or code column is required). `merged` holds the (row,
    column) cells covered by a merged range but not its top-left cell."""
    width = max((len(r) for r in rows[:scan + 2]), default=0)
    texts = [[_text(v) for v in r] + [""] * (width - len(r)) for r in rows[:scan + 2]]
    found: list[tuple[float, int, int, list[str]]] = []
    for i in range(min(scan, len(texts))):
        row = texts[i]
        filled = sum(1 for t in row if t)
        if filled < 2 or _is_title(row):
            continue
        candidates = [(1, row)]
        if i + 1 < len(texts):
            below = texts[i + 1]
            below_merged = {c for r, c in (merged or set()) if r == i + 1}
            # Cells under a vertically merged header stay empty; the row below is a sub
            # header only when some column has text in both rows or a group spans columns.
            # A sub-header row has a label under an empty top cell (a group spanning
            # columns); a data row fills the cells under the labels.
            spans = any(below[c] and not row[c] for c in range(width))
            if spans and not _looks_like_data(kind, below):
                top_merged = {(r, c) for r, c in (merged or set()) if r == i}
                candidates.append((2, _fill_groups(
                    row, [below[c] if c not in below_merged else "" for c in range(width)],
                    top_merged if merged is not None else None)))
        for n, labels in candidates:
            score = _score(kind, labels) + (0.5 if n == 2 else 0)
            if profile:
                score += sum(1 for label in labels if norm(label) in profile)
            if score > 0:
                found.append((score, i, n, labels))
    if not found:
        return None
    # Data rows can resemble headers ("甲项目" contains 项目): the earliest row scoring
    # nearly as well as the best one is the header.
    top = max(score for score, *_rest in found)
    _best, i, n, labels = min((f for f in found if f[0] >= top - 1),
                                key=lambda f: (f[1], -f[0]))
    best = Header(i, n, labels, None)
    title_text = " ".join(t for r in texts[:best.first_row] for t in r if t)
    best.title = title_text
    best.default_factor = unit_of(title_text) if "单位" in norm(title_text) else None
    best.columns = map_columns(kind, best.labels, profile, best.default_factor)
    return best


def _is_title(row: list[str]) -> bool:
    """A title or 填报单位/单位 line above the header."""
    return any(("单位:" in norm(t) or "单位：" in t or "填报单位" in t or "填报日期" in t
                or "制表" in t) for t in row if t)


def _looks_like_data(kind: str, row: list[str]) -> bool:
    """A row that holds numbers in most filled cells is data, not a second header row."""
    filled = [t for t in row if t]
    if not filled:
        return False
    numeric = sum(1 for t in filled if _NUMBER.match(norm(t).replace(",", "")))
    return numeric * 2 > len(filled) or any(_SECTION.match(norm(t)) for t in filled[:2])


# ---------------------------------------------------------------- rows

SECTION, TOTAL, SUBTOTAL, BLANK, DATA = "section", "total", "subtotal", "blank", "data"
_NUMERALS = "一二三四五六七八九十"
_SECTION = re.compile(
    rf"^(?:[{_NUMERALS}]+[、.．,]|\([{_NUMERALS}]+\)|第[{_NUMERALS}]+[部分类])")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?%?$")


def classify(row: list[object], name_index: int | None) -> str:
    """What a data-area row is: blank, a section heading (一、省重点项目), a subtotal, the
    grand total, or data."""
    # Cells are normalised only as far as the decision needs them (a data row: its first
    # few cells), since every row of a big ledger passes here.
    texts: dict[int, str] = {}

    def text(i: int) -> str:
        if i not in texts:
            texts[i] = norm(_text(row[i]))
        return texts[i]

    width = len(row)
    if not any(text(i) for i in range(width)):
        return BLANK
    for i in range(min(width, max(3, (name_index or 0) + 1))):
        t = text(i)
        plain = _BRACKETS.sub("", t)
        if (plain.endswith(("合计", "总计")) and len(plain) <= 8
                and not plain.startswith("小")) or plain.startswith(("合计:", "总计:")):
            return TOTAL
        if "小计" in t and len(t) <= 12:
            return SUBTOTAL
    name = text(name_index) if name_index is not None and name_index < width else ""
    first = name or next((t for t in map(text, range(width)) if t and not _NUMBER.match(t)),
                         "")
    if _SECTION.match(first) and (not name or _SECTION.match(name)
                                  or sum(1 for i in range(width) if text(i)) <= 3):
        return SECTION
    return DATA


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------- cell values

class CellError(ValueError):
    """A cell that cannot be read; the message is Chinese and names the value."""

    def __init__(self, code: str, message: str, **params: object):
        super().__init__(message)
        self.code = code
        self.message = message
        # For the translated message the services build from the code.
        self.params = {"value": "", **params}


CENT = Decimal("0.01")
_EMPTY_MARKS = {"", "-", "—", "－", "/", "无", "——", "--"}


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and norm(value) in _EMPTY_MARKS)


def parse_money(value: object, factor: Decimal | None = None) -> Decimal | None:
    """万元 from a cell: numbers, numbers stored as text with commas or full-width digits, a
    unit suffix; converted exactly by `factor` (亿元 → ×10000). More than two decimals in 万元
    is refused, never rounded."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError("money.invalid", f"不是有效金额：{value}", value=value)
    if isinstance(value, float):
        # What Excel itself displays (15 significant digits): 0.1+0.2 is 0.3 there too.
        text = format(value, ".15g")
    else:
        text = norm(value).replace(",", "").replace("，", "")
    unit = factor or Decimal(1)
    for word, word_factor in _UNIT_WORDS:
        if text.endswith(word):
            text, unit = text[: -len(word)], word_factor
            break
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError("money.invalid", f"不是有效金额：{value}", value=value) from None
    if not amount.is_finite():
        raise CellError("money.invalid", f"不是有效金额：{value}", value=value)
    if amount < 0:
        raise CellError("money.negative", f"金额不能为负数：{value}", value=value)
    wan = amount * unit
    try:
        cents = wan.quantize(CENT)
    except InvalidOperation:
        # More digits than any amount can have (e.g. 3E+99999): found by the fuzzer.
        raise CellError("money.invalid", f"不是有效金额：{value}", value=value) from None
    if wan != cents:
        raise CellError("money.precision",
                        f"金额折合万元后超过两位小数（{value} → {wan.normalize():f}万元），"
                        "请核实，系统不做四舍五入", value=value, wan=f"{wan.normalize():f}")
    return wan.quantize(CENT)


_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(?:份)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})年?$"),
)


class MonthDate(date):
    """A date given to the month only (2022年4月, 2022.4, 202204): the 1st of the month, marked
    so the import stores its precision and it is shown as 2022年4月."""


def parse_date(value: object) -> date | None:
    """A date from a real date cell or text: 2022-03-15, 2022/3/15, 2022.3.15, 2022年3月15日,
    2022.3 and 2022年3月 (the first of the month), 202203, an Excel serial number."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1900 <= value < 2101 and not float(value).is_integer():
            text = format(value, ".15g")          # 2022.3 typed into a number cell
        elif 20000 < value < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        else:
            text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = norm(value).rstrip("。")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            parts = [int(p) for p in m.groups()] + [1] * (3 - len(m.groups()))
            try:
                day = (MonthDate if len(m.groups()) == 2 else date)(*parts)
            except ValueError:
                break
            if 1900 <= day.year <= 2100:
                return day
            break
    raise CellError("date.invalid", f"不是有效日期：{value}", value=value)


def parse_int(value: object) -> int | None:
    if is_empty(value):
        return None
    text = format(value, ".15g") if isinstance(value, float) else norm(value).rstrip("年")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("int.invalid", f"不是有效整数：{value}", value=value) from None
    if number != number.to_integral_value():
        raise CellError("int.invalid", f"不是有效整数：{value}", value=value)
    return int(number)


def parse_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value).strip()


_LEVELS = {"省": "province", "省级": "province", "省重点": "province", "省重点项目": "province",
           "市": "city", "市级": "city", "市重点": "city", "市重点项目": "city",
           "区": "district", "区级": "district", "区重点": "district", "区重点项目": "district",
           "县": "district", "province": "province", "city": "city", "district": "district"}
_STAGES = {"谋划": "pipeline", "储备": "pipeline", "谋划储备": "pipeline",
           "在谈": "negotiating", "洽谈": "negotiating", "拟签约": "negotiating",
           "签约": "signed", "已签约": "signed",
           "前期": "preparation", "前期手续": "preparation", "拟开工": "preparation",
           "新开工": "construction", "在建": "construction", "续建": "construction",
           "新建": "construction", "续建项目": "construction", "新开工项目": "construction",
           "前期项目": "preparation", "谋划项目": "pipeline",
           "开工": "construction", "已开工": "construction",
           "竣工": "completed", "投产": "completed", "竣工投产": "completed",
           "已竣工": "completed", "已投产": "completed"}
_YES = {"是", "√", "✓", "y", "yes", "1", "true", "有", "已列入"}
_NO = {"否", "×", "n", "no", "0", "false", "无", "未列入"}


def parse_level(value: object) -> str | None:
    if is_empty(value):
        return None
    text = norm(value)
    if text in _LEVELS:
        return _LEVELS[text]
    raise CellError("level.invalid", f"级别无效：{value}", value=value)


def parse_stage(value: object) -> str | None:
    if is_empty(value):
        return None
    text = norm(value)
    if text in _STAGES:
        return _STAGES[text]
    raise CellError("stage.invalid", f"阶段无效：{value}", value=value)


def parse_bool(value: object) -> bool:
    if is_empty(value) and value not in ("无",):
        return False
    text = norm(value).lower() if not isinstance(value, bool) else ("1" if value else "0")
    if isinstance(value, float):
        text = format(value, ".15g")
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError("bool.invalid", f"应为是或否：{value}", value=value)


PARSERS = {TEXT: parse_text, DATE: parse_date, INT: parse_int, LEVEL: parse_level,
           STAGE: parse_stage, BOOL: parse_bool}


def spec_of(kind: str, key: str) -> FieldSpec:
    for spec in FIELDS[kind]:
        if spec.key == key:
            return spec
    raise KeyError(key)


def parse_cell(kind: str, key: str, value: object, factor: Decimal | None = None) -> object:
    spec = spec_of(kind, key)
    if spec.kind == MONEY:
        return parse_money(value, factor)
    return PARSERS[spec.kind](value)
