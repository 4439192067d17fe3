"""The permission matrix (STYLE.md, after NetBox): every URL × role × own / other unit.

Each row names a URL pattern, how to build its arguments from the `own` and `other` projects,
and the expected status per role for each. A meta-test fails when a URL pattern of ours has no
row, so a new page cannot ship without a decision on who may open it.
"""

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302

ROLES = ("street_a_reporter", "street_a_head", "dispatcher", "stats_user", "leader",
         "taskforce_member", "sysadmin", "secadmin", "auditor")

# Roles that see every project; the reporter and head of street A see their own street.
SEE_ALL = {"dispatcher", "stats_user", "leader"}
SEE_OWN = {"street_a_reporter", "street_a_head"}
# The three administrators see no project data; the task-force member here is in no task force.
NO_PROJECTS = {"sysadmin", "secadmin", "auditor", "taskforce_member"}


# 督办: who registers cases, who supervises (verifies, closes, records visits).
SUPERVISORS = {"dispatcher", "leader"}
CASE_RAISERS = SUPERVISORS | {"street_a_reporter", "street_a_head", "taskforce_member"}


def project_page(own_ok=OK, edit_only=False):
    """Expected status of a per-project page for (role, which project)."""

    def expect(role: str, which: str) -> int:
        if edit_only:
            return own_ok if role == "dispatcher" else NOT_FOUND
        if role in SEE_ALL or (role in SEE_OWN and which == "own"):
            return own_ok
        return NOT_FOUND

    return expect


def admin_project_page(role: str, which: str) -> int:
    # Out of scope is "not found" before any permission check: no existence leak.
    if role in SEE_ALL or (role in SEE_OWN and which == "own"):
        return OK
    return NOT_FOUND


def listing(role: str, which: str) -> int:
    return OK


def admin_listing_for(allowed: set[str]):
    return lambda role, which: OK if role in allowed else FORBIDDEN


def dispatcher_only(role: str, which: str) -> int:
    return OK if role == "dispatcher" else NOT_FOUND


MATRIX = {
    # name: (argument builder, expectation)
    "home": (None, lambda role, which: REDIRECT),
    "projects:list": (None, listing),
    "projects:detail": ("pk", project_page()),
    "projects:stage": ("pk", project_page(edit_only=True)),
    "admin:projects_project_changelist": (
        None, admin_listing_for(SEE_ALL | SEE_OWN | {"taskforce_member"})),
    "admin:projects_project_change": ("pk", admin_project_page),
    "admin:projects_project_history": ("pk", admin_project_page),
    "admin:projects_project_simple_history": ("pk_version", admin_project_page),
    "admin:core_user_changelist": (None, admin_listing_for({"sysadmin", "secadmin"})),
    "admin:core_auditevent_changelist": (None, admin_listing_for({"auditor"})),
    "admin:core_orgunit_changelist": (None, admin_listing_for(set(ROLES))),
    "admin:core_calendarday_changelist": (None, admin_listing_for(set(ROLES))),
    "admin:projects_campaignentry_changelist": (
        None, admin_listing_for(SEE_ALL | SEE_OWN | {"taskforce_member"})),
    "investment:reports": (None, listing),
    "investment:report": ("report", project_page()),
    "investment:rounds": (None, dispatcher_only),
    "investment:round": ("round", dispatcher_only),
    "investment:kpis": (None, listing),
    "investment:registration": (None, listing),
    "investment:registration_evidence": ("pk", project_page()),
    "admin:projects_taskforce_changelist": (
        None, admin_listing_for(SEE_ALL | SEE_OWN | {"taskforce_member"})),
    # 督办 (cases): a case of each project, led by the project's responsible unit.
    "cases:list": (None, listing),
    "cases:stats": (None, listing),
    "cases:create": (None, lambda role, which: OK if role in CASE_RAISERS else NOT_FOUND),
    "cases:detail": ("case", project_page()),
    "cases:act": ("case_act", project_page(own_ok=REDIRECT)),
    "cases:attachment": ("attachment", project_page()),
    "cases:notice_docx": ("notice", project_page()),
    "cases:visits": (None, listing),
    "cases:visit_create": (None, lambda role, which: OK if role in SUPERVISORS else NOT_FOUND),
    "cases:visit_detail": ("visit", project_page()),
    "cases:visit_update": ("visit", lambda role, which: OK if role in SUPERVISORS else NOT_FOUND),
    "cases:instruction_to_case": ("instruction", project_page(own_ok=REDIRECT)),
    "cases:approvals": (None, listing),
    "cases:approval_create": (None, dispatcher_only),
    # The builder's approval is a 告知性备案, complete on receipt: final, back to the list.
    "cases:approval_complete": (
        "approval", lambda role, which: REDIRECT if role == "dispatcher" else NOT_FOUND),
    "cases:task_force": ("task_force", project_page()),
    "cases:task_forces": (None, listing),
    "notify:inbox": (None, listing),
    "notify:inbox_read": (None, lambda role, which: REDIRECT),
    "notify:preferences": (None, listing),
    "notify:deliveries": (None, lambda role, which: OK if role == "dispatcher" else FORBIDDEN),
    "admin:cases_approval_changelist": (
        None, admin_listing_for(SEE_ALL | SEE_OWN | {"taskforce_member"})),
    "admin:cases_approval_change": ("approval", admin_project_page),
    "admin:ledgers_namealias_changelist": (
        None, admin_listing_for({"dispatcher", "sysadmin"})),
    # A wrong alias is removed by those who keep them (ledgers.admin.ALIAS_EDITORS); to the
    # others an alias does not exist.
    "admin:ledgers_namealias_delete": (
        "admin:ledgers.namealias",
        lambda role, which: OK if role in {"dispatcher", "sysadmin"} else NOT_FOUND),
    "admin:cases_supervisionpolicy_changelist": (
        None, lambda role, which: REDIRECT if role in SUPERVISORS | {"street_a_head"}
        else FORBIDDEN),
}


