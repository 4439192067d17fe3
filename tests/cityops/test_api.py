"""The events API and Open311 GeoReport v2 for the grid roles: report, list, act; another
street's event is 404; a step out of order 400 naming the stage."""

import json

import pytest

from diaodu.cityops.models import Event

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_grid_worker_reports_and_sees_it(client, categories, worker_a, grid_a,
                                         django_assert_max_num_queries):
    client.force_login(worker_a)
    made = post(client, f"{API}/events", {"grid": grid_a.pk, "category": "S0105",
                                          "detail": "楼道口垃圾堆放", "address": "3号楼"})
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["stage"] == "reported" and data["allowed_steps"] == []
    with django_assert_max_num_queries(12):
        listed = client.get(f"{API}/events")
    assert [e["id"] for e in listed.json()["items"]] == [data["id"]]


def test_unknown_category_is_400_and_nothing_stored(client, categories, worker_a, grid_a):
    client.force_login(worker_a)
    response = post(client, f"{API}/events", {"grid": grid_a.pk, "category": "NOPE",
                                              "detail": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "event.category_unknown"
    assert Event.objects.count() == 0


def test_another_streets_grid_refused(client, categories, worker_a, grid_b):
    client.force_login(worker_a)
    response = post(client, f"{API}/events", {"grid": grid_b.pk, "category": "S0502",
                                              "detail": "摆摊"})
    assert response.status_code == 400 and response.json()["field"] == "grid"


def test_street_centre_acts_other_street_gets_404(client, event_a, ops_a, ops_b):
    client.force_login(ops_b)
    assert client.get(f"{API}/events/{event_a.pk}").status_code == 404
    assert post(client, f"{API}/events/{event_a.pk}/act",
                {"step": "accept", "expected_version": 1}).status_code == 404
    client.force_login(ops_a)
    late = post(client, f"{API}/events/{event_a.pk}/act",
                {"step": "close", "expected_version": 1})
    assert late.status_code == 400 and "待立案" in late.json()["message"]
    ok = post(client, f"{API}/events/{event_a.pk}/act",
              {"step": "accept", "expected_version": 1})
    assert ok.status_code == 200 and ok.json()["stage"] == "accepted"
    assert "dispatch" in ok.json()["allowed_steps"]


def test_open311_services_and_requests(client, event_a, worker_a, grid_a):
    client.force_login(worker_a)
    services = client.get(f"{API}/open311/v2/services.json").json()
    codes = {s["service_code"] for s in services}
    assert {"S0502", "B0101", "FX01"} <= codes
    made = client.post(f"{API}/open311/v2/requests.json",
                       data={"service_code": "B0101", "description": "井盖缺失，有行人坠落风险",
                             "address_string": "秦岭路口", "api_key": "ignored"})
    assert made.status_code == 201, made.content
    new_id = made.json()[0]["service_request_id"]
    event = Event.objects.get(pk=int(new_id))
    assert event.grid == grid_a and event.source == "open311"
    one = client.get(f"{API}/open311/v2/requests/{new_id}.json").json()
    assert one[0]["status"] == "open" and one[0]["service_code"] == "B0101"
    listed = client.get(f"{API}/open311/v2/requests.json?start_date=2020-01-01T00:00:00%2B08:00"
                        "&status=open").json()
    assert {r["service_request_id"] for r in listed} >= {new_id}


def test_open311_missing_description_is_400(client, categories, worker_a):
    client.force_login(worker_a)
    response = client.post(f"{API}/open311/v2/requests.json", data={"service_code": "S0502"})
    assert response.status_code == 400 and response.json()["field"] == "description"
    assert Event.objects.count() == 0
