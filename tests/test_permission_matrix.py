import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .permissions import BUILDERS, MATRIX, ROLES

pytestmark = pytest.mark.django_db


def _url_patterns(resolver=None, namespace=""):
    """(name, pattern) of every named URL pattern the resolver knows."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _project_apps() -> set[str]:
    return {c.label for c in apps.get_app_configs() if c.name.startswith("diaodu.")}


def _our_pages() -> set[str]:
    """Every page a user of ours can open, from the URL resolver and the admin registry: the
    pages of our apps (API operations excepted: tests/api_permissions.py holds them), every
    admin page of a model of ours, and the admin site's and the language switch's pages.
    Third-party apps' admin pages (Django's groups, the task queue, OTP devices) are not ours
    to decide: their admins are not registered for our users' roles."""
    ours = _project_apps()
    admin_models = {f"admin:{m._meta.app_label}_{m._meta.model_name}_"
                    for m in admin.site._registry if m._meta.app_label in ours}
    pages = set()
    for name, pattern in _url_patterns():
        module = getattr(pattern.callback, "__module__", "") or ""
        if name.startswith("admin:"):
            is_model_page = any(name.startswith(p) for p in admin_models)
            third_party = any(name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")
                              for m in admin.site._registry if m._meta.app_label not in ours)
            if is_model_page or not third_party:
                pages.add(name)
        elif module == "ninja.operation":
            continue
        else:
            pages.add(name)
    return pages


def test_every_page_of_ours_has_a_row():
    missing = _our_pages() - set(MATRIX)
    assert not missing, f"add these URL names to tests/permissions.py: {sorted(missing)}"


def test_the_meta_test_sees_every_admin_page_of_every_model_of_ours():
    # A guard on the guard: the list comes from the registry, so no model of ours is left out.
    pages = _our_pages()
    for model in admin.site._registry:
        if model._meta.app_label in _project_apps():
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            for page in ("changelist", "add", "change", "history", "delete"):
                assert f"{prefix}_{page}" in pages
    assert len([p for p in pages if p.startswith("admin:")]) >= 100


# The matrix's own project is led by street A and located there; a third object, "located",
# belongs to the DRC-led project located in street A (tests/conftest.py drc_project_in_a), so
# a rule that reaches projects through their street is told apart from one through their
# responsible unit. Per builder: whom street A's users should find it like — their "own"
# (reached through the street) or "other" (it belongs to the responsible unit, the DRC).
LOCATED_AS = {
    "pk": "own", "pk_version": "own", "report": "own", "visit": "own", "instruction": "own",
    "approval": "own", "admin:projects.campaignentry": "own", "admin:investment.annualplan": "own",
    "admin:investment.reportadjustment": "own", "admin:investment.registrationplan": "own",
    "admin:investment.monthlyrollup": "own",
    # Cases and task forces are led by the project's responsible unit; an import job is its
    # uploader's unit's.
    "case": "other", "case_act": "other", "attachment": "other", "notice": "other",
    "task_force": "other", "import_job": "other",
}

# One test per page and object (own / located / other); the roles run inside it, each with
# its own client, so the units, users and objects are built once per page, not once per role.
CASES = [(name, which) for name, (build, _) in sorted(MATRIX.items())
         for which in (("own", "other") if build else ("own",))
         + (("located",) if build in LOCATED_AS else ())]


def _report_of(project):
    """The project's report in a monthly round (opened on first use)."""
    from datetime import date, datetime

    from django.utils import timezone

    from diaodu.investment import services
    from diaodu.investment.models import ReportingRound

    round_ = ReportingRound.objects.first() or services.round_open(
        actor=None, cadence="monthly", period_start=date(2022, 3, 1),
        period_end=date(2022, 3, 31), opens_at=timezone.make_aware(datetime(2022, 3, 18)),
        due_at=timezone.make_aware(datetime(2022, 3, 24, 18)))
    return round_.reports.get(project=project)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # case attachments written by the builders


def _case_of(project):
    """A case about the project, led by its responsible unit (created on first use)."""
    from datetime import date

    from diaodu.cases import services

    return project.cases.first() or services.case_create(
        actor=None, title=f"{project.name}用地问题", project=project,
        lead_unit=project.responsible_unit, today=date(2022, 3, 28))


def _cases_args(build, project):
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from diaodu.cases import services

    case = _case_of(project)
    if build == "case":
        return [case.pk]
    if build == "case_act":
        return [case.pk, "reply"]
    if build == "attachment":
        pdf = SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF\n")
        action = services.case_reply(actor=None, case=case, text="附件", files=[pdf],
                                     today=date(2022, 3, 29))
        return [action.attachments.get().pk]
    if build == "notice":
        return [services.notice_issue(actor=None, case=case, kind="assign",
                                      today=date(2022, 3, 28)).pk]
    if build in ("visit", "instruction"):
        visit = services.visit_create(actor=None, visited_on=date(2022, 3, 30),
                                      kind="research", title="调研", leaders="区委书记",
                                      projects=[project], instructions=["加快进度"])
        return [visit.pk if build == "visit" else visit.instructions.get().pk]
    if build == "task_force":
        from diaodu.projects.services import task_force_create

        return [task_force_create(
            actor=None, name=f"{project.name}专班", lead_unit=project.responsible_unit,
            members=[], projects=[project]).pk]
    return [services.approval_create(actor=None, item="项目备案", project=project,
                                     kind="notification_filing",
                                     received_on=date(2022, 3, 1)).pk]


