"""Matrix rows for every admin page of the project's own models (issue 23, issue 17 item 6):
changelist, add, change, history and delete of each model registered in the admin, plus the
admin site's own pages. tests/permissions.py imports them into MATRIX; the meta-test
(tests/test_permission_matrix.py) lists the pages from the URL resolver and the admin registry.

Who may do what, per model, is written here from the design (DESIGN §1, core/roles.py), not
read from the admin classes: `see` — who sees the model's objects ("scoped": through the
object's project, as the project pages); `add` — who gets the add form. Django's own rules
then give the statuses: the changelist is 200 for those who see or add, else 403; the add form
200 for `add`, else 403; an object the user cannot see is 404 on every per-object page (no
existence leak), one they can see is 200 (change and history; a read-only change page is the
view page) and 403 on delete (rows are never deleted from the admin).
"""

from dataclasses import dataclass

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302

ALL_ROLES = frozenset({"street_a_reporter", "street_a_head", "dispatcher", "stats_user",
                       "leader", "taskforce_member", "sysadmin", "secadmin", "auditor"})
SEE_ALL = frozenset({"dispatcher", "stats_user", "leader"})
SEE_OWN = frozenset({"street_a_reporter", "street_a_head"})
SCOPED = "scoped"  # seen through the object's project: SEE_ALL, and SEE_OWN for their own
# 应急值守: plans, warnings and seasons concern everyone on duty (duty.policy.BUSINESS_ROLES);
# the three administrators are not on duty.
ON_DUTY = frozenset({"street_a_reporter", "street_a_head", "dispatcher", "stats_user", "leader",
                     "taskforce_member"})
# The duty office and a unit's head manage the unit's duty lists and drill plans
# (duty.admin.MANAGERS); a head only within the unit's subtree (the scope keeps the rest 404).
DUTY_MANAGERS = frozenset({"dispatcher", "street_a_head"})


@dataclass(frozen=True)
class AdminModel:
    build: str                      # the argument builder (tests/test_permission_matrix.py)
    see: frozenset[str] | str       # roles that see its objects, or SCOPED
    add: frozenset[str] = frozenset()
    changelist: int | None = None   # a status other than the rule's (a singleton redirects)
    taskforce: bool = True          # SCOPED: task-force members see their task forces' share


ADMIN_MODELS: dict[str, AdminModel] = {
    "core_user": AdminModel("admin:core.user", frozenset({"sysadmin", "secadmin"}),
                            add=frozenset({"sysadmin"})),
    "core_auditevent": AdminModel("admin:core.auditevent", frozenset({"auditor"})),
    "core_orgunit": AdminModel("admin:core.orgunit", ALL_ROLES),
    "core_calendarday": AdminModel("admin:core.calendarday", ALL_ROLES,
                                   add=frozenset({"sysadmin", "dispatcher"})),
    "core_calendaryear": AdminModel("admin:core.calendaryear", ALL_ROLES),
    # The units' 企业微信/钉钉 robots: system configuration, the system administrator's.
    "core_unitrobot": AdminModel("admin:core.unitrobot", frozenset({"sysadmin"}),
                                 add=frozenset({"sysadmin"})),
    "projects_project": AdminModel("pk", SCOPED, add=frozenset({"dispatcher"})),
    "projects_category": AdminModel("admin:projects.category", ALL_ROLES,
                                    add=frozenset({"dispatcher"})),
    "projects_campaign": AdminModel("admin:projects.campaign", ALL_ROLES,
                                    add=frozenset({"dispatcher"})),
    "projects_taskforce": AdminModel("task_force", SCOPED, add=frozenset({"dispatcher"})),
    "projects_campaignentry": AdminModel("admin:projects.campaignentry", SCOPED,
                                         add=frozenset({"dispatcher"})),
    "investment_annualplan": AdminModel("admin:investment.annualplan", SCOPED,
                                        add=frozenset({"dispatcher"})),
    "investment_planadjustment": AdminModel("admin:investment.planadjustment",
                                            frozenset({"dispatcher", "leader", "stats_user"})),
    "investment_reportadjustment": AdminModel("admin:investment.reportadjustment", SCOPED),
    "investment_registrationplan": AdminModel("admin:investment.registrationplan", SCOPED,
                                              add=frozenset({"dispatcher", "stats_user"})),
    # One row, seeded by a migration: edited, never added.
    "investment_dispatchsettings": AdminModel("admin:investment.dispatchsettings",
                                              frozenset({"dispatcher"})),
    # Rollups are by unit and street; task forces do not reach them.
    "investment_monthlyrollup": AdminModel("admin:investment.monthlyrollup", SCOPED,
                                           taskforce=False),
    "cases_approval": AdminModel("approval", SCOPED, add=frozenset({"dispatcher"})),
    "cases_supervisionpolicy": AdminModel(
        "admin:cases.supervisionpolicy", frozenset({"dispatcher", "leader", "street_a_head"}),
        changelist=-1),
    "schedule_milestonetype": AdminModel("admin:schedule.milestonetype", ALL_ROLES,
                                         add=frozenset({"dispatcher"})),
    "schedule_scheduletemplate": AdminModel("admin:schedule.scheduletemplate", ALL_ROLES,
                                            add=frozenset({"dispatcher"})),
    # 应急值守 (duty). A unit's rows are seen by its own users (a head also below) and the
    # district-wide roles; `own` is street A's, `other` street B's. Task forces do not reach
    # them. Flood posts and tracing members are read-only here (kept on the duty pages).
    "duty_dutyperson": AdminModel("admin:duty.dutyperson", SCOPED, add=DUTY_MANAGERS,
                                  taskforce=False),
    "duty_drillplan": AdminModel("admin:duty.drillplan", SCOPED, add=DUTY_MANAGERS,
                                 taskforce=False),
    "duty_floodpost": AdminModel("admin:duty.floodpost", SCOPED, taskforce=False),
    "duty_tracingmember": AdminModel("admin:duty.tracingmember", SCOPED, taskforce=False),
    # A season is set (and set again) by the duty office through the add form; plans are
    # read-only here.
    "duty_floodseason": AdminModel("admin:duty.floodseason", ON_DUTY,
                                   add=frozenset({"dispatcher"})),
    "duty_floodplan": AdminModel("admin:duty.floodplan", ON_DUTY),
    # Aliases of names in imported ledgers: kept by the DRC and the system administrator,
    # who also delete a wrong one (the delete row is in tests/permissions.py).
    "ledgers_namealias": AdminModel("admin:ledgers.namealias",
                                    frozenset({"dispatcher", "sysadmin"}),
                                    add=frozenset({"dispatcher", "sysadmin"})),
    # 人民调解 and the legal network: a public directory every signed-in user reads; the
    # reference editor (the dispatcher) writes it.
    "mediation_committee": AdminModel("admin:mediation.committee", ALL_ROLES,
                                      add=frozenset({"dispatcher"})),
    "mediation_mediator": AdminModel("admin:mediation.mediator", ALL_ROLES,
                                     add=frozenset({"dispatcher"})),
    "mediation_legalplace": AdminModel("admin:mediation.legalplace", ALL_ROLES,
                                       add=frozenset({"dispatcher"})),
    "mediation_adviser": AdminModel("admin:mediation.adviser", ALL_ROLES,
                                    add=frozenset({"dispatcher"})),
    "mediation_assignment": AdminModel("admin:mediation.assignment", ALL_ROLES,
                                       add=frozenset({"dispatcher"})),
    "mediation_liaison": AdminModel("admin:mediation.liaison", ALL_ROLES,
                                    add=frozenset({"dispatcher"})),
}
# 城运中心: the category list is reference data every signed-in user reads, kept by the
# district centre; the working-hours settings are the centres' (no role of the matrix).
ADMIN_MODELS.update({
    "cityops_eventcategory": AdminModel("cityops_category", ALL_ROLES),
    "cityops_opssettings": AdminModel("cityops_settings", frozenset()),
})


