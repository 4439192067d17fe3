"""督办 demo: the seeds' visits with their instructions turned into cases, reminded and escalated
day by day by the same sweep the daily task runs; 2022 Q1 approvals (44 items: 11 approvals
and 33 filings, all on time); the task force's results.

Seed 000 is a 2022 page: the 市发改委督导组 came on 2022-03-30; its three recommendations were
cases, closed by the end of April 2022. Seed 001 is a 2023 page (its 3月31日 meeting is the
2023年第一季度 意识形态联席会议): the district leaders' visits of 2023-03-26 and 2023-03-30 gave
instructions that are cases in progress on the demo's day, their reminders falling due in
April.

The visits, leaders' titles, projects, recommendations and the approval totals are from the
seeds. Which unit led each instruction, deadlines, reply texts and approval item names and
dates are SAMPLE (marked 【示例数据】 in the texts).
"""

import random
from datetime import date, timedelta

from diaodu.cases import services
from diaodu.cases.models import Approval, ApprovalKind, NoticeKind, Visit
from diaodu.core import clock
from diaodu.core.calendar import load_calendar
from diaodu.core.models import OrgUnit, User
from diaodu.projects import services as project_services
from diaodu.projects.models import Project, Stage, TaskForce

from .catalogue import is_enterprise

S = "【示例数据】"

# (key, project name or None, instruction text from the seeds, lead unit, co units, category,
#  working days). The text is the seed's; the unit and time limit are SAMPLE.
VISITS = [
    dict(
        title="常务副区长调研重点项目建设情况", visited_on=date(2023, 3, 26), kind="research",
        leaders="区委常委、常务副区长；区政协副主席、区发改委主任；相关局委、街道、平台公司负责人",
        lead_user="leader",
        projects=["郑州市实验中学建设项目", "濮河路道路工程项目", "西站北街道路工程项目",
                  "中原文化广场项目"],
        notes="实地调研查看，详细了解项目进度，深入分析解决各项目推进中存在的突出问题，"
              "并对下一步工作提出明确要求。",
        instructions=[
            ("school", "郑州市实验中学建设项目",
             "学校建设项目是重要的民生工程，相关部门要高度重视，积极协调解决目前存在的问题，"
             "高质量高速度推进项目进度。", "410102-JYJ", ["410102-CJJ", "410102012"],
             "procedures", 15),
            ("roads", "濮河路道路工程项目",
             "明确组织安排，制定切实可行的项目实施计划，根据各道工序所需时间，细化、量化进度表，"
             "合理确定项目建设节点进度，确保项目按时开工、竣工，并实时跟踪、及时纠偏。",
             "410102-CJJ", ["410102012"], "other", 10),
            ("plaza", "中原文化广场项目",
             "提前部署，及早谋划后续项目建设，科学统筹，认真研究，为重大项目落地提速。",
             "410102-CJJ", ["410102011", "410102-ZRZY"], "land", 20),
        ]),
    dict(
        title="区委书记调研重点项目推进情况（现场办公）", visited_on=date(2023, 3, 30),
        kind="onsite_office", leaders="区委书记；区领导陪同", lead_user="leader_secretary",
        projects=["国棉三厂历史文化街区项目", "新力热电厂城市更新项目",
                  "三磨所华山路老厂区升级改造项目", "二砂文化创意园（二砂文创园核心板）",
                  "金水河“一河两岸”城市更新项目"],
        notes="每到一处细致听取汇报、察看现场、督导进度，与属地街道、项目企业深入沟通交流；对项目"
              "推进中遇到的“难点堵点”问题开展现场办公，研究对策办法，督促相关部门、属地街道抓好"
              "跟踪服务、尽快落实到位。",
        instructions=[
            ("guomian", "国棉三厂历史文化街区项目",
             "围绕规划设计、招商引资、拆迁清理、施工建设等重点环节，紧扣时间节点、列明任务台账，"
             "倒排工期、挂图作战，确保项目“日日有安排、周周有进度、月月见成效”。",
             "410102003", [], "demolition", 10),
            ("xinli", "新力热电厂城市更新项目",
             "对项目涉及企业提出的拆迁、资金、土地、手续办理等问题做足沟通、做好协调、做优保障，"
             "未开工项目抓节点开工。", "410102002", ["410102-ZRZY"], "land_reserve", 15),
            ("sanmo", "三磨所华山路老厂区升级改造项目",
             "多往项目跑、多替项目想、多催项目转，疏“堵点”、除“痛点”、破“难点”，已开工项目"
             "抓进度质效。", "410102001", [], "procedures", 10),
            ("ersha", "二砂文化创意园（二砂文创园核心板）",
             "加强统筹谋划，在产业态势、连片发展、场面打造方面打好提前量，推动项目生命全周期"
             "“一张蓝图绘到底”。", "410102001", ["410102-ZRZY"], "planning", 20),
            ("jinshui", "金水河“一河两岸”城市更新项目",
             "未启动项目抓具体谋划，围绕拆迁清理等环节统筹各方合力，确保项目早开工。",
             "410102-CJJ", ["410102001"], "demolition", 10),
        ]),
    dict(
        title="市发改委督导组督导调研稳投资工作", visited_on=date(2022, 3, 30),
        kind="inspection",
        leaders="市发改委二级调研员；区政府副区长，区政府办、区发改委、区统计局负责人",
        lead_user=None,
        projects=["西石羊寺城中村改造项目", "河南省直第三人民医院西院区综合楼改建项目"],
        notes="听取区发改委关于1~2月份全区固定资产投资运行、在谈项目库和拟签约项目、“四库”建设"
              "及省市重点项目进展情况的汇报；对稳投资专项工作亮点表示认可，并提出三点建议。",
        instructions=[
            ("invest1", None,
             "扩大有效投资。突出抓好“三个一批”项目，紧盯履约率、开工率、投产率、达产率等指标；"
             "没开工的项目要对接服务，早日开工；已在建项目尽快完善相关手续，按照统计入库要求及时"
             "提供资料凭证，确保开工即入库。", "410102-FGW", ["410102-ZDXM", "410102-TJJ"],
             "procedures", 20),
            ("invest2", None,
             "开展重大项目实施情况实时调度，及时发现苗头性、倾向性问题；开展重点区域投资督导专项"
             "行动，由区发改委牵头，联合区统计局、区重点项目建设中心等部门，对各街道办进行督导。",
             "410102-FGW", ["410102-TJJ", "410102-ZDXM"], "other", 15),
            ("invest3", None,
             "精准施策，抓大不放小。建立完善项目建设梯次推进工作台账和一季度投资目标台账；对前期"
             "反馈的4月份拟入库项目明确责任单位，确保应入尽入、应统尽统。", "410102-TJJ",
             ["410102-FGW"], "procedures", 20),
        ]),
]

