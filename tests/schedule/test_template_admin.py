"""Dispatchers maintain schedule templates in the admin: the template, its activities and its
links are saved by one service call, all or nothing."""

from datetime import date

import pytest
from django.urls import reverse

from diaodu.core.models import AuditEvent
from diaodu.schedule import services
from diaodu.schedule.models import (
    Activity,
    MilestoneType,
    ScheduleTemplate,
    TemplateItem,
    TemplateLink,
)

pytestmark = pytest.mark.django_db


def post_data(template_fields, items, links, *, existing_items=(), existing_links=()):
    """The admin's POST: the template's fields and the two inline tables (prefixes items/links)."""
    data = dict(template_fields)
    for prefix, rows, existing in (("items", items, existing_items),
                                   ("links", links, existing_links)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(existing))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = "" if value is None else str(value)
    return data


def errors_in(response) -> str:
    """The admin's error texts, for a failing assertion's message."""
    errors = [form.errors for form in [response.context.get("adminform").form]]
    errors += [fs.formset.errors for fs in response.context.get("inline_admin_formsets", [])]
    return repr(errors)


@pytest.fixture
def types():
    return {t.name: t for t in MilestoneType.objects.all()}


def new_template(types, links):
    items = [{"position": 1, "milestone_type": types["施工许可"].pk, "duration": 10},
             {"position": 2, "milestone_type": types["开工"].pk, "duration": ""},
             {"position": 3, "milestone_type": types["竣工验收"].pk, "duration": 20}]
    return post_data({"code": "bridge", "name": "桥梁", "description": "示例", "active": "on"},
                     items, links)


def test_dispatcher_creates_a_template_that_applies(client, dispatcher, types, project_a):
    client.force_login(dispatcher)
    assert client.get(reverse("admin:schedule_scheduletemplate_add")).status_code == 200
    response = client.post(reverse("admin:schedule_scheduletemplate_add"), new_template(
        types, [{"predecessor": 1, "successor": 2, "kind": "FS", "lag": 0},
                {"predecessor": 2, "successor": 3, "kind": "SS", "lag": 5}]))
    assert response.status_code == 302, errors_in(response)
    template = ScheduleTemplate.objects.get(code="bridge")
    assert [(i.position, i.milestone_type.name, i.duration) for i in template.items.all()] == [
        (1, "施工许可", 10), (2, "开工", None), (3, "竣工验收", 20)]
    assert list(template.links.values_list("predecessor", "successor", "kind", "lag")) == [
        (1, 2, "FS", 0), (2, 3, "SS", 5)]
    event = AuditEvent.objects.get(action="schedule_template.save")
    assert event.actor == dispatcher and "2→3 SS+5" in str(event.changes)
    services.schedule_apply_template(actor=dispatcher, project=project_a, template=template,
                                     start_on=date(2026, 3, 2), today=date(2026, 3, 2))
    activities = {a.name: a for a in Activity.objects.filter(project=project_a)}
    assert activities["开工"].duration == types["开工"].default_duration
    # SS+5: completion starts five working days after the start of works.
    assert (activities["竣工验收"].early_start - activities["开工"].early_start).days >= 5


@pytest.mark.parametrize(("second_link", "messages"), [
    ((2, 1, "FS", 0), ["节点关系形成循环", "1. 施工许可 → 2. 开工 → 1. 施工许可"]),
    ((3, 9, "FS", 0), ["模板关系第 2 行：没有序号为 9 的节点"]),
    ((3, 3, "SS", 0), ["模板关系第 2 行：节点不能与自身建立关系"]),
    ((2, 3, "FS", 6000), ["模板关系第 2 行：关系类型应为FS、SS、FF或SF"]),
])
def test_a_bad_link_is_refused_naming_it_and_nothing_is_saved(client, dispatcher, types,
                                                               second_link, messages):
    client.force_login(dispatcher)
    predecessor, successor, kind, lag = second_link
    response = client.post(reverse("admin:schedule_scheduletemplate_add"), new_template(
        types, [{"predecessor": 1, "successor": 2, "kind": "FS", "lag": 0},
                {"predecessor": predecessor, "successor": successor, "kind": kind,
                 "lag": lag}]))
    assert response.status_code == 200
    for message in messages:
        assert message in response.content.decode()
    assert not ScheduleTemplate.objects.filter(code="bridge").exists()
    assert not AuditEvent.objects.filter(action="schedule_template.save").exists()


def test_editing_replaces_rows_and_swapping_positions_works(client, dispatcher):
    template = ScheduleTemplate.objects.get(code="road")
    items = list(template.items.order_by("position"))
    links = list(template.links.all())
    first, second = items[0], items[1]
    rows = [{"id": i.pk, "template": template.pk, "position": i.position,
             "milestone_type": i.milestone_type_id,
             "duration": "" if i.duration is None else i.duration} for i in items]
    # Swap the first two positions and lengthen the second; drop every link but the first.
    rows[0]["position"], rows[1]["position"] = second.position, first.position
    rows[1]["duration"] = 99
    link_rows = [{"id": lk.pk, "template": template.pk, "predecessor": lk.predecessor,
                  "successor": lk.successor, "kind": lk.kind, "lag": lk.lag,
                  **({"DELETE": "on"} if n else {})} for n, lk in enumerate(links)]
    client.force_login(dispatcher)
    response = client.post(
        reverse("admin:schedule_scheduletemplate_change", args=[template.pk]),
        post_data({"code": "road", "name": template.name, "active": "on"}, rows, link_rows,
                  existing_items=items, existing_links=links))
    assert response.status_code == 302, errors_in(response)
    stored = {i.milestone_type_id: (i.position, i.duration) for i in template.items.all()}
    assert stored[first.milestone_type_id][0] == second.position
    assert stored[second.milestone_type_id] == (first.position, 99)
    assert TemplateLink.objects.filter(template=template).count() == 1
    assert TemplateItem.objects.filter(template=template).count() == len(items)


def test_leader_reads_a_template_without_editing(client, leader):
    client.force_login(leader)
    template = ScheduleTemplate.objects.get(code="road")
    page = client.get(reverse("admin:schedule_scheduletemplate_change", args=[template.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name"' not in html and 'name="items-0-position"' not in html


@pytest.mark.parametrize("user", ["street_a_reporter", "leader"])
def test_others_cannot_change_templates(client, request, user, types):
    client.force_login(request.getfixturevalue(user))
    template = ScheduleTemplate.objects.get(code="road")
    response = client.post(reverse("admin:schedule_scheduletemplate_add"),
                           new_template(types, []))
    assert response.status_code == 403
    change = reverse("admin:schedule_scheduletemplate_change", args=[template.pk])
    assert client.post(change, {"code": "road", "name": "改名"}).status_code == 403
    assert ScheduleTemplate.objects.get(pk=template.pk).name != "改名"
    assert not ScheduleTemplate.objects.filter(code="bridge").exists()
