"""The milestone types and schedule templates every installation starts with (migration 0002).

Statutory limits from FACTS.md where they exist (核准 20 working days, 施工许可证 7 days ≈ 5
working days, 环评 60 days ≈ 40 working days for a report); the other durations are SAMPLE
values that administrators adjust in 节点类型 and 进度模板.
"""

# (code, name, default duration in working days, key milestone on the 挂图作战 chart)
MILESTONE_TYPES = [
    ("proposal", "立项/项目建议书", 20, True),
    ("feasibility", "可研批复", 20, False),
    ("site_selection", "规划选址", 15, False),
    ("land_prereview", "用地预审", 20, False),
    ("eia", "环评", 40, False),
    ("land_supply", "土地出让/划拨", 40, False),
    ("land_planning_permit", "用地规划许可", 10, False),
    ("works_planning_permit", "工程规划许可", 15, False),
    ("drawing_review", "施工图审查", 15, False),
    ("construction_permit", "施工许可", 5, True),
    ("start", "开工", 0, True),
    ("topping_out", "主体封顶", 180, True),
    ("completion", "竣工验收", 120, True),
    ("operation", "投产/运营", 0, True),
]

_APPROVALS = [
    ("proposal", None), ("feasibility", None), ("site_selection", None),
    ("land_prereview", None), ("eia", None),
]
_APPROVAL_LINKS = [
    ("proposal", "feasibility", "FS", 0),
    # 并联审批: site selection starts a week after the proposal, land pre-review follows it.
    ("proposal", "site_selection", "SS", 5),
    ("site_selection", "land_prereview", "FS", 0),
    # The environmental assessment runs beside the feasibility study and cannot close before it.
    ("feasibility", "eia", "SS", 5),
    ("feasibility", "eia", "FF", 5),
]

# code → (name, description, [(milestone code, duration or None)], [(pred, succ, kind, lag)])
# A template's code equals the project category code it serves (diaodu/demo/data.py).
TEMPLATES = {
    "education": (
        "学校建设项目", "新建、扩建学校：审批、供地、规划、施工许可，主体封顶后竣工验收并投用。",
        [*_APPROVALS, ("land_supply", None), ("land_planning_permit", None),
         ("works_planning_permit", None), ("drawing_review", None),
         ("construction_permit", None), ("start", None), ("topping_out", 160),
         ("completion", 150), ("operation", None)],
        [*_APPROVAL_LINKS, ("land_prereview", "land_supply", "FS", 0),
         ("feasibility", "land_supply", "FS", 0),
         ("land_supply", "land_planning_permit", "FS", 0),
         ("land_planning_permit", "works_planning_permit", "FS", 0),
         ("works_planning_permit", "drawing_review", "SS", 5),
         ("works_planning_permit", "drawing_review", "FF", 5),
         ("drawing_review", "construction_permit", "FS", 0),
         ("eia", "construction_permit", "FS", 0),
         ("construction_permit", "start", "FS", 0), ("start", "topping_out", "FS", 0),
         ("topping_out", "completion", "FS", 0), ("completion", "operation", "FS", 10)],
    ),
    "urban_village": (
        "城中村改造项目", "拆迁安置与供地周期长；安置房主体封顶后竣工验收、回迁。",
        [*_APPROVALS, ("land_supply", 80), ("land_planning_permit", None),
         ("works_planning_permit", None), ("drawing_review", None),
         ("construction_permit", None), ("start", None), ("topping_out", 240),
         ("completion", 160), ("operation", None)],
        [*_APPROVAL_LINKS, ("land_prereview", "land_supply", "FS", 0),
         ("feasibility", "land_supply", "FS", 0),
         ("land_supply", "land_planning_permit", "FS", 0),
         ("land_planning_permit", "works_planning_permit", "FS", 0),
         ("works_planning_permit", "drawing_review", "FS", 0),
         ("drawing_review", "construction_permit", "FS", 0),
         ("eia", "construction_permit", "FS", 0),
         ("construction_permit", "start", "FS", 0), ("start", "topping_out", "FS", 0),
         ("topping_out", "completion", "FS", 0), ("completion", "operation", "FS", 20)],
    ),
    "urban_renewal": (
        "城市更新项目", "既有用地上改造：不再供地，规划许可后施工图审查与施工许可。",
        [*_APPROVALS[:3], ("eia", 20), ("works_planning_permit", None),
         ("drawing_review", None), ("construction_permit", None), ("start", None),
         ("topping_out", 120), ("completion", 90)],
        [("proposal", "feasibility", "FS", 0), ("proposal", "site_selection", "SS", 5),
         ("feasibility", "eia", "SS", 5), ("site_selection", "works_planning_permit", "FS", 0),
         ("feasibility", "works_planning_permit", "FS", 0),
         ("works_planning_permit", "drawing_review", "SS", 5),
         ("works_planning_permit", "drawing_review", "FF", 5),
         ("drawing_review", "construction_permit", "FS", 0),
         ("eia", "construction_permit", "FS", 0),
         ("construction_permit", "start", "FS", 0), ("start", "topping_out", "FS", 0),
         ("topping_out", "completion", "FS", 0)],
    ),
    "road": (
        "道路工程项目", "市政道路：审批后施工图审查、施工许可，开工后一次建成竣工验收。",
        [*_APPROVALS, ("drawing_review", None), ("construction_permit", None),
         ("start", None), ("completion", 160)],
        [*_APPROVAL_LINKS, ("land_prereview", "drawing_review", "FS", 0),
         ("feasibility", "drawing_review", "FS", 0),
         ("drawing_review", "construction_permit", "FS", 0),
         ("eia", "construction_permit", "FS", 0),
         ("construction_permit", "start", "FS", 0), ("start", "completion", "FS", 0)],
    ),
    "industry": (
        "产业项目", "招商落地的产业项目：供地、规划、施工许可，竣工后投产。",
        [*_APPROVALS, ("land_supply", None), ("land_planning_permit", None),
         ("works_planning_permit", None), ("drawing_review", None),
         ("construction_permit", None), ("start", None), ("topping_out", 150),
         ("completion", 100), ("operation", None)],
        [*_APPROVAL_LINKS, ("land_prereview", "land_supply", "FS", 0),
         ("land_supply", "land_planning_permit", "FS", 0),
         ("land_planning_permit", "works_planning_permit", "FS", 0),
         ("works_planning_permit", "drawing_review", "SS", 5),
         ("works_planning_permit", "drawing_review", "FF", 5),
         ("drawing_review", "construction_permit", "FS", 0),
         ("eia", "construction_permit", "FS", 0),
         ("construction_permit", "start", "FS", 0), ("start", "topping_out", "FS", 0),
         ("topping_out", "completion", "FS", 0), ("completion", "operation", "FS", 30)],
    ),
}