# The story of each case after assignment: (day, who, step, text). "who" is a demo username
# or None (the unit's staff have no demo account: recorded by the system). SAMPLE texts.
STORY = {
    # 2022: the city group's recommendations, long closed. invest2 ran late: reminded, marked
    # overdue and escalated before it was resolved; invest3 was returned once.
    "invest1": [(date(2022, 4, 20), None, "reply",
                 "已梳理“三个一批”未开工项目清单，逐一对接服务。"),
                (date(2022, 4, 27), None, "resolve",
                 "一季度“三个一批”项目开工、入库资料已全部报送。"),
                (date(2022, 4, 28), "dispatcher", "verify", ""),
                (date(2022, 4, 28), "dispatcher", "close", "")],
    "invest2": [(date(2022, 4, 12), None, "reply", "督导方案已拟定，分三组对街道办开展督导。"),
                (date(2022, 4, 29), None, "resolve", "已对14个街道办开展重点区域投资督导。"),
                (date(2022, 5, 5), "leader", "verify", ""),
                (date(2022, 5, 5), "dispatcher", "close", "")],
    "invest3": [(date(2022, 4, 21), None, "resolve", "4月份拟入库项目已逐一明确责任单位。"),
                (date(2022, 4, 22), "dispatcher", "return", "请附拟入库项目清单及责任单位确认表。"),
                (date(2022, 4, 25), None, "resolve", "已补充拟入库项目清单及责任单位确认表。"),
                (date(2022, 4, 26), "dispatcher", "verify", "材料齐全，核查通过。"),
                (date(2022, 4, 26), "dispatcher", "close", "")],
    # 2023: the district leaders' instructions, in progress on the demo's day.
    "school": [(date(2023, 3, 29), None, "reply", "区教育局已会同区城建局梳理施工组织问题清单。")],
    "roads": [(date(2023, 3, 30), None, "reply", "濮河路、西站北街节点进度表正在编制。")],
    "plaza": [(date(2023, 3, 31), None, "reply", "已提请区自然资源局出具后续地块规划条件。")],
    "guomian": [(date(2023, 3, 31), None, "reply", "任务台账已建立，拆迁清理倒排至4月底。")],
    "xinli": [(date(2023, 3, 31), None, "reply", "已与企业约定收储补偿方案第一轮协商时间。")],
    "sanmo": [(date(2023, 3, 31), "reporter", "reply",
               "已对接企业梳理手续清单，规划许可变更材料正在准备。")],
    "ersha": [(date(2023, 3, 31), "reporter", "reply", "控规调整方案正在编制。")],
}
SWEEPS = [(date(2022, 3, 30), date(2022, 5, 10)), (date(2023, 3, 26), date(2023, 3, 31))]

