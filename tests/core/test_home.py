"""The address people type (/) opens where their role starts the day."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("user", "page"), [
    ("leader", "dashboard:index"), ("dispatcher", "dashboard:index"),
    ("street_a_reporter", "projects:list"), ("street_a_head", "projects:list"),
])
def test_home_opens_the_roles_start_page(client, request, user, page):
    client.force_login(request.getfixturevalue(user))
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse(page)
    assert client.get(response.url).status_code == 200


def test_home_sends_visitors_to_sign_in(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
