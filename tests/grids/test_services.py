"""Grid services: who may keep which grid, bad input refused with Chinese messages naming the
field, boundaries validated with shapely, GeoJSON all or nothing, locate and grid_contains."""

from datetime import date
from decimal import Decimal

import pytest

from diaodu.core.errors import Forbidden, NotFound, UserError
from diaodu.core.models import AuditEvent, OrgUnit, UnitKind
from diaodu.grids import geo, geojson, services
from diaodu.grids.models import DutyType, GridProfile, GridWorker, TrainingRecord

from ..factories import unit
from .conftest import square

pytestmark = pytest.mark.django_db


def test_a_grid_comes_with_its_profile_however_it_is_added(world):
    assert world.a1.grid_profile.households == 420
    micro = services.grid_create(actor=world.street_a_ops, parent=world.a1, name="1号微网格",
                                 kind=UnitKind.MICRO_GRID, households=60)
    assert micro.kind == UnitKind.MICRO_GRID and micro.path.startswith(world.a1.path)
    assert micro.code.startswith(world.a1.code + "M")
    added = unit("X1", "管理员加的网格", UnitKind.GRID, world.community_a)
    assert GridProfile.objects.filter(unit=added).exists()


def test_a_street_centre_keeps_only_its_own_street_s_grids(world):
    services.grid_profile_update(actor=world.street_a_ops, grid=world.a1, households=430,
                                 population=1210)
    with pytest.raises(NotFound):
        services.grid_profile_update(actor=world.street_a_ops, grid=world.b1, households=1,
                                     population=1)
    with pytest.raises(Forbidden):
        services.grid_profile_update(actor=world.worker_a1, grid=world.a1, households=1,
                                     population=1)
    services.grid_profile_update(actor=world.district_ops, grid=world.b1, households=640,
                                 population=1900)
    assert AuditEvent.objects.filter(action="grid.profile_update").count() == 2


def test_bad_counts_and_parents_are_refused_naming_the_field(world):
    with pytest.raises(UserError) as bad:
        services.grid_profile_update(actor=None, grid=world.a1, households=-1, population=0)
    assert bad.value.field == "households" and "户数" in bad.value.message
    with pytest.raises(UserError) as bad:
        services.grid_create(actor=None, parent=world.a1, name="错位网格")
    assert bad.value.code == "grid.parent_invalid" and "社区" in bad.value.message
    with pytest.raises(UserError) as bad:
        services.grid_create(actor=None, parent=world.community_a, name="第一网格")
    assert bad.value.code == "grid.name_duplicate"
    assert world.a1.grid_profile.households == 420


def test_settings_are_the_district_centre_s_and_checked(world):
    with pytest.raises(Forbidden):
        services.settings_update(actor=world.street_a_ops, grid_min=300, grid_max=500,
                                 micro_min=50, micro_max=70, training_hours="24")
    with pytest.raises(UserError) as bad:
        services.settings_update(actor=world.district_ops, grid_min=600, grid_max=500,
                                 micro_min=50, micro_max=70, training_hours="24")
    assert bad.value.field == "grid_max"
    row = services.settings_update(actor=world.district_ops, grid_min=250, grid_max=450,
                                   micro_min=40, micro_max=80, training_hours="30.5")
    assert (row.grid_min, row.grid_max, row.training_hours) == (250, 450, Decimal("30.5"))


def test_one_head_per_grid_and_duties_with_their_person(world):
    first = services.worker_save(actor=world.street_a_ops, grid=world.a1, name="张敏",
                                 is_head=True)
    second = services.worker_save(actor=world.street_a_ops, grid=world.a1, name="李强",
                                  kind="part_time", is_head=True)
    first.refresh_from_db()
    assert not first.is_head and second.is_head
    with pytest.raises(UserError) as bad:
        services.worker_save(actor=world.street_a_ops, grid=world.a1, name="张敏")
    assert bad.value.code == "grid.worker_duplicate"
    party = DutyType.objects.get(code="party")
    duty = services.grid_duty_set(actor=world.street_a_ops, grid=world.a1, duty=party,
                                  person="", worker=second)
    assert duty.person == "李强"
    again = services.grid_duty_set(actor=world.street_a_ops, grid=world.a1, duty=party,
                                   person="王芳", phone="13800000000")
    assert again.pk == duty.pk and again.person == "王芳"
    with pytest.raises(UserError):
        services.grid_duty_set(actor=world.street_a_ops, grid=world.a2, duty=party,
                               person="", worker=second)


