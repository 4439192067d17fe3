"""A project's site point: decimal degrees, both or neither, in range (boundaries included)."""

from decimal import Decimal

import pytest

from diaodu.core.errors import UserError
from diaodu.projects import services


def update(project, **changes):
    return services.project_update(actor=None, project=project, expected_version=None,
                                   **changes)


def test_point_is_stored_to_six_places(project_a):
    project = update(project_a, latitude="34.7481234", longitude=" 113.6053 ")
    project.refresh_from_db()
    assert project.point == (Decimal("34.748123"), Decimal("113.605300"))


@pytest.mark.parametrize(("lat", "lon"), [("90", "180"), ("-90", "-180"), ("0", "0")])
def test_range_boundaries_are_accepted(project_a, lat, lon):
    assert update(project_a, latitude=lat, longitude=lon).point == (Decimal(lat), Decimal(lon))


@pytest.mark.parametrize(("field", "value"), [("latitude", "90.000001"),
                                              ("latitude", "-90.000001"),
                                              ("longitude", "180.000001"),
                                              ("longitude", "abc"), ("latitude", "NaN"),
                                              ("latitude", "Infinity")])
def test_out_of_range_or_not_a_number_is_refused(project_a, field, value):
    other = "longitude" if field == "latitude" else "latitude"
    with pytest.raises(UserError) as refused:
        update(project_a, **{field: value, other: "34"})
    assert refused.value.field == field and "十进制度数" in refused.value.message
    project_a.refresh_from_db()
    assert project_a.point is None


def test_half_a_point_is_refused(project_a):
    with pytest.raises(UserError) as refused:
        update(project_a, latitude="34.7")
    assert refused.value.code == "project.point_incomplete"
    assert refused.value.field == "longitude"


def test_point_can_be_cleared(project_a):
    update(project_a, latitude="34.7", longitude="113.6")
    assert update(project_a, latitude="", longitude=None).point is None


def test_admin_form_edits_the_point(client, dispatcher, project_a):
    from django.urls import reverse

    client.force_login(dispatcher)
    url = reverse("admin:projects_project_change", args=[project_a.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "stage"}
    data.update(latitude="95", longitude="113.6", expected_version=project_a.version,
                category=project_a.category_id, responsible_unit=project_a.responsible_unit_id,
                street=project_a.street_id or "")
    response = client.post(url, data)
    errors = response.context["adminform"].form.errors
    assert response.status_code == 200 and "十进制度数" in str(errors.get("latitude")), errors


def test_admin_form_refuses_half_a_point(client, dispatcher, project_a):
    from django.urls import reverse

    client.force_login(dispatcher)
    url = reverse("admin:projects_project_change", args=[project_a.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "stage"}
    data.update(latitude="34.75", longitude="", expected_version=project_a.version,
                category=project_a.category_id, responsible_unit=project_a.responsible_unit_id,
                street=project_a.street_id or "")
    errors = client.post(url, data).context["adminform"].form.errors
    assert "同时填写" in str(errors.get("longitude")), errors
    data.update(longitude="113.6")
    assert client.post(url, data).status_code == 302
    project_a.refresh_from_db()
    assert project_a.point == (Decimal("34.750000"), Decimal("113.600000"))
