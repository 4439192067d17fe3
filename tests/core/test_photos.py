"""Site photos in core: content sniffing, limits, EXIF time and GPS, thumbnails, the checks,
and the generic add/remove/read with the owner's scope. The owner here is an OrgUnit
registered only for these tests, so core is tested without any owner app."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from diaodu.core import photo_services, photos
from diaodu.core.errors import Forbidden, NotFound, UserError
from diaodu.core.models import AuditEvent, OrgUnit, Photo
from diaodu.core.photo_services import PhotoContext
from tests.photo_images import bomb, jpeg, png, upload, webp

SITE = (Decimal("34.748000"), Decimal("113.605300"))
MARCH = (date(2023, 3, 1), date(2023, 3, 31))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def unit_owner(media):
    """OrgUnit as a photo owner: visible in the user's subtree, editable by its reporters."""

    def visible(user):
        return OrgUnit.objects.filter(path__startswith=user.unit.path)

    def require_edit(user, owner):
        if user.unit_id != owner.pk:
            raise Forbidden("test.forbidden", "只有本单位可以上传")

    photo_services.register_owner(
        OrgUnit, visible=visible, require_edit=require_edit,
        context=lambda owner: PhotoContext(unit_id=owner.pk, subject=owner, period=MARCH,
                                           point=SITE))
    yield
    photo_services._OWNERS.pop(OrgUnit)


def process(content: bytes, name: str = "site.jpg") -> photos.Processed:
    return photos.process(upload(content, name), name)


# --- processing ---------------------------------------------------------------------------


def test_jpeg_exif_time_with_offset_and_gps():
    done = process(jpeg(taken=datetime(2023, 3, 15, 10, 30), offset="+07:00",
                        lat=Decimal("34.748"), lon=Decimal("113.6053")))
    assert done.content_type == "image/jpeg" and done.extension == "jpg"
    assert done.taken_at.isoformat() == "2023-03-15T10:30:00+07:00"
    assert (done.latitude, done.longitude) == (Decimal("34.748000"), Decimal("113.605300"))
    assert (done.width, done.height) == (640, 480)


def test_exif_time_without_offset_is_shanghai_time():
    done = process(jpeg(taken=datetime(2023, 3, 31, 23, 59)))
    assert done.taken_at.isoformat() == "2023-03-31T23:59:00+08:00"
    assert done.latitude is None and done.longitude is None


def test_southern_and_western_references_are_negative():
    done = process(jpeg(taken=datetime(2023, 3, 1), lat=-33.8688, lon=-70.6693))
    assert (done.latitude, done.longitude) == (Decimal("-33.868800"), Decimal("-70.669300"))


def test_png_without_exif_and_webp_are_accepted():
    done = process(png(), "plan.png")
    assert done.content_type == "image/png" and done.taken_at is None
    assert process(webp(), "x.webp").content_type == "image/webp"


def test_type_is_sniffed_not_taken_from_the_name():
    # A PNG named .jpg is a PNG; a text file named .jpg is refused.
    assert process(png(), "photo.jpg").content_type == "image/png"
    with pytest.raises(UserError) as refused:
        process("这不是照片".encode(), "photo.jpg")
    assert refused.value.code == "photo.not_image" and "photo.jpg" in refused.value.message
    assert "按文件内容判断" in refused.value.message


def test_a_gif_is_an_image_but_not_an_accepted_type():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(UserError) as refused:
        process(out.getvalue(), "a.gif")
    assert refused.value.code == "photo.not_image"


def test_truncated_jpeg_is_refused_as_broken():
    with pytest.raises(UserError) as refused:
        process(jpeg()[:500])
    assert refused.value.code == "photo.broken"


def test_empty_file_is_refused():
    with pytest.raises(UserError) as refused:
        process(b"")
    assert refused.value.code == "photo.empty"


@pytest.mark.parametrize("size", [(30_000, 30_000), (10_000, 10_000), (8_000, 8_000)])
def test_decompression_bomb_is_refused_before_decoding(size):
    # 900 MP: Pillow's DecompressionBombError; 100 MP: its warning (error in tests, refused
    # in production alike); 64 MP: our PHOTO_MAX_PIXELS (60 MP). All a few dozen bytes.
    content = bomb(*size)
    assert len(content) < 100
    with pytest.raises(UserError) as refused:
        process(content, "bomb.png")
    assert refused.value.code == "photo.too_many_pixels"
    assert "PHOTO_MAX_PIXELS" in refused.value.message


def test_pixel_limit_boundary(settings):
    settings.PHOTO_MAX_PIXELS = 640 * 480
    assert process(jpeg(size=(640, 480))).width == 640
    with pytest.raises(UserError):
        process(jpeg(size=(641, 480)))


def test_size_limit_boundary(settings):
    content = jpeg()
    settings.PHOTO_MAX_BYTES = len(content)
    assert process(content).content == content
    settings.PHOTO_MAX_BYTES = len(content) - 1
    with pytest.raises(UserError) as refused:
        process(content)
    assert refused.value.code == "photo.too_large" and "PHOTO_MAX_BYTES" in refused.value.message


