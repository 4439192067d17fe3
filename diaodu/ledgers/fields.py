"""The fields a ledger column can feed, per import kind, with the Chinese headers people write
for them (pure: no Django). The key-project kinds (projects, plans, reports, approvals) are
listed here: they share the project's identity columns, the ledger's tickable parts and the
month columns' matching (mapping.match_label). Every other kind is declared by its app on
its planner (core/imports.py `Planner.FIELDS`, `Planner.IDENTITY`) and added at start-up
(`mapping.add_kind`). `part` marks the columns of a project ledger that another app imports
in the same job when the user ticks it (the annual plan, the month's progress); `IDENTITY`
names the fields that identify a row of each kind."""

from __future__ import annotations

from dataclasses import dataclass

TEXT, MONEY, DATE, INT = "text", "money", "date", "int"
LEVEL, STAGE, BOOL = "level", "stage", "bool"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str           # the Chinese column title our exports write
    kind: str = TEXT
    synonyms: tuple[str, ...] = ()
    part: str = ""       # "plans" / "progress": imported only when ticked (core/imports.Extra)


def _f(key, label, kind=TEXT, *synonyms, part=""):
    return FieldSpec(key, label, kind, (label, *synonyms), part)


PLANS, PROGRESS = "plans", "progress"
# A project ledger's plan and progress columns (issue 14 §5): read only when the user ticks
# them, then imported in the same job by investment's planners (investment/imports.py).
_PROJECT_PARTS = (
    _f("plan_investment", "年度计划投资", MONEY, "计划投资", "年度计划", "年度投资计划",
       "本年计划投资", "年计划投资", "年度计划完成投资", part=PLANS),
    _f("period_completed", "本月完成投资", MONEY, "本月完成", "当月完成投资", "当月完成",
       "本期完成投资", "本期完成", part=PROGRESS),
    _f("ytd_completed", "本年累计完成投资", MONEY, "年度累计完成投资", "年度累计完成",
       "本年累计完成", "本年完成投资", "今年以来完成投资", "年度完成投资", part=PROGRESS),
    _f("cumulative_completed", "开工累计完成投资", MONEY, "开工累计完成",
       "自开工累计完成投资", "开工以来累计完成投资", "累计完成投资", "累计完成",
       part=PROGRESS),
    _f("prior_cumulative", "至上年底累计完成投资", MONEY, "上年底累计完成投资",
       "截至上年底累计完成投资", part=PROGRESS),
    _f("physical_progress", "形象进度", TEXT, "工程形象进度", "项目进展情况", "进展情况",
       "项目进展", "目前进展", part=PROGRESS),
    _f("issues", "存在问题", TEXT, "存在的问题", "存在问题及建议", "困难问题", "问题及建议",
       "需协调解决的问题", part=PROGRESS),
)