def sees(model: AdminModel, role: str, which: str) -> bool:
    if model.see == SCOPED:
        return role in SEE_ALL or (role in SEE_OWN and which == "own")
    return role in model.see


def _changelist(model: AdminModel):
    def expect(role: str, which: str) -> int:
        # A scoped list opens for everyone with a project reach (task-force members see their
        # task forces' share); what it lists is checked by the list test.
        reach = SEE_ALL | SEE_OWN | ({"taskforce_member"} if model.taskforce else set())
        allowed = (role in reach if model.see == SCOPED else role in model.see) \
            or role in model.add
        if model.changelist == -1:  # a singleton: the list sends on to its one object
            return REDIRECT if allowed else FORBIDDEN
        return OK if allowed else FORBIDDEN
    return expect


def _add(model: AdminModel):
    return lambda role, which: OK if role in model.add else FORBIDDEN


def _object(model: AdminModel, seen: int):
    return lambda role, which: seen if sees(model, role, which) else NOT_FOUND


def admin_rows() -> dict[str, tuple[str | None, object]]:
    rows: dict[str, tuple[str | None, object]] = {}
    for prefix, model in ADMIN_MODELS.items():
        rows[f"admin:{prefix}_changelist"] = (None, _changelist(model))
        rows[f"admin:{prefix}_add"] = (None, _add(model))
        for page, seen in (("change", OK), ("history", OK), ("delete", FORBIDDEN)):
            rows[f"admin:{prefix}_{page}"] = (model.build, _object(model, seen))
    return rows


def _site_pages() -> dict[str, tuple[str | None, object]]:
    """The admin site's own pages and the language switch: open to every signed-in user."""
    return {
        "admin:index": (None, lambda role, which: OK),
        "admin:login": (None, lambda role, which: REDIRECT),   # already signed in
        "admin:logout": (None, lambda role, which: 405),        # POST only
        "admin:password_change": (None, lambda role, which: OK),
        "admin:password_change_done": (None, lambda role, which: OK),
        "admin:jsi18n": (None, lambda role, which: OK),
        "set_language": (None, lambda role, which: REDIRECT),  # GET goes back, sets nothing
        "admin:app_list": ("app:core", lambda role, which: OK),  # units, calendar: public
        "admin:search": (None, lambda role, which: OK),          # lists only what one may see
        "admin:autocomplete": (None, lambda role, which: FORBIDDEN),  # no field named
        # Django's "view on site" redirects to the object's own page, which then decides (a
        # project of another unit is 404 there). It answers 302 for any id, existing or not.
        "admin:view_on_site": ("view_on_site", lambda role, which: REDIRECT),
        "api:api-root": (None, lambda role, which: NOT_FOUND),  # the API has no root page
    }