# 进度计划 (schedule): everyone who sees a project reads its Gantt and baselines; the
# dispatcher and the project's own street (reporter, head) edit it.
def schedule_editor_page(role: str, which: str) -> int:
    if role == "dispatcher" or (role in SEE_OWN and which == "own"):
        return OK
    return NOT_FOUND


MATRIX.update({
    "schedule:board": (None, listing),
    "schedule:gantt": ("pk", project_page()),
    "schedule:baselines": ("pk", project_page()),
    "schedule:edit": ("pk", schedule_editor_page),
    "schedule:links": ("pk", schedule_editor_page),
    "schedule:settings": ("pk", schedule_editor_page),
    "schedule:template": ("pk", schedule_editor_page),
    "admin:schedule_milestonetype_changelist": (None, admin_listing_for(set(ROLES))),
    "admin:schedule_scheduletemplate_changelist": (None, admin_listing_for(set(ROLES))),
})


# 领导驾驶舱 (dashboard): every role opens the scoped dashboard and lists; the rules and the
# scoring scheme are read by those who see the district (DRC, leaders, statistics).
def dashboard_settings(role: str, which: str) -> int:
    return OK if role in SEE_ALL else NOT_FOUND


MATRIX.update({
    "dashboard:index": (None, listing),
    "dashboard:groups": (None, listing),
    "dashboard:ranking": (None, listing),
    "dashboard:warnings": (None, listing),
    "dashboard:overdue_reports": (None, listing),
    "dashboard:rules": (None, dashboard_settings),
    "dashboard:scheme": (None, dashboard_settings),
    "dashboard:evaluate": (None, lambda role, which: REDIRECT),
})


# API tokens page (each user manages their own) and the API's schema and docs pages; the API
# operations themselves are in tests/api_permissions.py.
MATRIX.update({
    "tokens:list": (None, listing),
    # POST only (GET is 405 for everyone); revoking another user's token is 404 (tests/api).
    "tokens:revoke": ("pk", lambda role, which: 405),
    "api:openapi-json": (None, listing),
    "api:openapi-view": (None, listing),
})


# 台账 (ledgers): units import their own reports, the DRC everything; an import job is seen by
# its unit and the DRC. Exports and the briefing are open to everyone who sees projects, with
# the content scoped to the user.
IMPORTERS = {"dispatcher", "street_a_reporter", "street_a_head"}


def import_job_page(role: str, which: str) -> int:
    if role == "dispatcher" or (role in SEE_OWN and which == "own"):
        return OK
    return NOT_FOUND


