"""Permission-matrix rows and argument builders for grid governance (tests/permissions.py
takes them in). The `own` grid lies in street A (the matrix project's street), `other` in
street B. Street A's head sees its street's grids (subtree); its reporter sees the street
office's own unit only, so no grid; the task-force member and the three administrators see no
grids. The street and district centres and grid workers are not matrix roles: their scope is
tested in tests/grids/test_views.py."""

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
SEE_ALL = {"dispatcher", "stats_user", "leader"}
ALL_ROLES = {"street_a_reporter", "street_a_head", "dispatcher", "stats_user", "leader",
             "taskforce_member", "sysadmin", "secadmin", "auditor"}
# Roles with a unit reach: they open the grid lists (what is listed is scoped).
UNIT_REACH = SEE_ALL | {"street_a_reporter", "street_a_head"}


def grid_object(seen=OK):
    def expect(role, which):
        if role in SEE_ALL or (role == "street_a_head" and which == "own"):
            return seen
        return NOT_FOUND
    return expect


def everyone(role, which):
    return OK


def nobody_adds(role, which):
    return FORBIDDEN  # the keepers (street and district centres) are not matrix roles


def scoped_list(role, which):
    return OK if role in UNIT_REACH else FORBIDDEN


ROWS = {
    "grids:list": (None, everyone),
    "grids:export": (None, everyone),
    "grids:map": (None, everyone),
    "grids:sizing": (None, everyone),
    "grids:training": (None, everyone),
    "grids:boundaries": (None, lambda role, which: NOT_FOUND),
    "grids:detail": ("grid", grid_object()),
}
for _model, _build, _list in (("gridprofile", "grid_profile", scoped_list),
                              ("gridworker", "grid_worker", scoped_list),
                              ("gridduty", "grid_duty", scoped_list),
                              ("trainingrecord", "training_record", scoped_list),
                              ("dutytype", "duty_type", everyone),
                              ("gridsettings", "grid_settings", everyone)):
    _public = _list is everyone
    ROWS[f"admin:grids_{_model}_changelist"] = (None, _list)
    ROWS[f"admin:grids_{_model}_add"] = (None, nobody_adds)
    ROWS[f"admin:grids_{_model}_change"] = (_build, everyone if _public else grid_object())
    ROWS[f"admin:grids_{_model}_history"] = (_build, everyone if _public else grid_object())
    ROWS[f"admin:grids_{_model}_delete"] = (
        _build, nobody_adds if _public else grid_object(FORBIDDEN))

BUILDS = ("grid", "grid_profile", "grid_worker", "grid_duty", "training_record", "duty_type",
          "grid_settings")


def _grid(street):
    from diaodu.core.models import OrgUnit, UnitKind
    from diaodu.grids import services

    from ..factories import unit

    community = OrgUnit.objects.filter(path__startswith=street.path,
                                       kind=UnitKind.COMMUNITY).first() or \
        unit(f"{street.code}901", f"{street.name}社区", UnitKind.COMMUNITY, street)
    return OrgUnit.objects.filter(path__startswith=community.path, kind=UnitKind.GRID).first() \
        or services.grid_create(actor=None, parent=community, name=f"{community.name}第一网格",
                                households=400, population=1100)


def build(name, project):
    from datetime import date

    from diaodu.grids import services
    from diaodu.grids.models import DutyType, GridDuty, GridWorker, TrainingRecord

    grid = _grid(project.street)
    if name in ("grid", "grid_profile"):
        return [grid.pk if name == "grid" else grid.grid_profile.pk]
    if name == "duty_type":
        return [DutyType.objects.order_by("pk").first().pk]
    if name == "grid_settings":
        return [services.settings_get().pk]
    worker = GridWorker.objects.filter(grid=grid).first() or \
        services.worker_save(actor=None, grid=grid, name="网格员甲", is_head=True)
    if name == "grid_worker":
        return [worker.pk]
    if name == "grid_duty":
        duty = GridDuty.objects.filter(grid=grid).first() or services.grid_duty_set(
            actor=None, grid=grid, duty=DutyType.objects.get(code="party"), person="网格员甲")
        return [duty.pk]
    record = TrainingRecord.objects.filter(worker=worker).first() or \
        services.training_record_add(actor=None, worker=worker, course="网格化管理实务",
                                     held_on=date(2022, 3, 1), hours="8")
    return [record.pk]
