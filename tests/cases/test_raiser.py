"""The raiser always sees what they raised (issue 16, finding 8): a reporter's case waits for
a dispatcher without a lead unit, and the page it redirects to must open."""

import pytest
from django.urls import reverse

from diaodu.cases.models import Case

pytestmark = pytest.mark.django_db


def test_reporter_follows_the_case_they_raised(client, street_a_reporter, street_a_head,
                                               street_b_reporter, project_a):
    client.force_login(street_a_reporter)
    url = reverse("cases:create") + f"?project={project_a.pk}"
    response = client.post(url, {"kind": "problem", "title": "施工用电未接入", "detail": "",
                                 "category": "procedures", "source": "report",
                                 "priority": "normal"}, follow=True)
    case = Case.objects.get()
    assert case.lead_unit is None
    assert response.status_code == 200 and "施工用电未接入" in response.content.decode()
    assert "施工用电未接入" in client.get(reverse("cases:list")).content.decode()
    client.force_login(street_a_head)  # the raising unit's head, too
    assert client.get(case.get_absolute_url()).status_code == 200
    client.force_login(street_b_reporter)  # nobody else
    assert client.get(case.get_absolute_url()).status_code == 404
