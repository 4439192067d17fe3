"""The approval register's own pages (登记, 办结): the list no longer sends its keepers into
the admin. The service's refusal lands on the field it names; other roles get 404."""

from datetime import date

from django.urls import reverse

from diaodu.cases import services
from diaodu.cases.models import Approval

CREATE = reverse("cases:approval_create")


def test_the_list_links_its_keepers_to_the_pages_not_the_admin(client, dispatcher):
    services.approval_create(actor=dispatcher, item="施工许可", kind="approval",
                             received_on=date(2022, 3, 1))
    client.force_login(dispatcher)
    body = client.get(reverse("cases:approvals") + "?year=2022").content.decode()
    assert CREATE in body and "/admin/cases/approval/" not in body
    assert reverse("cases:approval_complete", args=[Approval.objects.get().pk]) in body


def test_register_and_complete_through_the_pages(client, dispatcher, project_a):
    client.force_login(dispatcher)
    response = client.post(CREATE, {"item": "施工许可", "kind": "approval",
                                     "received_on": "2022-03-01", "project": project_a.pk})
    assert response.status_code == 302
    approval = Approval.objects.get()
    assert (approval.project, approval.time_limit, approval.completed_on) == (project_a, 20, None)
    url = reverse("cases:approval_complete", args=[approval.pk])
    response = client.post(url, {"completed_on": "2022-03-29", "result": "approved",
                                 "document_no": "中发改〔2022〕7号"})
    assert response.status_code == 302
    approval.refresh_from_db()
    # 20 working days from 03-01 end on 03-29: completed on the last day is on time.
    assert (approval.completed_on, approval.workdays_used, approval.on_time) == (
        date(2022, 3, 29), 20, True)
    assert client.get(url).status_code == 302  # completed: final


def test_a_refusal_lands_on_its_field_and_saves_nothing(client, dispatcher):
    client.force_login(dispatcher)
    response = client.post(CREATE, {"item": "施工许可", "kind": "approval",
                                     "received_on": "2022-03-10", "completed_on": "2022-03-09",
                                     "result": "approved"})
    assert response.status_code == 200
    assert "早于受理日期" in str(response.context["form"].errors["completed_on"])
    assert not Approval.objects.exists()


def test_other_roles_do_not_find_the_pages(client, leader, street_a_reporter, dispatcher):
    approval = services.approval_create(actor=dispatcher, item="施工许可", kind="approval",
                                        received_on=date(2022, 3, 1))
    for user in (leader, street_a_reporter):
        client.force_login(user)
        assert client.get(CREATE).status_code == 404
        assert client.post(reverse("cases:approval_complete", args=[approval.pk]),
                           {"completed_on": "2022-03-02", "result": "approved"}
                           ).status_code == 404
    assert Approval.objects.get().completed_on is None