def test_thumbnail_is_upright_small_jpeg_without_gps():
    # Orientation 6: the camera was turned; the thumbnail is turned back (portrait).
    done = process(jpeg(size=(1600, 1200), taken=datetime(2023, 3, 2), lat=34.7, lon=113.6,
                        orientation=6))
    thumb = Image.open(io.BytesIO(done.thumbnail))
    assert thumb.format == "JPEG"
    assert thumb.size == (240, 320)
    exif = thumb.getexif()
    assert not exif.get_ifd(photos.GPS_IFD) and not exif.get_ifd(photos.EXIF_IFD)


def test_transparent_png_thumbnail_is_flattened():
    thumb = Image.open(io.BytesIO(process(png(size=(800, 400)), "a.png").thumbnail))
    assert thumb.mode == "RGB" and thumb.size == (320, 160)


def test_haversine_distance():
    # One degree of latitude is about 111.2 km.
    assert photos.distance_m(34, 113, 35, 113) == pytest.approx(111_195, abs=5)
    assert photos.distance_m(*SITE, *SITE) == 0


# --- checks -------------------------------------------------------------------------------


def _checked(taken=None, lat=None, lon=None):
    return photo_services.checks(process(jpeg(taken=taken, lat=lat, lon=lon)),
                                 PhotoContext(period=MARCH, point=SITE))


def test_period_boundaries_first_and_last_day():
    assert not _checked(datetime(2023, 3, 1, 0, 0))["outside_period"]
    assert not _checked(datetime(2023, 3, 31, 23, 59))["outside_period"]
    assert _checked(datetime(2023, 2, 28, 23, 59))["outside_period"]
    assert _checked(datetime(2023, 4, 1, 0, 0))["outside_period"]


def test_another_year_is_flagged_not_refused():
    flags = _checked(datetime(2022, 3, 15))
    assert flags["outside_period"] and not flags["no_exif"]


def test_no_exif_is_flagged():
    flags = _checked()
    assert flags["no_exif"] and flags["no_location"] and not flags["outside_period"]


def test_distance_boundary_at_the_limit(settings):
    # 0.009 degrees of latitude north of the site: about 1,000.8 m.
    far_lat = SITE[0] + Decimal("0.009")
    metres = photos.distance_m(far_lat, SITE[1], *SITE)
    settings.PHOTO_MAX_DISTANCE_M = metres + 1  # just inside
    assert not _checked(datetime(2023, 3, 2), far_lat, SITE[1])["too_far"]
    settings.PHOTO_MAX_DISTANCE_M = int(metres) - 1  # just beyond
    flags = _checked(datetime(2023, 3, 2), far_lat, SITE[1])
    assert flags["too_far"] and flags["distance_m"] == round(metres)


def test_five_km_away_is_flagged_with_the_default_limit():
    flags = _checked(datetime(2023, 3, 2), SITE[0] + Decimal("0.045"), SITE[1])
    assert flags["too_far"] and 4900 < flags["distance_m"] < 5100


# --- services and selectors ---------------------------------------------------------------


def test_add_stores_files_audits_and_flags(unit_owner, street_a, street_a_reporter, media):
    photo = photo_services.photo_add(
        actor=street_a_reporter, owner=street_a, caption="基础施工",
        upload=upload(jpeg(taken=datetime(2022, 5, 1), lat=SITE[0] + Decimal("0.045"),
                           lon=SITE[1]), "现场.jpg"))
    photo.refresh_from_db()
    assert photo.owner == street_a and photo.subject_id == street_a.pk
    assert photo.unit_id == street_a.pk and photo.uploaded_by == street_a_reporter
    assert photo.outside_period and photo.too_far and not photo.no_exif
    assert photo.name == "现场.jpg" and photo.caption == "基础施工"
    assert "现场" not in photo.file.name and photo.file.name.endswith(".jpg")
    assert (media / photo.file.name).exists() and (media / photo.thumbnail.name).exists()
    event = AuditEvent.objects.get(action="photo.add")
    assert event.changes["flags"] == ["outside_period", "too_far"]
    codes = [code for code, _text in photo_services.check_texts(photo)]
    assert codes == ["outside_period", "too_far"]
    assert "2022-05-01" in photo_services.check_texts(photo)[0][1]


def test_same_photo_twice_on_one_owner_is_refused(unit_owner, street_a, street_a_reporter):
    content = jpeg(taken=datetime(2023, 3, 2))
    photo_services.photo_add(actor=street_a_reporter, owner=street_a,
                             upload=upload(content, "a.jpg"))
    with pytest.raises(UserError) as refused:
        photo_services.photo_add(actor=street_a_reporter, owner=street_a,
                                 upload=upload(content, "b.jpg"))
    assert refused.value.code == "photo.duplicate" and "a.jpg" in refused.value.message
    assert Photo.objects.count() == 1


