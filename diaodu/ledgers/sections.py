"""What the non-data rows of a real ledger mean. Pure: no Django.

Section rows carry values for the rows under them: 一、省重点项目 sets the level, （一）续建项目
the stage, until the next section of the same depth; "（23个）" in a title is a count to check.
The table ends at its grand total (合计/总计) or at the notes under it (注：, 填报人, 联系电话 …);
a header row repeated in the middle of the sheet (a printed ledger pasted back) is no data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .mapping import norm

_NUMERALS = "一二三四五六七八九十"
# Depth by numbering style: 一、 / 第一部分 (1), （一） (2), 1. / (1) (3).
_DEPTHS = (
    (1, re.compile(rf"^(?:[{_NUMERALS}]+[、.．,]|第[{_NUMERALS}]+[部分类])")),
    (2, re.compile(rf"^\([{_NUMERALS}]+\)")),
    (3, re.compile(r"^(?:\d{1,2}[、.．](?!\d)|\(\d{1,2}\))")),
)
_COUNT = re.compile(r"[(]?(?:共)?(\d+)(?:个|项)(?:项目)?[)]?")
LEVEL_WORDS = (("省重点", "province"), ("省级", "province"), ("市重点", "city"),
               ("市级", "city"), ("区重点", "district"), ("区级", "district"))
# 建设性质 / 项目性质 and section titles. 新开工 and 新建 are projects starting this year:
# under construction once started, preparing before (the planner decides by the date).
STAGE_WORDS = (("续建", "construction"), ("新开工", "construction"), ("新建", "construction"),
               ("在建", "construction"), ("竣工", "completed"), ("投产", "completed"),
               ("前期", "preparation"), ("谋划", "pipeline"), ("储备", "pipeline"),
               ("在谈", "negotiating"), ("洽谈", "negotiating"), ("签约", "signed"))
# A row starting with one of these is the notes under the table, never data.
END_WORDS = ("注:", "注：", "备注:", "说明:", "填报说明", "填报人", "填表人", "制表人", "联系电话",
             "联系人", "审核人", "填报日期", "制表日期", "单位(盖章)", "单位盖章", "负责人")


@dataclass(frozen=True)
class Section:
    depth: int
    title: str
    level: str | None = None
    stage: str | None = None
    count: int | None = None


def depth_of(text: str) -> int | None:
    t = norm(text)
    for depth, pattern in _DEPTHS:
        if pattern.match(t):
            return depth
    return None


def words_in(text: str, table) -> str | None:
    t = norm(text)
    for word, value in table:
        if word in t:
            return value
    return None


def bare_title(text: str) -> str:
    """A section title without its numbering and count: 一、阳光花苑社区（6个） → 阳光花苑社区."""
    t = norm(text)
    for _depth, pattern in _DEPTHS:
        t = pattern.sub("", t, count=1)
    return _COUNT.sub("", t).strip("()")


def parse_section(text: str) -> Section | None:
    """A section title's depth, the level or stage it names and the count it states; None when
    the text is no section title (an unreadable one is a warning for the caller)."""
    depth = depth_of(text)
    if depth is None:
        return None
    t = norm(text)
    count = _COUNT.search(t)
    return Section(depth, str(text).strip(), words_in(t, LEVEL_WORDS), words_in(t, STAGE_WORDS),
                   int(count.group(1)) if count else None)


def is_end(row: list[object]) -> bool:
    """The notes under a table: the row's first text starts with 注：, 填报人 …"""
    for value in row:
        if value not in (None, ""):
            return norm(value).startswith(END_WORDS)
    return False


def header_words(labels: list[str]) -> frozenset[str]:
    """Every part of every header label ("1-2月完成投资/本月" gives both parts)."""
    words = set()
    for label in labels:
        for part in label.split("/"):
            if part:
                words.add(norm(part))
    return frozenset(words)


def is_header_repeat(row: list[object], words: frozenset[str]) -> bool:
    """A header row printed again inside the table: every filled cell is a header word (at
    least two of them)."""
    texts = [norm(v) for v in row if v not in (None, "")]
    return len(texts) >= 2 and all(t in words for t in texts)


@dataclass
class Open:
    """A section while its rows are read: what it sets and the rows counted under it."""

    section: Section
    row: int
    sheet: str = ""
    rows: int = 0


class Sections:
    """The sections open at a row: a new one closes those of its depth and deeper."""

    def __init__(self):
        self.stack: list[Open] = []

    def enter(self, section: Section, row: int, sheet: str = "") -> list[Open]:
        closed = [o for o in self.stack if o.section.depth >= section.depth]
        self.stack = [o for o in self.stack if o.section.depth < section.depth]
        self.stack.append(Open(section, row, sheet))
        return closed

    def close_all(self) -> list[Open]:
        closed, self.stack = self.stack, []
        return closed

    def count_row(self) -> None:
        for o in self.stack:
            o.rows += 1

    def value(self, key: str) -> tuple[str | None, Open | None]:
        """The level or stage the innermost section naming one sets."""
        for o in reversed(self.stack):
            value = getattr(o.section, key)
            if value:
                return value, o
        return None, None
