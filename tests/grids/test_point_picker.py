"""The project's point picked on the grid map (core/point_picker.py, grids/picker.py,
projects/picker.py): the map and its projection on the project's edit page for those who may
edit it, and the page's click script (run here in Node) gives the point Frame.lonlat gives."""

import json
import re
import subprocess
from decimal import Decimal
from shutil import which

import pytest
from django.urls import reverse

from diaodu.grids import mapsvg, services
from diaodu.projects.models import Project
from diaodu.projects.picker import PICK

from .conftest import square

pytestmark = pytest.mark.django_db
SQUARE = [[(113.60, 34.75), (113.62, 34.75), (113.62, 34.77), (113.60, 34.77), (113.60, 34.75)]]


def test_lonlat_inverts_xy_within_the_rounding_of_a_tenth_of_a_pixel():
    frame = mapsvg.frame([mapsvg.Shape(1, "甲", SQUARE)], [], 640)
    for lon, lat in ((113.60, 34.75), (113.6137, 34.7622), (113.62, 34.77)):
        back_lon, back_lat = frame.lonlat(*frame.xy(lon, lat))
        assert abs(back_lon - lon) <= 0.06 / frame.scale_x
        assert abs(back_lat - lat) <= 0.06 / frame.scale_y
    assert frame.lonlat(frame.pad, frame.height - frame.pad) == (113.60, 34.75)


@pytest.fixture
def bounded(world):
    services.grid_boundary_set(actor=None, unit=world.a1, geometry=square(113.60, 34.75))
    services.grid_boundary_set(actor=None, unit=world.b1, geometry=square(113.62, 34.76))
    return world


def _page(client, user, project):
    client.force_login(user)
    return client.get(reverse("admin:projects_project_change", args=[project.pk])).content\
        .decode()


def _data(page):
    found = re.search(r'<div class="cursor-crosshair[^>]*?((?:data-\w+="[^"]*"\s*)+)', page)
    assert found, "no picker on the page"
    return dict(re.findall(r'data-(\w+)="([^"]*)"', found.group(1)))


def test_the_editor_gets_the_map_with_its_projection_and_the_point_marked(
        client, bounded, dispatcher, project_a):
    Project.objects.filter(pk=project_a.pk).update(latitude=Decimal("34.755"),
                                                   longitude=Decimal("113.605"))
    page = _page(client, dispatcher, project_a)
    data = _data(page)
    assert data["lat"] == "id_latitude" and data["lon"] == "id_longitude"
    assert "第一网格" in page and "须水第一网格" in page and "<circle" in page
    assert "在地图上点击即可填入纬度和经度" in page
    assert float(data["width"]) == 640 and float(data["pad"]) == 10.0


def test_who_only_reads_the_project_gets_no_picker(client, bounded, leader, project_a):
    page = _page(client, leader, project_a)
    assert "cursor-crosshair" not in page and "id_latitude" not in page


def test_without_grid_boundaries_the_point_is_typed(client, world, dispatcher, project_a):
    page = _page(client, dispatcher, project_a)
    assert "cursor-crosshair" not in page and 'id="id_latitude"' in page


@pytest.mark.skipif(which("node") is None, reason="Node.js runs the page's click script")
def test_the_click_script_gives_the_point_frame_lonlat_gives(client, bounded, dispatcher,
                                                            project_a):
    data = _data(_page(client, dispatcher, project_a))
    frame = mapsvg.Frame(float(data["lon0"]), float(data["lat0"]), float(data["sx"]),
                         float(data["sy"]), float(data["height"]), float(data["pad"]))
    # The map drawn at half size: a click at (x/2, y/2) on screen is (x, y) on the map.
    script = f"""
const fields = {{id_latitude: {{}}, id_longitude: {{}}}};
globalThis.document = {{getElementById: (id) => fields[id]}};
const picker = ({PICK});
const el = {{dataset: {json.dumps(data)},
            getBoundingClientRect: () => ({{left: 100, top: 50,
                                            width: {float(data["width"])} / 2,
                                            height: {float(data["height"])} / 2}})}};
picker.pick({{clientX: 100 + 250 / 2, clientY: 50 + 120 / 2}}, el);
console.log(JSON.stringify([fields.id_latitude.value, fields.id_longitude.value]));
"""
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30,
                         check=True).stdout
    lat, lon = json.loads(out)
    want_lon, want_lat = frame.lonlat(250, 120)
    assert lat == f"{want_lat:.6f}" and lon == f"{want_lon:.6f}"
    # The values land in the form as typed ones would: the point is saved.
    response = client.post(reverse("admin:projects_project_change", args=[project_a.pk]),
                           _form_data(client, project_a, lat=lat, lon=lon))
    assert response.status_code == 302, response.content.decode()[:3000]
    project_a.refresh_from_db()
    assert project_a.point == (Decimal(lat), Decimal(lon))


def _form_data(client, project, *, lat, lon):
    page = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = "on" if value is True else ("" if value is False else value)
    data = {k: v for k, v in data.items() if v != ""}
    data.update(latitude=lat, longitude=lon)
    return data