# The seeds' task-force results: (project, problem, category, lead unit, assigned, resolved).
TASK_FORCE_RESULTS = [
    ("华润燃气智慧燃气信息科技中心项目", "产业实施方案", "procedures", "410102-FGW",
     date(2021, 9, 6), date(2021, 10, 22)),
    ("二砂文化创意园（二砂文创园核心板）", "控规调整", "planning", "410102-ZRZY",
     date(2021, 8, 2), date(2021, 11, 30)),
    ("郑州黄河智谷中原企业总部港项目", "土地收储", "land_reserve", "410102-ZRZY",
     date(2021, 10, 11), date(2022, 1, 20)),
    ("郑州市轨道交通第二调度中心项目", "规划选址及土地预审", "procedures", "410102-ZRZY",
     date(2021, 3, 1), date(2021, 5, 20)),
]

APPROVAL_STEPS = ["项目建议书批复", "可行性研究报告批复"]


def load() -> bool:
    if Visit.objects.filter(title=VISITS[0]["title"]).exists():
        return False
    units = {u.code: u for u in OrgUnit.objects.all()}
    users = {u.username: u for u in User.objects.filter(
        username__in=["dispatcher", "leader", "leader_secretary", "reporter", "unit_head",
                      "taskforce", "stats"])}
    projects = {p.name: p for p in Project.objects.all()}
    cases = _visits(units, users, projects)
    _play(cases, users)
    _task_force_results(units, users, projects)
    _approvals(projects)
    return True


def _visits(units, users, projects) -> dict:
    dispatcher = users["dispatcher"]
    cases = {}
    for spec in sorted(VISITS, key=lambda v: v["visited_on"]):
        instructions = [(text, projects.get(project) if project else None)
                        for _key, project, text, *_rest in spec["instructions"]]
        with clock.as_of(spec["visited_on"]):
            visit = services.visit_create(
                actor=users.get(spec["lead_user"], dispatcher), visited_on=spec["visited_on"],
                kind=spec["kind"], title=spec["title"], leaders=spec["leaders"],
                projects=[projects[name] for name in spec["projects"]], notes=spec["notes"],
                instructions=instructions, lead_user=users.get(spec["lead_user"]),
                today=spec["visited_on"])
        # The leader who gave the instructions turns them into cases the next working day
        # (the dispatcher for the city group's recommendations); a 交办函 goes with each.
        assigned_on = load_calendar().add_workdays(spec["visited_on"], 1)
        raiser = users.get(spec["lead_user"]) or dispatcher
        for instruction, (key, _p, _t, lead, co, category, days) in zip(
                visit.instructions.order_by("sort"), spec["instructions"], strict=True):
            with clock.as_of(assigned_on):
                case = services.instruction_to_case(
                    actor=raiser, instruction=instruction, lead_unit=units[lead],
                    co_units=[units[c] for c in co], due_workdays=days, category=category,
                    today=assigned_on)
                services.notice_issue(actor=dispatcher, case=case, kind=NoticeKind.ASSIGN,
                                      today=assigned_on)
            cases[key] = case
    return cases


def _play(cases, users) -> None:
    """Day by day: the units' and dispatcher's steps, then the daily sweep."""
    steps = sorted((day, key, n, who, step, text) for key, story in STORY.items()
                   for n, (day, who, step, text) in enumerate(story))
    for first, last in SWEEPS:
        day = first
        while day <= last:
            with clock.as_of(day):
                for when, key, _n, who, step, text in steps:
                    if when == day:
                        _step(cases[key], users.get(who) if who else None, step, text, day)
                services.supervision_sweep(today=day)
            day += timedelta(days=1)


def _step(case, actor, step, text, day) -> None:
    case.refresh_from_db()
    text = f"{S}{text}" if text else ""
    if step == "reply":
        services.case_reply(actor=actor, case=case, text=text, today=day)
    elif step == "resolve":
        services.case_resolve(actor=actor, case=case, text=text, resolved_on=day, today=day)
    elif step == "verify":
        services.case_verify(actor=actor, case=case, passed=True, note=text, today=day)
    elif step == "return":
        services.case_verify(actor=actor, case=case, passed=False, note=text, today=day)
    else:
        services.case_close(actor=actor, case=case, note=text, today=day)


TASK_FORCE_UNITS = ["410102-ZDXM", "410102-ZRZY", "410102-CJJ", "410102-STHJ", "410102-GXJ"]


