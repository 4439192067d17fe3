"""Facts for the 中原区 demo (FACTS.md, the seeds). Anything not found there is marked SAMPLE.

Street codes and names: NBS 统计用区划代码 410102001–014 (FACTS.md).
Department names: exact names not found — the usual forms, SAMPLE.
"""

from datetime import date

DISTRICT = ("410102", "郑州市中原区", "中原区")

STREETS = [
    ("410102001", "林山寨"), ("410102002", "建设路"), ("410102003", "棉纺路"),
    ("410102004", "秦岭路"), ("410102005", "桐柏路"), ("410102006", "三官庙"),
    ("410102007", "绿东村"), ("410102008", "汝河路"), ("410102009", "航海西路"),
    ("410102010", "中原西路"), ("410102011", "西流湖"), ("410102012", "须水"),
    ("410102013", "莲湖"), ("410102014", "柳湖"),
]

# (code, full name, short name) — SAMPLE names in the usual form.
DEPARTMENTS = [
    ("410102-ZFB", "中原区人民政府办公室", "区政府办"),
    ("410102-FGW", "中原区发展和改革委员会", "区发改委"),
    ("410102-ZDXM", "中原区重点项目建设中心", "区重点项目建设中心"),
    ("410102-TJJ", "中原区统计局", "区统计局"),
    ("410102-CJJ", "中原区住房和城乡建设局", "区城建局"),
    ("410102-ZRZY", "中原区自然资源和规划局", "区自然资源局"),
    ("410102-STHJ", "中原区生态环境分局", "区生态环境局"),
    ("410102-YJJ", "中原区应急管理局", "区应急局"),
    ("410102-SFJ", "中原区司法局", "区司法局"),
    ("410102-SJJ", "中原区审计局", "区审计局"),
    ("410102-WJW", "中原区卫生健康委员会", "区卫健委"),
    ("410102-JYJ", "中原区教育局", "区教育局"),
    ("410102-GXJ", "中原区工业和信息化局", "区工信局"),
    ("410102-CGJ", "中原区城市管理局", "区城管局"),
    ("410102-FGJ", "中原区房产管理局", "区房管局"),
]

# 莲湖街道: villages and community from research/domain_facts.md §1.1; grids are SAMPLE.
COMMUNITIES = {
    "410102013": ["常庄村", "赵坡村", "刁沟村", "址刘村", "赵仙洞村", "阳光花苑社区"],
}
GRIDS = {"阳光花苑社区": ["阳光花苑第一网格", "阳光花苑第二网格"]}

CATEGORIES = [
    ("urban_village", "城中村改造"), ("urban_renewal", "城市更新"), ("education", "教育"),
    ("health", "医疗卫生"), ("road", "道路交通"), ("industry", "产业"),
    ("culture", "文化旅游"), ("public_service", "公共服务"), ("ecology", "生态环保"),
    ("commerce", "商贸物流"),
]

DEMO_PASSWORD = "Diaodu@2026"

# (username, role, unit code, display name) — role titles, no real names.
ACCOUNTS = [
    ("reporter", "reporter", "410102001", "林山寨街道填报员"),
    ("reporter_xushui", "reporter", "410102012", "须水街道填报员"),
    ("unit_head", "unit_head", "410102001", "林山寨街道负责人"),
    ("dispatcher", "dispatcher", "410102-FGW", "区发改委调度员"),
    ("stats", "stats", "410102-TJJ", "区统计局统计员"),
    ("leader", "leader", "410102", "常务副区长"),
    ("leader_secretary", "leader", "410102", "区委书记"),
    ("taskforce", "taskforce", "410102-ZDXM", "项目落地服务专班成员"),
    ("sysadmin", "sysadmin", "410102-FGW", "系统管理员"),
    ("secadmin", "secadmin", "410102-FGW", "安全管理员"),
    ("auditor", "auditor", "410102-SJJ", "安全审计员"),
    # 城运中心 and grids (phase 2): 莲湖街道's centre, the district's, a grid worker of the
    # first sample grid of 阳光花苑社区 (410102013006).
    ("street_ops", "street_ops", "410102013", "莲湖街道城运中心值班员"),
    ("district_ops", "district_ops", "410102", "区城运中心值班员"),
    ("grid_worker", "grid_worker", "410102013006G01", "阳光花苑第一网格网格员"),
]

# The demo lives on this business day (seed 001 is a late-March 2023 page): the clock is
# pinned to it, and nothing in the demo happens after it except plans and forecasts.
DEMO_TODAY = date(2023, 3, 31)

# 河南省“三个一批” phases with the dates FACTS.md gives (None: date not found). The 8th
# (2023-05-08) and 9th (2023-08-15) lie after the demo's day and are not in it; the 5th and
# 6th (2022, dates not found) are, as the numbering requires.
CAMPAIGNS = [
    (2021, 1, date(2021, 7, 10)), (2021, 2, None), (2022, 3, None), (2022, 4, date(2022, 4, 6)),
    (2022, 5, None), (2022, 6, None), (2023, 7, date(2023, 1, 28)),
]
# The months whose starts, signings and commissionings each phase lists (SAMPLE windows around
# the phase's date; a quarter each, as the phases are quarterly).
CAMPAIGN_WINDOWS = {
    1: (date(2021, 4, 1), date(2021, 7, 31)), 2: (date(2021, 8, 1), date(2021, 10, 31)),
    3: (date(2021, 11, 1), date(2022, 3, 15)), 4: (date(2022, 3, 16), date(2022, 6, 30)),
    5: (date(2022, 7, 1), date(2022, 9, 30)), 6: (date(2022, 10, 1), date(2022, 12, 31)),
    7: (date(2023, 1, 1), date(2023, 3, 31)),
}