# Fields only used to find the row (code, name, responsible unit) exist in every kind.
_IDENTITY = (
    _f("code", "项目代码", TEXT, "项目编码", "统一项目代码", "项目统一代码", "备案代码",
       "项目代码号", "代码"),
    _f("name", "项目名称", TEXT, "项目名", "名称", "项目"),
    _f("responsible_unit", "责任单位", TEXT, "牵头单位", "责任部门", "主管单位",
       "牵头责任单位", "责任主体", "填报单位"),
)
_IGNORED = (
    _f("_seq", "序号", TEXT, "编号", "排序", "序"),
    _f("_remark", "备注", TEXT, "说明"),
    _f("_ratio", "占年度计划%", TEXT, "占年度计划", "完成率", "占比", "年度计划完成率",
       "占年度计划比例"),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "projects": (
        *_IDENTITY,
        _f("level", "项目级别", LEVEL, "级别", "重点级别", "项目层级"),
        _f("category", "项目类别", TEXT, "类别", "项目类型", "行业类别", "类型"),
        _f("stage", "项目阶段", STAGE, "阶段", "建设阶段", "项目状态", "建设状态", "建设性质",
           "项目性质"),
        _f("owner_name", "建设单位", TEXT, "业主单位", "项目单位", "建设主体", "业主",
           "项目业主"),
        _f("street", "属地街道", TEXT, "属地", "所属街道", "所在街道", "街道", "属地单位"),
        _f("leader", "包联领导", TEXT, "分包领导", "联系领导", "包抓领导"),
        _f("total_investment", "总投资", MONEY, "计划总投资", "项目总投资", "总投资额",
           "估算总投资"),
        _f("scope", "建设内容及规模", TEXT, "建设内容", "建设规模及内容", "主要建设内容",
           "建设规模", "建设内容和规模"),
        _f("planned_start", "计划开工时间", DATE, "计划开工", "计划开工日期"),
        _f("planned_completion", "计划竣工时间", DATE, "计划竣工", "计划完工时间",
           "计划竣工日期"),
        _f("actual_start", "实际开工时间", DATE, "实际开工", "开工时间", "开工日期"),
        _f("actual_completion", "实际竣工时间", DATE, "实际竣工", "竣工时间", "竣工日期"),
        _f("location", "建设地点", TEXT, "项目地址", "地点", "项目地点"),
        _f("stats_registered_on", "入库时间", DATE, "统计入库日期", "入库日期",
           "统计入库时间"),
        _f("on_whitelist", "白名单", BOOL, "是否白名单", "是否列入白名单"),
        *_PROJECT_PARTS,
        *_IGNORED,
    ),
    "plans": (
        *_IDENTITY,
        _f("year", "年度", INT, "计划年度", "年份"),
        _f("planned_investment", "年度计划投资", MONEY, "年度计划", "计划投资",
           "年度投资计划", "本年计划投资", "年度计划完成投资", "年计划投资"),
        *(_f(f"target_{m}", f"{m}月累计目标", MONEY, f"{m}月", f"1-{m}月", f"1～{m}月",
             f"1~{m}月", f"{m}月目标", f"截至{m}月") for m in range(1, 13)),
        *_IGNORED,
    ),
    "reports": (
        *_IDENTITY,
        _f("period", "填报月份", DATE, "月份", "调度期", "报送月份", "填报期间"),
        _f("completed_in_period", "本月完成投资", MONEY, "本月完成", "本期完成投资",
           "本期完成", "当月完成投资", "当月完成", "本月"),
        _f("cumulative_completed", "开工累计完成投资", MONEY, "开工累计完成",
           "自开工累计完成投资", "开工以来累计完成投资", "累计完成投资", "累计完成"),
        _f("_ytd", "年度累计完成投资", MONEY, "年度累计完成", "本年累计完成"),
        _f("physical_progress", "形象进度", TEXT, "工程形象进度", "项目进展情况",
           "进展情况", "项目进展", "目前进展"),
        _f("issues", "存在问题", TEXT, "存在的问题", "存在问题及建议", "困难问题",
           "问题及建议", "需协调解决的问题"),
        *_IGNORED,
    ),
    "approvals": (
        *_IDENTITY,
        _f("item", "审批事项", TEXT, "事项名称", "事项", "审批内容"),
        _f("approval_kind", "审批类型", TEXT, "类型", "办理类型"),
        _f("received_on", "受理时间", DATE, "受理日期", "收件日期", "申请时间"),
        _f("completed_on", "办结时间", DATE, "办结日期", "完成时间"),
        _f("result", "办理结果", TEXT, "审批结果", "结果"),
        _f("document_no", "批复文号", TEXT, "文号", "批准文号", "备案文号"),
        _f("applicant", "申请单位", TEXT, "申报单位"),
        *_IGNORED,
    ),
}
KINDS = tuple(FIELDS)


def declared(fields: tuple[tuple[str, ...], ...]) -> tuple[FieldSpec, ...]:
    """The specs of a kind whose app declares its columns (core/imports.py, Planner.FIELDS):
    (key, Chinese label, kind, *synonyms) each, plus the columns every ledger may carry."""
    return (*(_f(key, label, kind_, *syn) for key, label, kind_, *syn in fields), *_IGNORED)
# The fields that identify a row, one of which the header must have; the first one mapped is
# the column the row classifier reads (section, 合计 or data). Kinds not listed name a project;
# a kind its app declares gives its own (Planner.IDENTITY, taken in by `mapping.add_kind`).
IDENTITY: dict[str, tuple[str, ...]] = {}


def identity_of(kind: str) -> tuple[str, ...]:
    return IDENTITY.get(kind, ("name", "code"))


def key_column(kind: str, fields: dict[str, int]) -> int | None:
    """The column of the row's identity (project name, else code; 排查编号 …), None if none."""
    return next((fields[k] for k in identity_of(kind) if k in fields), None)
