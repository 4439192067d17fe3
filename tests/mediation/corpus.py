"""A 矛盾纠纷排查化解台账 as a street's 综治 office keeps it, written with xlsxwriter the way
Excel saves it: two title rows, a two-row header with merged groups (申请人 and 被申请人 over
姓名 / 联系电话, 调解情况 over four columns) and vertically merged single headers, a section
row per community (and one for the street's own committee), a 合计 of a SUBTOTAL formula with
its cached value, and notes under it. A date typed as text (2022.3.8), an organisation as a
party, two applicants in one cell.

The expected figures in test_import.py are worked out by hand from ROWS, not by the importer."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import xlsxwriter

COMMUNITY = "林山寨社区人民调解委员会"
STREET = "林山寨街道人民调解委员会"
# 排查编号, 排查日期, 调委会, 纠纷类型, 申请人, 电话, 被申请人, 电话, 简要情况, 涉及金额（万元）,
# 调解员, 调解结果, 办结日期, 协议内容 — by section.
ROWS = [
    ("一、林山寨社区（3件）", [
        ("PC2022-001", date(2022, 3, 2), COMMUNITY, "邻里纠纷", "张三丰", "13812345678",
         "李四海", "", "楼上卫生间漏水致楼下墙面受损", 1.2, "", "调成", date(2022, 3, 10),
         "李四海赔偿维修费1.2万元，一周内付清"),
        ("PC2022-002", "2022.3.8", COMMUNITY, "物业", "王五、王六", "13900001111",
         "郑州某某物业服务有限公司", "0371-66668888", "电梯长期停运，业主拒交物业费", 0.36,
         "", "", None, ""),
        ("PC2022-003", date(2022, 3, 9), COMMUNITY, "婚姻家庭纠纷", "赵六", "", "钱七", "",
         "离婚后子女抚养费给付", 0, "", "未调成", date(2022, 3, 20), ""),
    ]),
    ("二、街道调委会（2件）", [
        ("PC2022-004", date(2022, 3, 15), STREET, "劳动争议", "孙八", "13700002222",
         "中原区某某建材厂", "", "拖欠工资三个月", 4.85, "王秀兰", "调成", date(2022, 3, 25),
         "厂方于3月31日前支付工资4.85万元"),
        ("PC2022-005", date(2022, 3, 28), STREET, "道路交通事故纠纷", "周九", "", "吴十", "",
         "电动车与行人相撞，医疗费分担", 0.68, "王秀兰", "", None, ""),
    ]),
]
CREATED = 5
SETTLED, PENDING = 2, 2
TOTAL_WAN = Decimal("7.09")   # 1.2 + 0.36 + 0 + 4.85 + 0.68
PARTIES = 11                  # two applicants in PC2022-002, one party each elsewhere

HEADER_TOP = ["序号", "排查编号", "排查日期", "调委会", "纠纷类型", "申请人", None, "被申请人",
              None, "纠纷简要情况", "涉及金额（万元）", "调解情况", None, None, None, "备注"]
HEADER_SUB = [None, None, None, None, None, "姓名", "联系电话", "姓名", "联系电话", None, None,
              "调解员", "调解结果", "办结日期", "协议内容", None]


def screening_ledger(rows=ROWS, *, total: Decimal | None = TOTAL_WAN) -> bytes:
    """The ledger file; `rows` in the shape of ROWS, `total` the 合计's cached value."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("3月")
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter",
                            "text_wrap": True, "border": 1})
    day = book.add_format({"num_format": "yyyy-mm-dd", "border": 1})
    wan = book.add_format({"num_format": "0.00", "border": 1})
    width = len(HEADER_TOP)
    sheet.merge_range(0, 0, 0, width - 1, "林山寨街道矛盾纠纷排查化解台账（2022年3月）", bold)
    sheet.write(1, 0, "填报单位：林山寨街道综治中心（盖章）")
    sheet.write(1, 11, "填报日期：2022年3月31日")
    for col, (top, sub) in enumerate(zip(HEADER_TOP, HEADER_SUB, strict=True)):
        if top is not None and sub is None:
            sheet.merge_range(2, col, 3, col, top, bold)   # one header over both rows
        elif sub is not None:
            sheet.write(3, col, sub, bold)
    for first, last, text in ((5, 6, "申请人"), (7, 8, "被申请人"), (11, 14, "调解情况")):
        sheet.merge_range(2, first, 2, last, text, bold)
    r, n = 4, 0
    first_data = r
    for section, items in rows:
        sheet.merge_range(r, 0, r, width - 1, section, bold)
        r += 1
        for item in items:
            n += 1
            sheet.write(r, 0, n)
            for c, value in enumerate(item, start=1):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, day)
                elif c == 10 and isinstance(value, int | float):
                    sheet.write_number(r, c, value, wan)
                elif value not in (None, ""):
                    sheet.write(r, c, value)
            r += 1
    sheet.write(r, 0, "合计")
    if total is not None:
        sheet.write_formula(r, 10, f"=SUBTOTAL(9,K{first_data + 1}:K{r})", wan, float(total))
    r += 2
    sheet.write(r, 0, "注：1.涉及金额以万元为单位；2.调解结果填调成、未调成或转诉讼，"
                      "调解中的留空。")
    sheet.write(r + 1, 0, "填表人：张丽    联系电话：0371-67890123")
    sheet.freeze_panes(4, 2)
    book.close()
    return buffer.getvalue()