S = "【示例数据】"  # marks invented figures in a project's scope text

# The seeds' projects. Names, the visits and the facts in `note` are from the seeds; levels,
# streets, amounts and dates not stated there are SAMPLE (the scope text says so).
NAMED_PROJECTS = [
    dict(name="西石羊寺城中村改造项目", category="urban_village", level="city",
         stage="construction", street="410102012", unit="410102012", leader="leader",
         total="1286000.00", start=date(2021, 9, 15), finish=date(2025, 12, 31),
         scope=S + "城中村拆迁安置及配套建设；2022年3月30日市发改委督导组实地查看。"),
    dict(name="河南省直第三人民医院西院区综合楼改建项目", category="health", level="province",
         stage="construction", street="410102010", unit="410102-WJW", leader="leader",
         total="56000.00", start=date(2021, 11, 20), finish=date(2023, 12, 31),
         scope=S + "综合楼改建；2022年3月30日市发改委督导组实地查看。"),
    dict(name="国棉三厂历史文化街区项目", category="urban_renewal", level="city",
         stage="construction", street="410102003", unit="410102003",
         leader="leader_secretary", total="350000.00", start=date(2021, 4, 28), finish=date(2024, 6, 30),
         scope=S + "历史文化街区保护与更新；2023年3月30日区委书记调研。"),
    dict(name="新力热电厂城市更新项目", category="urban_renewal", level="city",
         stage="preparation", street="410102002", unit="410102002",
         leader="leader_secretary", total="420000.00",
         planned=date(2023, 6, 30), finish=date(2026, 12, 31),
         scope=S + "老厂区城市更新；2023年3月30日区委书记调研。"),
    dict(name="三磨所华山路老厂区升级改造项目", category="industry", level="city",
         stage="construction", street="410102001", unit="410102001",
         leader="leader_secretary", total="180000.00", start=date(2021, 12, 8), finish=date(2024, 6, 30),
         scope=S + "老厂区升级改造；2023年3月30日区委书记调研。"),
    dict(name="二砂文化创意园（二砂文创园核心板）", category="culture", level="province",
         stage="construction", street="410102001", unit="410102001",
         leader="leader_secretary", total="460000.00", start=date(2020, 10, 18), finish=date(2024, 10, 31),
         taskforce=True,
         scope=S + "文化创意园核心板建设；服务专班推动控规调整等问题解决；2023年3月30日区委书记调研。"),
    dict(name="金水河“一河两岸”城市更新项目", category="urban_renewal", level="city",
         stage="preparation", street="410102001", unit="410102-CJJ",
         leader="leader_secretary", total="265000.00",
         planned=date(2023, 9, 30), finish=date(2026, 6, 30),
         scope=S + "金水河两岸城市更新；2023年3月30日区委书记调研。"),
    dict(name="郑州市实验中学建设项目", category="education", level="city",
         stage="construction", street="410102012", unit="410102-JYJ", leader="leader",
         total="78000.00", start=date(2022, 1, 10), finish=date(2023, 8, 31),
         scope=S + "学校建设；2023年3月26日常务副区长调研。"),
    dict(name="濮河路道路工程项目", category="road", level="district",
         stage="construction", street="410102012", unit="410102-CJJ", leader="leader",
         total="21000.00", start=date(2021, 10, 12), finish=date(2023, 6, 30),
         scope=S + "城市道路新建；2023年3月26日常务副区长调研。"),
    dict(name="西站北街道路工程项目", category="road", level="district",
         stage="preparation", street="410102004", unit="410102-CJJ", leader="leader",
         total="9800.00", planned=date(2023, 5, 15), finish=date(2024, 6, 30),
         scope=S + "城市道路新建；2023年3月26日常务副区长调研。"),
    dict(name="中原文化广场项目", category="culture", level="district",
         stage="preparation", street="410102011", unit="410102-CJJ", leader="leader",
         total="120000.00", planned=date(2023, 7, 1), finish=date(2025, 6, 30),
         scope=S + "文化广场建设；2023年3月26日常务副区长调研。"),
    dict(name="华润燃气智慧燃气信息科技中心项目", category="industry", level="city",
         stage="preparation", street="410102011", unit="410102-FGW", leader="leader",
         total="65000.00", taskforce=True, planned=date(2023, 4, 28),
         finish=date(2025, 4, 30),
         scope=S + "智慧燃气信息科技中心；服务专班推动产业实施方案等问题解决。"),
    # Seeds: listed in the province's 2022 third-phase 开工一批; on the province whitelist.
    dict(name="郑州黄河智谷中原企业总部港项目", category="industry", level="province",
         stage="construction", street="410102011", unit="410102-FGW", leader="leader_secretary",
         total="450000.00", start=date(2022, 2, 26), whitelist=date(2022, 3, 1),
         finish=date(2025, 6, 30),
         campaign=(3, "start", None), taskforce=True,
         scope=S + "企业总部港建设；列入2022年省第三期“开工一批”台账，纳入全省重点项目建设“白名单”。"),
    # Seeds: started June 2021, province's first-phase 开工一批, on the whitelist.
    dict(name="郑州市轨道交通第二调度中心项目", category="road", level="province",
         stage="construction", street="410102011", unit="410102-FGW", leader="leader",
         total="98000.00", start=date(2021, 6, 1), whitelist=date(2022, 3, 1),
         finish=date(2024, 6, 30),
         campaign=(1, "start", date(2021, 7, 10)), taskforce=True,
         scope=S + "轨道交通调度中心；2021年6月开工，列入省第一期“开工一批”项目台账，纳入全省重点项目建设“白名单”。"),
]