def _task_force_results(units, users, projects) -> None:
    force = TaskForce.objects.get(name="重点项目落地服务专班")
    dispatcher = users["dispatcher"]
    # The seeds name the task force and what it solved; its leader and member units are SAMPLE.
    force = project_services.task_force_update(
        actor=None, task_force=force, name=force.name, lead_unit=force.lead_unit,
        members=list(force.members.all()), projects=list(force.projects.all()),
        duties=force.duties, leader=users["leader"],
        member_units=[units[code] for code in TASK_FORCE_UNITS])
    calendar = load_calendar()
    for project_name, problem, category, lead, assigned, resolved in TASK_FORCE_RESULTS:
        project = projects[project_name]
        with clock.as_of(assigned):
            case = services.case_create(
                actor=dispatcher, kind="problem", source="task_force", task_force=force,
                title=f"{problem}问题", project=project, category=category,
                lead_unit=units[lead],
                detail=f"服务专班推动解决{project_name}{problem}问题（seeds）。{S}办理时间为示例。",
                due_on=calendar.add_workdays(resolved, 5), today=assigned)
        with clock.as_of(resolved):
            services.case_resolve(actor=None, case=case, text=f"{S}{problem}问题已解决。",
                                  resolved_on=resolved, today=resolved)
            services.case_verify(actor=dispatcher, case=case, passed=True, today=resolved)
            services.case_close(actor=dispatcher, case=case, note="专班成果", today=resolved)


def _government_first(project: Project, before: date) -> bool:
    """A government-invested project not started by `before`: its 建议书/可研 may be approved
    then (an approval never comes after the work it permits)."""
    return not is_enterprise(project.owner_name) and project.stage not in (
        Stage.PIPELINE, Stage.NEGOTIATING, Stage.COMPLETED) and (
        project.actual_start is None or project.actual_start > before)


def _enterprise_first(project: Project, before: date) -> bool:
    """An enterprise-invested project not started by `before` (告知性备案 comes first)."""
    return is_enterprise(project.owner_name) and project.stage not in (
        Stage.PIPELINE, Stage.NEGOTIATING) and (
        project.actual_start is None or project.actual_start > before)


# Approvals per quarter: (quarter's first day, last day, 审批, 告知性备案, still open). 2022 Q1
# is the seed (44 = 11 + 33, all on time); 2023 Q1 is SAMPLE.
QUARTERS = [(date(2022, 1, 4), date(2022, 3, 31), 11, 33, 0),
            (date(2023, 1, 3), date(2023, 3, 31), 7, 16, 2)]
FILING_FIRMS = ["郑州豫研智能装备有限公司", "河南中原数智科技有限公司", "郑州西区冷链物流有限公司",
                "河南绿能新材料有限公司", "郑州嵩岳医疗器械有限公司", "河南天健食品有限公司"]
FILING_WORKS = ["技术改造项目", "智能化生产线建设项目", "研发中心建设项目", "仓储设施改造项目",
                "分布式光伏发电项目", "办公楼装修改造项目"]


def _approvals(projects) -> None:
    """Each quarter's 审批 (项目建议书/可研 of government works that start later) and 告知性备案
    (enterprise projects before they start; the others are not key projects), on time."""
    rng = random.Random(2022)
    calendar = load_calendar()
    every = list(Project.objects.order_by("id"))
    for first, last, approvals, filings, still_open in QUARTERS:
        workdays = [d for d in (first + timedelta(days=n) for n in range((last - first).days))
                    if calendar.is_workday(d)]
        government = [p for p in every if _government_first(p, last + timedelta(days=30))]
        steps = [(p, step) for p in government for step in APPROVAL_STEPS][:approvals]
        for n, (project, step) in enumerate(steps):
            received = workdays[min(n * len(workdays) // approvals, len(workdays) - 6)]
            open_now = n >= approvals - still_open
            completed = None if open_now else min(
                calendar.add_workdays(received, rng.randint(4, 15)), last)
            with clock.as_of(completed or last):
                services.approval_create(
                    actor=None, item=f"{project.name}{step}", project=project,
                    kind=ApprovalKind.APPROVAL, applicant=project.owner_name,
                    received_on=received, completed_on=completed,
                    result=Approval.Result.APPROVED if completed else "",
                    document_no=f"中原发改审〔{first.year}〕{n + 1}号" if completed else "",
                    today=completed or last)
        enterprise = [p for p in every if _enterprise_first(p, last)]
        for n in range(filings):
            received = workdays[n * len(workdays) // filings]
            if (n < len(enterprise) and enterprise[n].actual_start is None) or \
                    (n < len(enterprise) and enterprise[n].actual_start > received):
                project, applicant = enterprise[n], enterprise[n].owner_name
                item = f"{project.name}备案"
            else:  # an enterprise project below the key-project list
                project, applicant = None, rng.choice(FILING_FIRMS)
                item = f"{S}{applicant.removesuffix('有限公司')}{rng.choice(FILING_WORKS)}备案"
            with clock.as_of(received):
                services.approval_create(
                    actor=None, item=item, project=project,
                    kind=ApprovalKind.NOTIFICATION_FILING, applicant=applicant,
                    received_on=received, today=received)
