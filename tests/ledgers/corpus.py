"""Ledgers in the layouts district offices keep (issue 14), written with xlsxwriter the way
Excel saves them: formulas with their cached values, merged two-row headers, section rows,
a 合计 of SUBTOTAL formulas with notes under it, a 填报说明 sheet first, a hidden sheet of
drop-down lists, line breaks in headers, one sheet per unit in different layouts.

The rows are the templates' public shape filled with sample projects; the expected counts and
totals in test_corpus.py are worked out by hand from the tables below, not by the importer."""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter

# 序号, 项目名称, 项目类别, 建设性质, 建设单位, 总投资(万元), 2022年计划投资(万元), 开工时间,
# 竣工时间, 责任单位, 属地, 包联领导 — grouped as the ledger's sections are.
KEY_PROJECTS = [
    ("一、省重点项目（2个）", [
        ("（一）续建项目（1个）", [
            ("郑州中原科技城智慧产业园", "产业项目", "续建", "郑州中科置业有限公司",
             125000, 30000, "2021.3", "2024.12", "区商务局", "须水", "王建国"),
        ]),
        ("（二）新开工项目（1个）", [
            ("中原区老旧小区改造（二期）", "城市更新", "新开工", "中原区住房保障中心",
             8650.5, 5000, "2022年4月", "2023年10月", "区住建局", "林山寨街道",
             "副区长（分管城建）"),
        ]),
    ]),
    ("二、市重点项目（3个）", [
        ("（一）续建项目（2个）", [
            # 总投资 stored as text with a thousands separator: Excel's SUBTOTAL skips it.
            ("西流湖公园提升工程", "城市更新", "续建", "中原区园林绿化中心", "4,200.00",
             1200, "2020.10", "2022.9", "区城管局", "棉纺路街道办事处", "王建国"),
            ("中原区第二实验小学", "基础设施类", "续建", "中原区教育局", 16800.75, 6000,
             "2021.9", "2023.8", "区教育局", "秦岭路街道办事处", ""),
        ]),
        ("（二）前期项目（1个）", [
            ("须水河综合治理", "基础设施类", "前期", "中原区水利局", 32000, 500,
             "2023.3", "2025.6", "区城管局", "须水街道", "副区长（分管城建）"),
        ]),
    ]),
    ("三、区重点项目（2个）", [
        (None, [
            ("中原区智慧停车场", "基础设施类", "续建", "郑州城发停车有限公司", 3100.25, 800,
             "2021.5", "2022.6", "区城管局", "林山寨", ""),
            ("棉纺路街道便民服务中心", "城市更新", "竣工", "棉纺路街道办事处", 980, 0,
             "2020.6", "2021.12", "区住建局", "棉纺路", ""),
        ]),
    ]),
]
# The plan and progress columns beside them (issue 14 §5), as a 2022年1-2月 ledger writes
# them: 至2021年底累计完成投资, 2022年1-2月完成投资 and 形象进度 (the 亿元 copy: 1-2月完成投资
# and 开工累计完成投资 instead, the same figures). Rows not listed leave them empty.
PROGRESS = {
    "郑州中原科技城智慧产业园": (Decimal("45000"), Decimal("5200"), "3#厂房主体施工"),
    "西流湖公园提升工程": (Decimal("2300"), Decimal("150.5"), "绿化提升"),
    "中原区第二实验小学": (Decimal("7000.25"), Decimal("820.25"), "主体结构施工至3层"),
    "须水河综合治理": (Decimal("0"), Decimal("35"), "可研编制"),
    "中原区智慧停车场": (Decimal("1900"), Decimal("260.75"), "设备安装"),
}
PRIOR_WAN = Decimal("56200.25")        # 45000 + 2300 + 7000.25 + 0 + 1900
YTD_WAN = Decimal("6466.50")           # 5200 + 150.5 + 820.25 + 35 + 260.75
CUMULATIVE_WAN = Decimal("62666.75")   # PRIOR_WAN + YTD_WAN
PLANS_MADE = 6                         # the completed project's plan of 0 makes none
TOTAL_WAN = Decimal("190731.50")        # 125000 + 8650.5 + 4200 + 16800.75 + 32000 + 3100.25 + 980
TEXT_WAN = Decimal("4200.00")           # the one amount stored as text
PLAN_WAN = Decimal("43500")             # 2022年计划投资 (ignored unless ticked)
SECTION_WAN = {"一、省重点项目（2个）": Decimal("133650.50"),
               "二、市重点项目（3个）": Decimal("53000.75"),   # 4200 (text) + 16800.75 + 32000
               "三、区重点项目（2个）": Decimal("4080.25")}
