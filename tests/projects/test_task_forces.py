"""Task forces (专班) in the projects app: written by the ledger keepers, audited through
core.saving.save_audited (every field on create; only what changed on update, many-to-many
as sorted keys), kept in the tables they were born with."""

import pytest

from diaodu.cases.models import Case
from diaodu.core.errors import Forbidden, UserError
from diaodu.core.models import AuditEvent
from diaodu.projects import services
from diaodu.projects.models import TaskForce

pytestmark = pytest.mark.django_db


def test_create_and_update_are_audited(dispatcher, drc, street_a, project_a, project_b,
                                       taskforce_member, leader):
    force = services.task_force_create(actor=dispatcher, name=" 落地服务专班 ", lead_unit=drc,
                                       members=[taskforce_member], projects=[project_b, project_a])
    created = AuditEvent.objects.get(action="task_force.create")
    assert created.object_type == "projects.taskforce" and created.object_id == str(force.pk)
    assert created.changes["name"] == "落地服务专班"
    assert created.changes["projects"] == sorted([project_a.pk, project_b.pk])
    services.task_force_update(actor=dispatcher, task_force=force, name="落地服务专班",
                               lead_unit=drc, members=[taskforce_member], projects=[project_a],
                               leader=leader, member_units=[street_a])
    changed = AuditEvent.objects.get(action="task_force.update").changes
    assert set(changed) == {"projects", "leader", "member_units"}
    assert changed["projects"] == [sorted([project_a.pk, project_b.pk]), [project_a.pk]]
    force.refresh_from_db()
    assert list(force.projects.all()) == [project_a] and force.leader == leader


def test_refusals_change_nothing(dispatcher, street_a_reporter, drc, project_a):
    services.task_force_create(actor=dispatcher, name="甲专班", lead_unit=drc, members=[],
                               projects=[project_a])
    with pytest.raises(UserError, match="已存在"):
        services.task_force_create(actor=dispatcher, name="甲专班", lead_unit=drc, members=[],
                                   projects=[])
    with pytest.raises(UserError, match="请填写专班名称"):
        services.task_force_create(actor=dispatcher, name="  ", lead_unit=drc, members=[],
                                   projects=[])
    with pytest.raises(Forbidden):
        services.task_force_create(actor=street_a_reporter, name="乙专班", lead_unit=drc,
                                   members=[], projects=[])
    assert TaskForce.objects.count() == 1


def test_the_tables_kept_their_names():
    assert TaskForce._meta.db_table == "cases_taskforce"
    assert {f.name: f.remote_field.through._meta.db_table
            for f in TaskForce._meta.many_to_many} == {
        "members": "cases_taskforce_members", "member_units": "cases_taskforce_member_units",
        "projects": "cases_taskforce_projects"}
    assert Case._meta.get_field("task_force").related_model is TaskForce