def _import_job_of(project):
    """A dry-run import job uploaded by the project's responsible unit."""
    from diaodu.core.models import User
    from diaodu.core.roles import Role
    from diaodu.ledgers import services
    from tests.ledgers.conftest import project_ledger

    unit = project.responsible_unit
    uploader = User.objects.create(username=f"importer-{unit.pk}", unit=unit,
                                   role=Role.REPORTER)
    job = services.import_job_create(
        actor=None, kind="projects", filename="台账.xlsx",
        data=project_ledger([[None, project.name, "区重点", project.category.name,
                              unit.name, None, "0.1", "", ""]]))
    job.unit, job.created_by = unit, uploader
    job.save(update_fields=["unit", "created_by"])
    return job


def _admin_object(label, project):
    """An object of an admin-registered model for the per-object admin pages: the project's
    own where the model belongs to a project, else one the migrations seed (or a new one)."""
    from datetime import date

    from diaodu.core import audit
    from diaodu.core.models import CalendarDay, CalendarYear, User
    from diaodu.core.roles import Role
    from diaodu.investment import rollups, services
    from diaodu.investment.models import DispatchSettings, MonthlyRollup
    from diaodu.projects import services as project_services

    if label == "core.user":
        return User.objects.get_or_create(username=f"member-{project.responsible_unit_id}",
                                          unit=project.responsible_unit, role=Role.REPORTER)[0]
    if label == "core.auditevent":
        return audit.record(None, "project.view", project)
    if label == "core.orgunit":
        return project.responsible_unit
    if label == "core.calendarday":
        return CalendarDay.objects.order_by("date").first()
    if label == "core.calendaryear":
        return CalendarYear.objects.order_by("year").first()
    if label == "core.unitrobot":
        from diaodu.core.notify.robots import unit_robot_save

        return unit_robot_save(actor=None, unit=project.responsible_unit, platform="wecom",
                               webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    if label == "projects.category":
        return project.category
    if label in ("projects.campaign", "projects.campaignentry"):
        from diaodu.projects.models import Campaign

        campaign = Campaign.objects.first() or project_services.campaign_create(
            actor=None, issuer_level="district", year=2022, phase=4, name="第四期三个一批")
        if label == "projects.campaign":
            return campaign
        from diaodu.projects.models import CampaignEntry

        return CampaignEntry.objects.filter(project=project).first() or \
            project_services.campaign_entry_add(
                actor=None, campaign=campaign, project=project, batch="start")
    if label in ("investment.annualplan", "investment.planadjustment"):
        from tests.test_api_matrix import _plan_of

        plan = _plan_of(project)
        if label == "investment.annualplan":
            return plan
        services.annual_plan_approve(actor=None, plan=plan)
        services.annual_plan_adjust(actor=None, plan=plan, planned_investment="1300.00",
                                    reason="资金调整")
        return plan.adjustments.get()
    if label in ("investment.reportadjustment", "investment.monthlyrollup"):
        report = _report_of(project)
        if report.status != "approved":  # one approved report serves both builders
            services.report_save(actor=None, report=report, expected_version=None,
                                 completed_in_period="10.00", cumulative_completed="10.00",
                                 physical_progress="基础施工")
            report = services.report_submit(actor=None, report=report, expected_version=None)
            report = services.report_approve(actor=None, report=report,
                                             expected_version=None)
        if label == "investment.monthlyrollup":
            rollups.refresh_project(project, 2022)
            return MonthlyRollup.objects.get(unit=project.responsible_unit, year=2022, month=3)
        services.round_lock(actor=None, round_=report.round)
        return services.report_adjust(actor=None, report=report, delta_completed="1.00",
                                      reason="统计更正")
    if label == "investment.registrationplan":
        return services.registration_plan_set(actor=None, project=project,
                                               due_month=date(2022, 6, 1),
                                               responsible_unit=project.responsible_unit)
    if label == "investment.dispatchsettings":
        return DispatchSettings.objects.order_by("pk").first()
    if label == "cases.supervisionpolicy":
        from diaodu.cases.services import policy_get

        return policy_get()
    if label == "schedule.milestonetype":
        from diaodu.schedule.models import MilestoneType

        return MilestoneType.objects.order_by("pk").first()
    if label == "schedule.scheduletemplate":
        from diaodu.schedule.models import ScheduleTemplate

        return ScheduleTemplate.objects.order_by("pk").first()
    if label.startswith("duty."):
        return _duty_object(label, project)
    if label.startswith("mediation."):
        return _mediation_object(label, project)
    if label == "ledgers.namealias":
        from diaodu.ledgers import names

        unit = project.responsible_unit
        return names.name_alias_save(actor=None, kind="unit", name=f"{unit.name}（简称）",
                                     target=unit)
    raise LookupError(f"no admin object builder for {label}")


def _duty_object(label, project):
    """A duty object of the project's unit (street A own, street B other)."""
    from datetime import date

    from diaodu.duty import services
    from diaodu.duty.models import FloodPlan

    from .permissions import _duty_people, _duty_street_plan, duty_flood_post

    unit = project.responsible_unit
    if label == "duty.dutyperson":
        return _duty_people(unit)[0]
    if label == "duty.drillplan":
        return _duty_street_plan(project)
    if label == "duty.floodpost":
        from diaodu.duty.models import FloodPost

        return FloodPost.objects.get(pk=duty_flood_post(project)[0])
    if label == "duty.tracingmember":
        from diaodu.duty.models import TracingTeam

        team = TracingTeam.objects.filter(name=f"{unit}流调队伍").first() or \
            services.tracing_team_create(actor=None, name=f"{unit}流调队伍", unit=unit,
                                         min_on_call=1)
        return services.tracing_member_add(actor=None, team=team, name=f"{unit}队员",
                                           unit=unit, source="street")
    if label == "duty.floodseason":
        return services.flood_season_set(actor=None, year=2022, starts_on=date(2022, 6, 1),
                                         ends_on=date(2022, 9, 30))
    if label == "duty.floodplan":
        return FloodPlan.objects.first() or services.flood_plan_create(
            actor=None, name="防汛应急预案", units=[(unit, "blue")])
    raise LookupError(f"no admin object builder for {label}")


def _mediation_object(label, project):
    """A directory entry in the project's street (its committee, station, a community's
    adviser and 法律明白人)."""
    from datetime import date

    from diaodu.core.models import OrgUnit, UnitKind
    from diaodu.mediation import network, services

    from .factories import unit
    from .mediation.matrix import _committee

    street = project.responsible_unit
    if label == "mediation.committee":
        return _committee(street)
    if label == "mediation.mediator":
        return services.mediator_save(actor=None, committee=_committee(street),
                                      name=f"{street.name}调解员")
    if label == "mediation.legalplace":
        return network.place_save(actor=None, kind="station", name=f"{street.name}公共法律服务站",
                                  unit=street)
    community = OrgUnit.objects.filter(path__startswith=street.path,
                                       kind=UnitKind.COMMUNITY).first() or \
        unit(f"{street.code}901", f"{street.name}社区", UnitKind.COMMUNITY, street)
    if label == "mediation.liaison":
        return network.liaison_save(actor=None, name=f"{community.name}法律明白人",
                                    community=community)
    from diaodu.mediation.models import Adviser

    adviser = Adviser.objects.filter(licence_no=f"{street.pk:017d}").first() or \
        network.adviser_save(actor=None, name=f"{street.name}顾问", firm="律师事务所",
                             licence_no=f"{street.pk:017d}")
    if label == "mediation.adviser":
        return adviser
    if label == "mediation.assignment":
        return network.assignment_create(actor=None, adviser=adviser, community=community,
                                         starts_on=date(2022, 1, 1))
    raise LookupError(f"no admin object builder for {label}")


def _args(build, project):
    if build in BUILDERS:
        return BUILDERS[build](build, project)
    if callable(build):  # a row's own builder (tests/permissions.py)
        return build(project)
    if build in ("cityops_category", "cityops_settings"):
        from tests.cityops import matrix as cityops_matrix

        return (cityops_matrix.category_args if build == "cityops_category"
                else cityops_matrix.settings_args)(project)
    if build and build.startswith("app:"):
        return [build.removeprefix("app:")]
    if build == "view_on_site":
        from django.contrib.contenttypes.models import ContentType

        return [ContentType.objects.get_for_model(project).pk, project.pk]
    if build and build.startswith("admin:"):
        return [_admin_object(build.removeprefix("admin:"), project).pk]
    if build == "import_job":
        return [_import_job_of(project).pk]
    if build == "ledger":
        return ["projects"]
    if build in ("case", "case_act", "attachment", "notice", "visit", "instruction",
                 "task_force", "approval"):
        return _cases_args(build, project)
    if build == "report":
        return [_report_of(project).pk]
    if build == "round":
        return [_report_of(project).round_id]
    if build == "pk":
        return [project.pk]
    if build == "pk_version":
        return [project.pk, project.history.earliest("history_date").history_id]
    return []


@pytest.mark.parametrize(("name", "which"), CASES)
def test_matrix(request, name, which, project_a, project_b, drc_project_in_a):
    from django.test import Client

    build, rule = MATRIX[name]
    target = {"own": project_a, "other": project_b, "located": drc_project_in_a}[which]
    url = reverse(name, args=_args(build, target))

    def expect(role, which):
        return rule(role, LOCATED_AS[build] if which == "located" else which)

    users = {role: request.getfixturevalue(role) for role in ROLES}
    wrong = []
    for role in ROLES:
        client = Client()
        client.force_login(users[role])
        status = client.get(url).status_code
        if status != expect(role, which):
            wrong.append(f"{role}: {status}, expected {expect(role, which)}")
    assert not wrong, (name, which, url, wrong)
