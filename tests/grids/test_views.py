"""Grid pages: the register, a grid's page, map, sizing, training, the Excel register and the
boundary upload — scoped (a street centre its street, a grid worker their grid) with pinned
query counts."""

import io
import json
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from diaodu.grids import geo, services
from diaodu.grids.models import DutyType

from .conftest import square

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(world):
    head = services.worker_save(actor=None, grid=world.a1, name="张敏", is_head=True)
    services.worker_save(actor=None, grid=world.a2, name="李强", kind="part_time")
    services.training_record_add(actor=None, worker=head, course="网格事件上报规范",
                                 held_on=date(2023, 2, 1), hours="24")
    services.grid_duty_set(actor=None, grid=world.a1, duty=DutyType.objects.get(code="party"),
                           person="张敏")
    services.grid_boundary_set(actor=None, unit=world.a1, geometry=square(113.60, 34.75))
    services.grid_boundary_set(actor=None, unit=world.a2, geometry=square(113.61, 34.75))
    services.grid_boundary_set(actor=None, unit=world.b1, geometry=square(113.50, 34.75))
    return world


def _names(response):
    return {r.unit.name for r in response.context["rows"]}


def test_each_sees_the_grids_of_their_own_place(client, staffed, street_a_head, leader):
    w = staffed
    expected = {w.street_a_ops: {"第一网格", "第二网格"}, w.street_b_ops: {"须水第一网格"},
                w.worker_a1: {"第一网格"}, w.district_ops: {"第一网格", "第二网格", "须水第一网格"},
                street_a_head: {"第一网格", "第二网格"},
                leader: {"第一网格", "第二网格", "须水第一网格"}}
    for user, names in expected.items():
        client.force_login(user)
        assert _names(client.get(reverse("grids:list"))) == names, user
    client.force_login(w.street_a_ops)
    assert client.get(reverse("grids:detail", args=[w.b1.pk])).status_code == 404
    client.force_login(w.worker_a1)
    assert client.get(reverse("grids:detail", args=[w.a2.pk])).status_code == 404
    page = client.get(reverse("grids:detail", args=[w.a1.pk]))
    assert page.status_code == 200 and "张敏" in page.content.decode()


def test_register_query_count_does_not_grow_with_grids(client, staffed,
                                                       django_assert_num_queries):
    client.force_login(staffed.district_ops)
    client.get(reverse("grids:list"))  # sessions, settings row
    with django_assert_num_queries(12):
        client.get(reverse("grids:list"))
    for n in range(5):
        services.grid_create(actor=None, parent=staffed.community_b, name=f"新网格{n}",
                             households=300)
    with django_assert_num_queries(12):
        client.get(reverse("grids:list"))


def test_grid_page_shows_profile_duties_workers_training_and_flag(client, staffed):
    client.force_login(staffed.street_a_ops)
    body = client.get(reverse("grids:detail", args=[staffed.a2.pk]) + "?year=2023") \
        .content.decode()
    assert "偏小" in body and "李强" in body and "未达标" in body
    body = client.get(reverse("grids:detail", args=[staffed.a1.pk]) + "?year=2023") \
        .content.decode()
    assert "党建" in body and "达标" in body and "<svg" in body


def test_sizing_page_lists_grids_outside_the_standard_with_suggestions(client, staffed):
    client.force_login(staffed.district_ops)
    body = client.get(reverse("grids:sizing")).content.decode()
    # a2 (180) touches a1 (420): merge; b1 (650) splits into ceil(650/500) = 2.
    assert "与“第一网格”合并（合并后 600 户）" in body
    assert "拆分为 2 个网格" in body
    client.force_login(staffed.street_a_ops)
    assert "须水第一网格" not in client.get(reverse("grids:sizing")).content.decode()


def test_training_page_checks_the_yearly_minimum(client, staffed):
    client.force_login(staffed.street_a_ops)
    response = client.get(reverse("grids:training") + "?year=2023")
    rows = {r.worker.name: r for r in response.context["rows"]}
    assert rows["张敏"].ok and not rows["李强"].ok and response.context["short"] == 1
    assert not client.get(reverse("grids:training") + "?year=2022").context["rows"][0].ok


def test_map_draws_boundaries_heat_and_points(client, staffed, django_assert_num_queries):
    def points(grids):
        ids = {g.pk for g in grids}
        return [geo.MapPoint(34.755, 113.605, staffed.a1.pk, "占道经营", "/events/1/"),
                geo.MapPoint(34.756, 113.606, None, "垃圾堆放", ""),
                geo.MapPoint(34.755, 113.505, staffed.b1.pk, "井盖缺失", "")][
            : 3 if staffed.b1.pk in ids else 2]

    geo.register_points(points)
    try:
        client.force_login(staffed.street_a_ops)
        response = client.get(reverse("grids:map"))
        body = response.content.decode()
        assert response.context["grids"] == 2 and response.context["points"] == 2
        assert response.context["top"] == 2  # both points fall in 第一网格
        assert reverse("grids:detail", args=[staffed.a1.pk]) in body
        assert 'href="/events/1/"' in body and "<circle" in body
        client.force_login(staffed.district_ops)
        assert client.get(reverse("grids:map")).context["grids"] == 3
    finally:
        geo.POINT_SOURCES.remove(points)


def test_excel_register_in_the_street_office_layout(client, staffed):
    client.force_login(staffed.district_ops)
    response = client.get(reverse("grids:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[1][:6] == ["序号", "街道", "社区", "网格", "户数", "人口"]
    assert rows[2][2] == "一、阳光花苑社区" and rows[2][4] == 600
    assert rows[-1][0] == "合计" and rows[-1][4] == 1250 and rows[-1][5] == 3600


def test_boundary_upload_for_keepers_only(client, staffed, tmp_path):
    client.force_login(staffed.worker_a1)
    assert client.get(reverse("grids:boundaries")).status_code == 404
    client.force_login(staffed.street_a_ops)
    assert client.get(reverse("grids:boundaries")).status_code == 200
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "第二网格"},
         "geometry": square(113.62, 34.75)}]}
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "grids.geojson"
    response = client.post(reverse("grids:boundaries"), {"file": upload}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "已导入边界：社区 0 个，网格 1 个，微网格 0 个。"]
    bad = io.BytesIO(b"{}")
    bad.name = "bad.geojson"
    response = client.post(reverse("grids:boundaries"), {"file": bad}, follow=True)
    assert "FeatureCollection" in str(list(response.context["messages"])[-1])