def test_training_hours_are_checked(world):
    worker = services.worker_save(actor=None, grid=world.a1, name="张敏")
    for hours in ("0", "200.1", "abc"):
        with pytest.raises(UserError):
            services.training_record_add(actor=world.street_a_ops, worker=worker, course="课",
                                         held_on=date(2023, 3, 1), hours=hours)
    record = services.training_record_add(actor=world.street_a_ops, worker=worker,
                                           course="网格事件上报规范", held_on=date(2023, 3, 1),
                                           hours="4.5")
    assert record.hours == Decimal("4.5") and TrainingRecord.objects.count() == 1
    assert GridWorker.objects.get().trainings.count() == 1


def test_boundary_must_be_a_valid_polygon_inside_the_community(world):
    services.grid_boundary_set(actor=None, unit=world.community_a,
                               geometry=square(113.6, 34.75, 0.02))
    bow_tie = {"type": "Polygon", "coordinates": [[[113.6, 34.75], [113.61, 34.76],
                                                   [113.61, 34.75], [113.6, 34.76],
                                                   [113.6, 34.75]]]}
    for geometry, code in ((bow_tie, "grid.polygon_invalid"),
                           ({"type": "Point", "coordinates": [113.6, 34.75]},
                            "grid.polygon_type"),
                           (square(113.7, 34.75), "grid.boundary_outside"),
                           (square(34.75, 113.6), "grid.polygon_range")):
        with pytest.raises(UserError) as bad:
            services.grid_boundary_set(actor=None, unit=world.a1, geometry=geometry)
        assert bad.value.code == code and "第一网格" in bad.value.message
    profile = services.grid_boundary_set(actor=None, unit=world.a1,
                                         geometry=square(113.6, 34.75))
    # 0.01° × 0.01° at 34.75°N: about 1.11 km × 0.91 km.
    assert Decimal("0.99") < profile.area_km2 < Decimal("1.04")


def _collection(*features):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geometry}
        for props, geometry in features]}


def test_geojson_import_is_all_or_nothing_and_names_each_feature(world):
    bad = _collection(({"name": "第一网格"}, square(113.6, 34.75)),
                      ({"name": "第二网格"}, {"type": "Polygon", "coordinates": [[[1, 1]]]}),
                      ({"name": "不存在的网格"}, square(113.62, 34.75)),
                      ({"code": world.b1.code}, square(113.5, 34.75)))
    with pytest.raises(UserError) as problem:
        geojson.geojson_import(actor=world.street_a_ops, data=bad)
    message = problem.value.message
    assert "第 2 个要素（第二网格）" in message and "第 3 个要素（不存在的网格）" in message
    # Street B's grid is outside street A's scope: not found, like a name that does not exist.
    assert "第 4 个要素" in message
    assert not GridProfile.objects.filter(polygon__isnull=False).exists()
    counts = geojson.geojson_import(actor=world.street_a_ops, sample=True, data=_collection(
        ({"name": "阳光花苑社区"}, square(113.6, 34.75, 0.02)),
        ({"name": "第一网格"}, square(113.6, 34.75)),
        ({"code": world.a2.code}, square(113.61, 34.75))))
    assert counts == {"community": 1, "grid": 2, "micro_grid": 0}
    assert GridProfile.objects.get(unit=world.a1).polygon_sample
    for data in (b"not json", b'{"type": "Feature"}', b'{"type": "FeatureCollection", '
                                                      b'"features": []}'):
        with pytest.raises(UserError):
            geojson.geojson_import(actor=world.street_a_ops, data=data)


def test_locate_and_grid_contains(world):
    services.grid_boundary_set(actor=None, unit=world.a1, geometry=square(113.60, 34.75))
    services.grid_boundary_set(actor=None, unit=world.a2, geometry=square(113.61, 34.75))
    assert geo.locate(34.755, 113.605) == world.a1
    assert geo.locate(34.755, 113.615) == world.a2
    assert geo.locate(34.9, 113.9) is None
    # On the shared edge: the same grid every time (tree order).
    assert geo.locate(34.755, 113.61) == world.a1
    assert geo.grid_contains(world.a1, 34.755, 113.605)
    assert not geo.grid_contains(world.a1, 34.755, 113.615)
    assert not geo.grid_contains(world.b1, 34.755, 113.605)   # no boundary yet
    # A boundary changed: the index follows.
    services.grid_boundary_set(actor=None, unit=world.a1, geometry=square(113.70, 34.75))
    assert geo.locate(34.755, 113.605) is None
    assert OrgUnit.objects.get(pk=world.a1.pk).grid_profile.min_lon == pytest.approx(113.70)
