import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .permissions import BUILDERS, MATRIX, ROLES

pytestmark = pytest.mark.django_db


def _our_url_names(resolver=None, namespace=""):
    """Named URL patterns of Diaodu's own apps (admin pages of our models included)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _our_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _is_ours(name: str) -> bool:
    return name.startswith(("projects:", "investment:", "cases:", "schedule:", "dashboard:",
                            "home",
                            "ledgers:", "tokens:", "api:openapi", "two_factor:",
                            "mediation:", "votes:", "duty:")) or any(
        name.startswith(f"admin:{app}_") and name.endswith(("_changelist", "_change",
                                                            "_history"))
        for app in ("projects_project",)) or name in MATRIX


def test_every_page_of_ours_has_a_row():
    missing = {n for n in _our_url_names() if _is_ours(n)} - set(MATRIX)
    assert not missing, f"add these URL names to tests/permissions.py: {sorted(missing)}"


CASES = [(role, name, which) for name, (build, _) in sorted(MATRIX.items())
         for which in (("own", "other") if build else ("own",)) for role in ROLES]


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
        return [services.task_force_create(
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


def _args(build, project):
    if build in BUILDERS:
        return BUILDERS[build](build, project)
    if callable(build):  # a row's own builder (tests/permissions.py)
        return build(project)
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


@pytest.mark.parametrize(("role", "name", "which"), CASES)
def test_matrix(client, request, role, name, which, project_a, project_b):
    user = request.getfixturevalue(role)
    build, expect = MATRIX[name]
    target = project_a if which == "own" else project_b
    url = reverse(name, args=_args(build, target))
    client.force_login(user)
    assert client.get(url).status_code == expect(role, which), (role, name, which)