HEADER_TOP = ["序号", "项目名称", "项目类别", "建设性质", "建设单位", "投资（万元）", None,
              "建设年限", None, "责任单位", "属地", "包联领导", "至2021年底累计完成投资",
              "2022年1-2月完成投资", "形象进度", "备注"]
HEADER_SUB = [None, None, None, None, None, "总投资", "2022年计划投资", "开工时间", "竣工时间",
              None, None, None, None, None, None, None]
WIDTH = len(HEADER_TOP)


def key_projects(*, unit: str = "万元", cells: dict[tuple[int, int], object] | None = None
                 ) -> bytes:
    """The 重点项目台账: two title rows, a two-row merged header, sections with their
    subtotals, a 合计 of SUBTOTAL formulas, notes under it, and a hidden list sheet. With
    unit="亿元": the same ledger in 亿元, a 填报说明 sheet first and line breaks in headers.
    `cells`: {(row, column): value} written over the ledger's own (0-based)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    yi = unit == "亿元"
    if yi:
        notes = book.add_worksheet("填报说明")
        for r, text in enumerate(["填报说明", "1. 金额单位为亿元，保留小数点后五位。",
                                  "2. 建设性质填写：续建、新开工、前期、竣工。",
                                  "3. 项目名称应与立项文件一致。"]):
            notes.write(r, 0, text)
    sheet = book.add_worksheet("重点项目（亿元）" if yi else "重点项目台账")
    lists = book.add_worksheet("下拉列表")
    for r, value in enumerate(["建设性质", "续建", "新开工", "前期", "竣工"]):
        lists.write(r, 0, value)
    lists.hide()
    wrap = book.add_format({"text_wrap": True})
    sheet.merge_range(0, 0, 0, WIDTH - 1, "中原区2022年省市区重点项目建设台账")
    sheet.write(1, 0, "填报单位：中原区发展和改革委员会")
    sheet.write(1, 9, f"单位：{unit}")
    top = list(HEADER_TOP)
    sub = list(HEADER_SUB)
    if yi:
        top[5] = "投资\n（亿元）"
        sub[5], sub[6] = "总投资\n（亿元）", "2022年\n计划投资\n（亿元）"
        top[12:15] = ["2022年\n1-2月\n完成投资\n（亿元）", "开工累计\n完成投资\n（亿元）",
                      "形象\n进度"]
    for c in range(WIDTH):
        if c in (5, 7):
            sheet.merge_range(2, c, 2, c + 1, top[c], wrap)
        elif c in (6, 8):
            continue
        else:
            sheet.merge_range(2, c, 3, c, top[c], wrap)
        if sub[c]:
            sheet.write(3, c, sub[c], wrap)
    if yi:
        sheet.write(3, 6, sub[6], wrap)
        sheet.write(3, 8, sub[8], wrap)
    else:
        sheet.write(3, 6, sub[6])
        sheet.write(3, 8, sub[8])
    factor = Decimal(10000) if yi else Decimal(1)
    row, n = 4, 0
    subtotal_rows = []
    for title, groups in KEY_PROJECTS:
        section_row = row
        row += 1
        first = row
        for sub_title, projects in groups:
            if sub_title:
                sheet.write(row, 1, sub_title)
                row += 1
            for p in projects:
                n += 1
                name, category, nature, owner, total, plan, start, end, unit_, street, \
                    leader = p
                sheet.write(row, 0, n)
                sheet.write(row, 1, name)
                sheet.write(row, 2, category)
                sheet.write(row, 3, nature)
                sheet.write(row, 4, owner)
                if isinstance(total, str):
                    amount = Decimal(total.replace(",", "")) / factor
                    sheet.write_string(row, 5, f"{amount:,.2f}" if not yi else f"{amount}")
                else:
                    sheet.write_number(row, 5, float(Decimal(str(total)) / factor))
                sheet.write_number(row, 6, float(Decimal(plan) / factor))
                sheet.write_string(row, 7, start)
                sheet.write_string(row, 8, end)
                sheet.write(row, 9, unit_)
                sheet.write(row, 10, street)
                if leader:
                    sheet.write(row, 11, leader)
                if name in PROGRESS:
                    prior, ytd, progress = PROGRESS[name]
                    first_amount = ytd if yi else prior
                    second = prior + ytd if yi else ytd
                    sheet.write_number(row, 12, float(first_amount / factor))
                    sheet.write_number(row, 13, float(second / factor))
                    sheet.write(row, 14, progress)
                row += 1
        # The section row carries its subtotal, as SUBTOTAL formulas (text amounts skipped).
        stated = SECTION_WAN[title] - (TEXT_WAN if title.startswith("二") else 0)
        sheet.write(section_row, 1, title)
        sheet.write_formula(section_row, 5, f"=SUBTOTAL(9,F{first + 1}:F{row})", None,
                            float(stated / factor))
        subtotal_rows.append(section_row)
    sheet.write(row, 1, "合计（7个）")
    sheet.write_formula(row, 5, f"=SUBTOTAL(9,F5:F{row})", None,
                        float((TOTAL_WAN - TEXT_WAN) / factor))
    sheet.write_formula(row, 6, f"=SUBTOTAL(9,G5:G{row})", None, float(PLAN_WAN / factor))
    for c, stated in ((12, YTD_WAN if yi else PRIOR_WAN),
                      (13, CUMULATIVE_WAN if yi else YTD_WAN)):
        letter = "MN"[c - 12]
        sheet.write_formula(row, c, f"=SUBTOTAL(9,{letter}5:{letter}{row})", None,
                            float(stated / factor))
    for offset, text in enumerate([
            "注：1.本表由区发改委汇总，省、市重点项目以正式下达文件为准；2.新开工项目开工时间为"
            "计划开工时间。", "填报人：张三", "联系电话：0371-67181234",
            "审核人：李四        填报日期：2022年3月5日"], start=2):
        sheet.write(row + offset, 0, text)
    for (r, c), value in (cells or {}).items():
        sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


# 梯次推进台账: projects by stage, amounts in 亿元. 序号, 项目名称, 项目类别, 级别, 责任单位,
# 总投资(亿元), 开工时间, 竣工时间.
TIERS = [
    ("一、谋划项目（2个）", [
        ("中原区数字经济产业园", "产业项目", "区重点", "区商务局", 20, "", ""),
        ("西部物流枢纽", "产业项目", "市重点", "区商务局", 15.5, "", ""),
    ]),
    ("二、在谈项目（1个）", [
        ("中原区康养综合体", "产业项目", "区重点", "区发改委", 8.25, "", ""),
    ]),
    ("三、签约项目（2个）", [  # the title says 2; one row: a warning, not a refusal
        ("须水片区城市更新", "城市更新", "区重点", "区住建局", 30.0123, "", ""),
    ]),
    ("四、前期项目（1个）", [
        ("中原区应急指挥中心", "基础设施类", "区重点", "区城管局", 2.4, "2023.6", "2024.12"),
    ]),
    ("五、在建项目（1个）", [
        ("秦岭路街道社区服务站", "城市更新", "区重点", "区住建局", 0.3456, "2021.11", ""),
    ]),
    ("六、竣工投产项目（1个）", [
        ("林山寨农贸市场改造", "城市更新", "区重点", "林山寨街道", 0.12, "2021.3", "2021.10"),
    ]),
]
TIERS_WAN = Decimal("766279.00")  # (20 + 15.5 + 8.25 + 30.0123 + 2.4 + 0.3456 + 0.12) × 10000


def tiers() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("梯次推进台账")
    sheet.merge_range(0, 0, 0, 7, "中原区重点项目梯次推进台账（2022年3月）")
    sheet.write(1, 0, "单位：亿元")
    for c, label in enumerate(["序号", "项目名称", "项目类别", "级别", "责任单位", "总投资",
                               "开工时间", "竣工时间"]):
        sheet.write(2, c, label)
    row, n = 3, 0
    for title, projects in TIERS:
        sheet.write(row, 0, title)
        row += 1
        for p in projects:
            n += 1
            sheet.write(row, 0, n)
            for c, value in enumerate(p, start=1):
                if value != "":
                    sheet.write(row, c, value)
            row += 1
        if title.startswith("三"):  # a printed ledger pasted back: its header again
            for c, label in enumerate(["序号", "项目名称", "项目类别", "级别", "责任单位",
                                       "总投资", "开工时间", "竣工时间"]):
                sheet.write(row, c, label)
            row += 1
    sheet.write(row, 0, "总计")
    sheet.write_formula(row, 5, f"=SUM(F4:F{row})", None, float(TIERS_WAN / 10000))
    sheet.write(row + 2, 0, "填报人：王五")
    book.close()
    return buffer.getvalue()


# The monthly report workbook (月度进度填报) for 2022-05, one sheet per unit in three layouts
# and a summary by street (skipped).
MONTHLY = {
    # 项目名称, 本月, 开工累计, 形象进度, 存在问题
    "区住建局": [("中原区老旧小区改造（二期）", 120.5, 360.5, "主体施工", "")],
    # 项目名称, 本月, 1-5月累计, 开工以来累计, 项目进展情况
    "区商务局": [("郑州中原科技城智慧产业园", 2600, 9800, 58600, "3#厂房封顶")],
    # 项目名称, 责任单位, 当月(亿元), 自开工累计(亿元), 目前进展
    "区城管局": [("中原区智慧停车场", "区城管局", 0.015, 0.25, "设备安装"),
                 ("西流湖公园提升工程", "区城管局", 0.01, 0.35, "绿化提升")],
}
MONTHLY_PERIOD = Decimal("2970.50")      # 120.5 + 2600 + 150 + 100
MONTHLY_CUMULATIVE = Decimal("64960.50")  # 360.5 + 58600 + 2500 + 3500


def monthly() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # Layout A: one header row, no unit column (the sheet is the unit).
    a = book.add_worksheet("区住建局")
    a.write(0, 0, "区住建局2022年5月重点项目进度")
    for c, label in enumerate(["序号", "项目名称", "本月完成投资（万元）",
                               "开工累计完成投资（万元）", "形象进度", "存在问题"]):
        a.write(1, c, label)
    for r, (name, period, total, progress, issues) in enumerate(MONTHLY["区住建局"], start=2):
        a.write_row(r, 0, [r - 1, name, period, total, progress, issues])
    # Layout B: a two-row header grouped under 1-5月完成投资, no unit column.
    b = book.add_worksheet("区商务局")
    b.write(0, 0, "区商务局重点项目投资完成情况")
    b.write(1, 0, "单位：万元")
    b.merge_range(2, 0, 3, 0, "项目名称")
    b.merge_range(2, 1, 2, 2, "1-5月完成投资")
    b.write(3, 1, "本月")
    b.write(3, 2, "累计")
    b.merge_range(2, 3, 3, 3, "开工以来累计完成投资")
    b.merge_range(2, 4, 3, 4, "项目进展情况")
    for r, row in enumerate(MONTHLY["区商务局"], start=4):
        b.write_row(r, 0, list(row))
    # Layout C: amounts in 亿元 and a unit column.
    c = book.add_worksheet("区城管局")
    for col, label in enumerate(["项目名称", "责任单位", "当月完成投资（亿元）",
                                 "自开工累计完成投资（亿元）", "目前进展"]):
        c.write(0, col, label)
    for r, row in enumerate(MONTHLY["区城管局"], start=1):
        c.write_row(r, 0, list(row))
    summary = book.add_worksheet("按街道汇总")
    for col, label in enumerate(["街道", "项目个数", "本月完成投资"]):
        summary.write(0, col, label)
    summary.write_row(1, 0, ["须水街道", 0, 0])
    book.close()
    return buffer.getvalue()
