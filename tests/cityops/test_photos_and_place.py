"""Photos on an event through the photo core, and the checks of where: EXIF missing flags,
GPS from the photo, a point outside the grid's boundary flags; a refused photo stores no
event."""

from datetime import datetime

import pytest

from diaodu.cases.models import Case
from diaodu.cityops import services
from diaodu.core.errors import UserError
from diaodu.core.models import Photo
from diaodu.grids.models import GridProfile
from tests.photo_images import jpeg, upload

pytestmark = pytest.mark.django_db

# A small square grid near 林山寨 (lon 113.60–113.61, lat 34.75–34.76).
SQUARE = {"type": "Polygon", "coordinates": [[[113.60, 34.75], [113.61, 34.75],
                                              [113.61, 34.76], [113.60, 34.76],
                                              [113.60, 34.75]]]}


@pytest.fixture
def bounded(grid_a):
    GridProfile.objects.update_or_create(unit=grid_a, defaults={"polygon": SQUARE})
    return grid_a


def _report(worker, grid, **kwargs):
    return services.event_report(actor=worker, grid=grid, category="S0105",
                                 detail="楼下垃圾堆放", **kwargs)


def test_photo_with_exif_gives_the_point(categories, worker_a, bounded):
    photo = jpeg(taken=datetime(2023, 3, 13, 8, 50), lat=34.755, lon=113.605)
    event = _report(worker_a, bounded, photos=[upload(photo)])
    assert not event.exif_missing and event.gps_outside_grid is False
    assert float(event.lat) == pytest.approx(34.755, abs=1e-5)
    assert Photo.objects.filter(owner_id=event.pk).count() == 1


def test_photo_without_exif_is_accepted_and_flagged(categories, worker_a, bounded):
    event = _report(worker_a, bounded, photos=[upload(jpeg())])
    assert event.exif_missing and event.lat is None and event.gps_outside_grid is None


def test_point_outside_the_grid_is_flagged(categories, worker_a, bounded):
    event = _report(worker_a, bounded, lat="34.80", lon="113.70")
    assert event.gps_outside_grid is True


def test_point_on_the_boundary_is_inside(categories, worker_a, bounded):
    event = _report(worker_a, bounded, lat="34.75", lon="113.605")
    assert event.gps_outside_grid is False


def test_grid_without_boundary_cannot_be_judged(categories, worker_a, grid_a):
    event = _report(worker_a, grid_a, lat="34.80", lon="113.70")
    assert event.gps_outside_grid is None


def test_not_an_image_refused_and_nothing_stored(categories, worker_a, grid_a):
    with pytest.raises(UserError) as error:
        _report(worker_a, grid_a, photos=[upload(b"%PDF-1.4 not a photo", "scan.jpg")])
    assert "scan.jpg" in error.value.message
    assert Case.objects.count() == 0 and Photo.objects.count() == 0


def test_too_many_photos_refused(categories, worker_a, grid_a, settings):
    settings.PHOTO_MAX_PER_OWNER = 2
    photos = [upload(jpeg(colour=c), f"{c}.jpg") for c in ("red", "green", "blue")]
    with pytest.raises(UserError) as error:
        _report(worker_a, grid_a, photos=photos)
    assert error.value.code == "photo.too_many" and "2" in error.value.message
    assert Case.objects.count() == 0 and Photo.objects.count() == 0


def test_too_large_refused(categories, worker_a, grid_a, settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(UserError) as error:
        _report(worker_a, grid_a, photos=[upload(jpeg(), "big.jpg")])
    assert "big.jpg" in error.value.message
    assert Case.objects.count() == 0


def test_open_events_with_a_point_are_on_the_grid_map(categories, worker_a, bounded):
    from diaodu.grids import geo

    event = _report(worker_a, bounded, lat="34.755", lon="113.605")
    points = geo.points_for([bounded])
    assert [(p.grid_id, p.href) for p in points] == [(bounded.pk, f"/cityops/events/{event.pk}/")]