def test_batch_is_all_or_nothing(unit_owner, street_a, street_a_reporter, media):
    with pytest.raises(UserError) as refused:
        photo_services.photo_add_many(actor=street_a_reporter, owner=street_a, uploads=[
            upload(jpeg(colour="red"), "1.jpg"), upload(b"not an image", "2.jpg")])
    assert refused.value.code == "photo.not_image"
    assert Photo.objects.count() == 0
    assert not AuditEvent.objects.filter(action="photo.add").exists()


def test_duplicate_inside_one_batch_leaves_no_file(unit_owner, street_a, street_a_reporter,
                                                   media):
    content = jpeg()
    with pytest.raises(UserError):
        photo_services.photo_add_many(actor=street_a_reporter, owner=street_a,
                                      uploads=[upload(content, "1.jpg"),
                                               upload(content, "2.jpg")])
    assert Photo.objects.count() == 0
    assert not [p for p in (media / "photos").rglob("*") if p.is_file()]


def test_count_limit_per_owner(unit_owner, settings, street_a, street_a_reporter):
    settings.PHOTO_MAX_PER_OWNER = 2
    photo_services.photo_add_many(actor=street_a_reporter, owner=street_a, uploads=[
        upload(jpeg(colour="red"), "1.jpg"), upload(jpeg(colour="blue"), "2.jpg")])
    with pytest.raises(UserError) as refused:
        photo_services.photo_add(actor=street_a_reporter, owner=street_a,
                                 upload=upload(jpeg(colour="green"), "3.jpg"))
    assert refused.value.code == "photo.too_many"
    assert "PHOTO_MAX_PER_OWNER" in refused.value.message


def test_owner_outside_scope_is_not_found(unit_owner, street_a, street_b_reporter):
    with pytest.raises(NotFound):
        photo_services.photo_add(actor=street_b_reporter, owner=street_a,
                                 upload=upload(jpeg()))


def test_owner_policy_refuses(unit_owner, district, street_a, leader):
    # The leader sees the street (subtree) but the owner's policy refuses the upload.
    with pytest.raises(Forbidden):
        photo_services.photo_add(actor=leader, owner=street_a, upload=upload(jpeg()))
    assert Photo.objects.count() == 0


def test_remove_deletes_row_and_files(unit_owner, street_a, street_a_reporter, media,
                                      django_capture_on_commit_callbacks):
    photo = photo_services.photo_add(actor=street_a_reporter, owner=street_a,
                                     upload=upload(jpeg()))
    path = media / photo.file.name
    with django_capture_on_commit_callbacks(execute=True):
        photo_services.photo_remove(actor=street_a_reporter, photo=photo)
    assert not Photo.objects.exists() and not path.exists()
    assert AuditEvent.objects.filter(action="photo.remove").exists()


def test_selectors_follow_owner_scope(unit_owner, street_a, street_a_reporter,
                                      street_b_reporter, leader):
    photo = photo_services.photo_add(actor=street_a_reporter, owner=street_a,
                                     upload=upload(jpeg()))
    assert photo_services.photo_get(user=leader, pk=photo.pk) == photo
    assert photo_services.photo_list(user=street_a_reporter, owner=street_a) == [photo]
    with pytest.raises(NotFound):
        photo_services.photo_get(user=street_b_reporter, pk=photo.pk)
    with pytest.raises(NotFound):
        photo_services.photo_list(user=street_b_reporter, owner=street_a)


def test_latest_by_subject_in_one_query(unit_owner, street_a, street_b, street_a_reporter,
                                        street_b_reporter, django_assert_num_queries):
    photo_services.photo_add(actor=street_a_reporter, owner=street_a,
                             upload=upload(jpeg(taken=datetime(2023, 3, 2), colour="red")))
    newest = photo_services.photo_add(
        actor=street_a_reporter, owner=street_a,
        upload=upload(jpeg(taken=datetime(2023, 3, 20), colour="blue")))
    photo_services.photo_add(actor=street_a_reporter, owner=street_a,
                             upload=upload(jpeg(colour="green")))  # no EXIF: last
    other = photo_services.photo_add(actor=street_b_reporter, owner=street_b,
                                     upload=upload(png()))
    with django_assert_num_queries(1):
        latest = photo_services.latest_by_subject(OrgUnit, [street_a.pk, street_b.pk])
    assert latest == {street_a.pk: newest, street_b.pk: other}


def test_file_view_serves_inline_with_nosniff(unit_owner, client, street_a,
                                              street_a_reporter, street_b_reporter):
    photo = photo_services.photo_add(actor=street_a_reporter, owner=street_a,
                                     upload=upload(png(), "平面.png"))
    client.force_login(street_a_reporter)
    response = client.get(f"/photos/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    thumb = client.get(f"/photos/{photo.pk}/thumb/")
    assert thumb["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).format == "JPEG"
    client.force_login(street_b_reporter)
    assert client.get(f"/photos/{photo.pk}/").status_code == 404


def test_no_public_media_url():
    from django.urls import Resolver404, resolve

    name = default_storage.generate_filename("photos/2023/03/x.jpg")
    with pytest.raises(Resolver404):
        resolve("/media/" + name)
