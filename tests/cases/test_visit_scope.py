"""Visit pages show each unit its own instructions (issue 16, finding 6): an instruction
follows its own project, not the visit; the reader learns only how many others there are."""

from datetime import date

import pytest
from django.urls import reverse

from diaodu.cases import services
from diaodu.projects.models import Project

from ..factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(leader, dispatcher, project_a, project_b, street_b):
    second_a = ProjectFactory(name="林山寨二号项目", responsible_unit=project_a.responsible_unit,
                              street=project_a.street)
    visit = services.visit_create(
        actor=leader, visited_on=date(2022, 3, 30), kind="research", title="调研",
        leaders="区委书记", projects=[project_a, second_a, project_b],
        instructions=["各单位加快进度", ("林山寨抓紧交地", project_a),
                      ("须水协调电力迁改", project_b), ("须水尽快办证", project_b)],
        lead_user=leader, today=date(2022, 3, 30))
    convert = visit.instructions.get(text="须水协调电力迁改")
    services.instruction_to_case(actor=dispatcher, instruction=convert, lead_unit=street_b,
                                 due_workdays=10, category="demolition",
                                 today=date(2022, 3, 31))
    return visit


def test_reporter_reads_own_and_general_instructions_and_a_count(client, visit,
                                                                 street_a_reporter):
    client.force_login(street_a_reporter)
    body = client.get(reverse("cases:visit_detail", args=[visit.pk])).content.decode()
    assert "林山寨抓紧交地" in body and "各单位加快进度" in body
    assert "须水" not in body and "DB2022-" not in body
    assert "另有 2 条指示涉及其他单位的项目。" in body
    other = visit.instructions.get(text="须水尽快办证")
    assert client.get(reverse("cases:instruction_to_case", args=[other.pk])).status_code == 404


def test_each_instruction_once_for_the_district(client, visit, dispatcher):
    # Two of the visit's projects are in street A: the old rule joined through them.
    assert Project.objects.filter(street=visit.projects.first().street).count() == 2
    client.force_login(dispatcher)
    body = client.get(reverse("cases:visit_detail", args=[visit.pk])).content.decode()
    for text in ("各单位加快进度", "林山寨抓紧交地", "须水协调电力迁改", "须水尽快办证"):
        assert body.count(text) == 1, text
    assert "另有" not in body and "DB2022-0001" in body


def test_lead_unit_of_the_case_sees_its_instruction(client, visit, street_b_reporter):
    client.force_login(street_b_reporter)
    body = client.get(reverse("cases:visit_detail", args=[visit.pk])).content.decode()
    assert "须水协调电力迁改" in body and "DB2022-0001" in body and "林山寨" not in body.split(
        "领导指示")[-1]