def ledger_reader(role: str, which: str) -> int:
    return OK if role in SEE_ALL | SEE_OWN | {"taskforce_member"} else NOT_FOUND


MATRIX.update({
    "ledgers:imports": (None, lambda role, which: OK if role in IMPORTERS else NOT_FOUND),
    "ledgers:import": ("import_job", import_job_page),
    "ledgers:import_progress": ("import_job", import_job_page),
    "ledgers:exports": (None, ledger_reader),
    "ledgers:export": ("ledger", ledger_reader),
    "ledgers:briefing": (None, ledger_reader),
})


# The audit log's CSV export: the auditor only (三员分立), like the log itself.
MATRIX["admin:core_auditevent_export"] = (None, admin_listing_for({"auditor"}))


# Two-factor pages (each user's own authenticator). Signed in with both factors (the matrix's
# force_login), the enrol page shows the QR code or the enrolled state to everyone, and the
# code page sends on to the next page. What an unverified session may open:
# tests/core/test_two_factor.py.
MATRIX.update({
    "two_factor:setup": (None, listing),
    "two_factor:verify": (None, lambda role, which: REDIRECT),
})


# 人民调解, the legal-service network and 无记名投票: rows and their argument builders live
# with the feature (tests/mediation/matrix.py).
from tests.mediation import matrix as _mediation_matrix  # noqa: E402

MATRIX.update(_mediation_matrix.ROWS)
BUILDERS = {name: _mediation_matrix.build for name in _mediation_matrix.BUILDS}

# 网格治理 (grids): rows and builders with the feature (tests/grids/matrix.py).
from tests.grids import matrix as _grids_matrix  # noqa: E402

MATRIX.update(_grids_matrix.ROWS)
BUILDERS.update({name: _grids_matrix.build for name in _grids_matrix.BUILDS})


# 应急值守 (duty): rosters, posts, drills and tracing belong to a unit — the project's
# responsible unit (street A own, street B other) stands for it. Lists are open to every role
# with the content scoped; the buttons (POST only) answer GET with 405.
def _duty_people(unit):
    from diaodu.duty import services
    from diaodu.duty.models import DutyPerson

    return (DutyPerson.objects.filter(unit=unit, can_lead=True).first()
            or services.duty_person_create(actor=None, unit=unit, name=f"{unit}领导",
                                           can_lead=True),
            DutyPerson.objects.filter(unit=unit, can_lead=False).first()
            or services.duty_person_create(actor=None, unit=unit, name=f"{unit}干部"))


def duty_shift(project):
    from datetime import date

    from diaodu.duty import services
    from diaodu.duty.services.rosters import RosterRow

    leader, staff = _duty_people(project.responsible_unit)
    return [services.roster_save(actor=None, unit=project.responsible_unit,
                                 rows=[RosterRow(date(2022, 3, 28), leader, [staff])])[0].pk]


def duty_flood_post(project):
    from diaodu.duty import services

    return [services.flood_post_create(actor=None, street=project.street,
                                       name=f"{project.street}防汛值守点").pk]


def _duty_street_plan(project):
    from diaodu.duty import services

    return services.drill_plan_create(
        actor=None, tier="street", unit=project.street, name=f"{project.street}防汛演练",
        scenario="暴雨内涝", mode="element", tested="人员转移")


def duty_drill_plan(project):
    return [_duty_street_plan(project).pk]


def duty_drill(project):
    from datetime import date

    from diaodu.duty import services

    return [services.drill_record(actor=None, plan=_duty_street_plan(project),
                                  unit=project.street, held_on=date(2022, 3, 3),
                                  participants=10, duration_minutes=30).pk]


def duty_activation(project):
    from diaodu.duty import services
    from diaodu.duty.models import TracingTeam

    unit = project.responsible_unit
    team = TracingTeam.objects.filter(name=f"{unit}流调队伍").first() or \
        services.tracing_team_create(actor=None, name=f"{unit}流调队伍", unit=unit,
                                     min_on_call=1)
    group = services.tracing_group_create(actor=None, team=team, number=1, echelon=1)
    member = services.tracing_member_add(actor=None, team=team, name="队员", unit=unit,
                                         source="street")
    services.tracing_group_set_members(actor=None, group=group, members=[member])
    return [services.activation_start(actor=None, team=team, title="演示事件",
                                      groups_needed=1).pk]


