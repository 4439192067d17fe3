"""The street offices' 网格户数人口统计表 of the grid demo, as 莲湖 and 林山寨 keep them: a title
row, a 填报单位 line, a two-row header (户数 and 人口 merged under 网格规模), a section row per
community with its sums, the grid rows each followed by its micro-grids' rows, a 合计 row and
the notes under the table. The demo imports them through the ledger import a street centre's
upload goes through (all or nothing, audited as the import). Every figure is SAMPLE."""

from __future__ import annotations

import io

import xlsxwriter

from diaodu.core.errors import UserError
from diaodu.core.models import User
from diaodu.ledgers import services as ledgers

NUMERALS = "一二三四五六七八九十"
HEADER_TOP = ["序号", "社区", "网格名称", "微网格名称", "网格规模", None, "备注"]
HEADER_SUB = [None, None, None, None, "户数（户）", "人口（人）", None]

# (grid name, [micro-grid households …] or [] for a grid without micro-grids, its households)
Grid = tuple[str, list[int], int]


def population(households: int) -> int:
    return round(households * 2.8)


def workbook(street: str, communities: list[tuple[str, list[Grid]]],
             notes: dict[str, str] | None = None) -> bytes:
    """The register of `street` (e.g. 莲湖街道): per community its grids; `notes` by grid name
    go into the 备注 column."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("网格户数人口")
    width = len(HEADER_TOP)
    sheet.merge_range(0, 0, 0, width - 1, f"{street}网格户数人口统计表（样例数据）")
    sheet.write(1, 0, f"填报单位：{street}城运中心")
    sheet.write(1, 5, "统计时间：2023年3月")
    for c, label in enumerate(HEADER_TOP):
        if c == 4:
            sheet.merge_range(2, 4, 2, 5, label)
        elif label is not None:
            sheet.merge_range(2, c, 3, c, label)
        if HEADER_SUB[c]:
            sheet.write(3, c, HEADER_SUB[c])
    row, households, people = 4, 0, 0
    for n, (community, grids) in enumerate(communities):
        section_h = sum(g[2] for g in grids)
        section_p = sum(population(g[2]) for g in grids)
        sheet.write_row(row, 0, [f"{NUMERALS[n]}、{community}", None, None, None, section_h,
                                 section_p])
        row += 1
        for i, (name, micro, total) in enumerate(grids, start=1):
            sheet.write_row(row, 0, [i, None, name, None, total, population(total)])
            if notes and name in notes:
                sheet.write(row, 6, notes[name])
            row += 1
            for m, h in enumerate(micro, start=1):
                sheet.write_row(row, 0, [f"{i}-{m}", None, name, f"{name}{m}号微网格", h,
                                         population(h)])
                row += 1
        households, people = households + section_h, people + section_p
    sheet.write_row(row, 0, ["合计", None, None, None, households, people])
    sheet.write(row + 1, 0, "注：1.合计为各网格之和，微网格已含在其网格内；2.微网格按50–70户"
                            "划分，超出标准的在备注中说明。")
    sheet.write(row + 2, 0, "填报人：网格办　　审核人：城运中心主任　　填报日期：2023年3月28日")
    book.close()
    return buffer.getvalue()


def import_register(actor: User | None, street: str, data: bytes) -> None:
    """Dry-run-free commit of the register through the ledger import; a refused row fails the
    demo naming its cell."""
    job = ledgers.import_job_create(actor=actor, kind="grids", data=data,
                                    filename=f"{street}网格户数人口统计表.xlsx")
    job = ledgers.import_job_run(actor=actor, job=job, commit=True)
    if not job.summary.get("committed"):
        problems = "; ".join(f"{e['cell']} {e['message']}" for row in job.rows
                             for e in row["errors"])
        raise UserError("demo.grid_register", f"{street}: {problems or job.summary}")
