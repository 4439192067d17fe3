"""The photo API of progress reports: the same service, limits and checks as the report page,
scoped like the report (another unit's report and its photos are 404), no upload for the roles
that only read, bad input answered in the API's error shape with the Chinese message."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.test import Client

from diaodu.core import photo_services
from diaodu.core.models import AuditEvent, Photo
from diaodu.projects import services as project_services
from tests.photo_images import bomb, jpeg, png, upload

from .conftest import fill_and_submit, report_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
SITE = (Decimal("34.756000"), Decimal("113.640000"))


@pytest.fixture
def report(march, building_a):
    project_services.project_update(actor=None, project=building_a, expected_version=None,
                                    latitude=SITE[0], longitude=SITE[1])
    return report_of(march, building_a)


@pytest.fixture
def report_b(march, building_b):
    return report_of(march, building_b)


def url(report, photo=None):
    base = f"/api/v1/reports/{report.pk}/photos"
    return f"{base}/{photo.pk}" if photo is not None else base


def post(client, report, *files, caption=""):
    return client.post(url(report), {"photo": list(files), "caption": caption})


def test_the_reporter_uploads_and_every_reader_sees_the_checks(client, report,
                                                                street_a_reporter, leader):
    client.force_login(street_a_reporter)
    near = jpeg(taken=datetime(2022, 3, 10, 9), lat=SITE[0], lon=SITE[1], colour="red")
    far = jpeg(taken=datetime(2021, 3, 10, 9), lat=SITE[0] + Decimal("0.045"), lon=SITE[1])
    response = post(client, report, upload(near, "近景.jpg"), upload(far, "远景.jpg"),
                    caption="基础施工")
    assert response.status_code == 201, response.content
    added = {p["name"]: p for p in response.json()}
    assert set(added) == {"近景.jpg", "远景.jpg"}
    assert added["近景.jpg"]["checks"] == [] and added["近景.jpg"]["caption"] == "基础施工"
    assert added["近景.jpg"]["report_id"] == report.pk
    codes = {c["code"]: c["text"] for c in added["远景.jpg"]["checks"]}
    assert set(codes) == {"outside_period", "too_far"}
    assert codes["outside_period"] == \
        "拍摄于 2021-03-10，不在 2022-03-01 至 2022-03-31 之内（往年照片）"
    assert AuditEvent.objects.filter(action="photo.add").count() == 2

    client.force_login(leader)  # reads the district: lists, and one photo's metadata
    listed = client.get(url(report)).json()
    assert [p["name"] for p in listed] == ["近景.jpg", "远景.jpg"]
    photo = Photo.objects.get(name="远景.jpg")
    one = client.get(url(report, photo)).json()
    assert one["too_far"] and 4900 < one["distance_m"] < 5100
    assert Decimal(one["latitude"]) == Photo.objects.get(pk=photo.pk).latitude
    assert one["file_url"] == f"/photos/{photo.pk}/" and one["thumbnail_url"].endswith("/thumb/")


@pytest.mark.parametrize("role", ["dispatcher", "leader", "stats_user", "street_b_reporter",
                                  "auditor"])
def test_roles_that_do_not_fill_the_report_in_cannot_upload(client, request, report, role):
    client.force_login(request.getfixturevalue(role))
    response = post(client, report, upload(jpeg()))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "对象不存在。", "field": None}
    assert not Photo.objects.exists()


def test_another_units_report_and_its_photos_are_not_found(client, report_b, street_a_reporter,
                                                           street_b_reporter):
    photo = photo_services.photo_add(actor=street_b_reporter, owner=report_b,
                                     upload=upload(jpeg()))
    client.force_login(street_a_reporter)
    assert client.get(url(report_b)).status_code == 404
    assert client.get(url(report_b, photo)).status_code == 404
    client.force_login(street_b_reporter)
    assert client.get(url(report_b, photo)).status_code == 200


def test_a_photo_is_only_found_under_its_own_report(client, report, report_b, dispatcher,
                                                    street_b_reporter):
    photo = photo_services.photo_add(actor=street_b_reporter, owner=report_b,
                                     upload=upload(jpeg()))
    client.force_login(dispatcher)
    assert client.get(url(report_b, photo)).status_code == 200
    assert client.get(url(report, photo)).status_code == 404
    assert client.get(f"/api/v1/reports/{report.pk}/photos/999999").status_code == 404


@pytest.mark.parametrize(("files", "code", "message"), [
    (lambda: [], "photo.required", "请选择要上传的照片。"),
    (lambda: [upload("不是图片".encode(), "现场.jpg")], "photo.not_image",
     "不是 JPEG、PNG 或 WebP 图片"),
    (lambda: [upload(jpeg(), "好.jpg"), upload(bomb(), "炸弹.png", "image/png")],
     "photo.too_many_pixels", "像素超过上限"),
    (lambda: [upload(png(), "a.png", "image/png"), upload(png(), "b.png", "image/png")],
     "photo.duplicate", "已上传过"),
])
def test_bad_uploads_answer_400_in_chinese_and_store_nothing(client, report, street_a_reporter,
                                                             media, files, code, message):
    client.force_login(street_a_reporter)
    response = post(client, report, *files())
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"].startswith(code.split(".")[0]) and message in body["message"]
    assert body["field"] == "photo"
    assert not Photo.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_a_submitted_report_takes_no_more_photos(client, report, street_a_reporter):
    fill_and_submit(street_a_reporter, report, "10.00", "10.00")
    client.force_login(street_a_reporter)
    response = post(client, report, upload(jpeg()))
    assert response.status_code == 400 and response.json()["code"] == "report.not_editable"
    assert not Photo.objects.exists()


def test_a_caption_over_200_characters_is_refused(client, report, street_a_reporter):
    client.force_login(street_a_reporter)
    response = post(client, report, upload(jpeg()), caption="长" * 201)
    assert response.status_code == 400
    assert response.json()["message"] == "照片说明不能超过200个字。"


def test_a_photo_list_read_is_three_queries(report, street_a_reporter,
                                            django_assert_num_queries):
    """Pinned, whatever the number of photos: the token, the report with its round (not the
    page's street and people) and the photos."""
    from diaodu.api import services as token_services

    for colour in ("red", "green", "blue"):
        photo_services.photo_add(actor=street_a_reporter, owner=report,
                                 upload=upload(jpeg(colour=colour), f"{colour}.jpg"))
    key = token_services.api_token_create(actor=street_a_reporter, name="计数", days=1)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get(url(report))  # the token's last use is written once
    with django_assert_num_queries(3) as queries:
        response = client.get(url(report))
    assert response.status_code == 200 and len(response.json()) == 3
    report_read = next(q["sql"] for q in queries.captured_queries
                       if q["sql"].startswith('SELECT "investment_progressreport"."id"'))
    assert report_read.count(" JOIN ") == 3  # project, its unit (the scope), the round