def duty_pk_1(project):
    return [1]


def duty_manager_page(role: str, which: str) -> int:
    """A page for those who manage the unit: the duty office, the unit's own head."""
    if role == "dispatcher" or (role == "street_a_head" and which == "own"):
        return OK
    return NOT_FOUND


def not_allowed(role: str, which: str) -> int:
    return 405


MATRIX.update({
    "duty:board": (None, listing),
    "duty:roster": (None, listing),
    "duty:roster_generate": (None, not_allowed),
    "duty:shift": (duty_shift, project_page()),
    "duty:handover": (duty_pk_1, not_allowed),
    "duty:swap_request": (duty_pk_1, not_allowed),
    "duty:swaps": (None, listing),
    "duty:swap_decide": (duty_pk_1, not_allowed),
    "duty:checks": (None, listing),
    "duty:check_create": (None, not_allowed),
    "duty:check_answer": (duty_pk_1, not_allowed),
    "duty:holiday": (None, listing),
    # Without a period the export sends back to the holiday page (tests/duty/test_views.py
    # covers the files).
    "duty:holiday_export": (lambda project: ["xlsx"], lambda role, which: REDIRECT),
    "duty:flood": (None, listing),
    "duty:flood_post": (duty_flood_post, project_page()),
    "duty:warning_issue": (duty_pk_1, not_allowed),
    "duty:warning_lift": (duty_pk_1, not_allowed),
    "duty:drills": (None, listing),
    "duty:drill_create": (duty_drill_plan, duty_manager_page),
    "duty:drill": (duty_drill, project_page()),
    "duty:finding_case": (duty_pk_1, not_allowed),
    "duty:tracing": (None, listing),
    "duty:activation_start": (duty_pk_1, not_allowed),
    "duty:activation": (duty_activation, project_page()),
    "duty:activation_step": (lambda project: [1, "contact"], not_allowed),
    "duty:member_status": (None, not_allowed),
    "admin:duty_dutyperson_changelist": (None, admin_listing_for(SEE_ALL | SEE_OWN)),
})
MATRIX.update({
    "admin:duty_floodpost_changelist": (None, admin_listing_for(SEE_ALL | SEE_OWN)),
    "admin:duty_drillplan_changelist": (None, admin_listing_for(SEE_ALL | SEE_OWN)),
    "admin:duty_tracingmember_changelist": (None, admin_listing_for(SEE_ALL | SEE_OWN)),
    # Plans and seasons concern everyone on duty (readers: every business role).
    "admin:duty_floodplan_changelist": (
        None, admin_listing_for(SEE_ALL | SEE_OWN | {"taskforce_member"})),
    "admin:duty_floodseason_changelist": (
        None, admin_listing_for(SEE_ALL | SEE_OWN | {"taskforce_member"})),
})


def report_photo(project):
    """A photo on the project's report (added once; the matrix builders are idempotent)."""
    from diaodu.core import photo_services
    from diaodu.core.models import Photo
    from tests.photo_images import jpeg, upload
    from tests.test_permission_matrix import _report_of

    report = _report_of(project)
    photo = Photo.objects.filter(owner_id=report.pk, owner_type__model="progressreport").first()
    return [(photo or photo_services.photo_add(
        actor=None, owner=report, upload=upload(jpeg(text=f"{project.pk}"), "现场.jpg"))).pk]


# Photo files follow their owner's scope (core/photo_views.py).
MATRIX.update({
    "photos:file": (report_photo, project_page()),
    "photos:thumb": (report_photo, project_page()),
})


# 城运中心 (cityops): rows and builders with the feature (tests/cityops/matrix.py).
from tests.cityops import matrix as _cityops_matrix  # noqa: E402

MATRIX.update(_cityops_matrix.ROWS)


# Every admin page of the project's own models and the admin site's pages (issue 23):
# tests/admin_permissions.py. Rows written above stay as they are.
from .admin_permissions import _site_pages, admin_rows  # noqa: E402

MATRIX.update({k: v for k, v in {**admin_rows(), **_site_pages()}.items() if k not in MATRIX})
