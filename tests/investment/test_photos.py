"""Site photos on progress reports and as 入库 evidence: the pages, their checks for the
reviewer, scope and steps, the latest photo per project on the 入库 page (queries pinned)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from diaodu.core import photo_services
from diaodu.core.models import Photo
from diaodu.projects import services as project_services
from tests.photo_images import bomb, jpeg, png, upload

from ..factories import ProjectFactory
from .conftest import fill_and_submit, report_of

pytestmark = pytest.mark.usefixtures("media")
SITE = (Decimal("34.756000"), Decimal("113.640000"))


@pytest.fixture
def sited(building_a):
    return project_services.project_update(actor=None, project=building_a,
                                           expected_version=None, latitude=SITE[0],
                                           longitude=SITE[1])


@pytest.fixture
def report(march, sited):
    return report_of(march, sited)


def page(report):
    return reverse("investment:report", args=[report.pk])


def post_photos(client, url, *files, caption=""):
    return client.post(url, {"action": "photo_add", "caption": caption, "photo": list(files)})


def test_reporter_uploads_and_reviewer_sees_the_checks(client, report, street_a_reporter,
                                                       dispatcher):
    client.force_login(street_a_reporter)
    near = jpeg(taken=datetime(2022, 3, 10, 9), lat=SITE[0], lon=SITE[1], colour="red")
    far = jpeg(taken=datetime(2022, 3, 10, 9), lat=SITE[0] + Decimal("0.045"), lon=SITE[1],
               colour="blue")
    old = jpeg(taken=datetime(2021, 3, 10, 9), lat=SITE[0], lon=SITE[1], colour="green")
    response = post_photos(client, page(report), upload(near, "近景.jpg"),
                           upload(far, "远景.jpg"), upload(old, "去年.jpg"),
                           upload(png(), "平面.png", "image/png"), caption="基础施工")
    assert response.status_code == 302, response.content.decode()[:2000]
    photos = {p.name: p for p in Photo.objects.all()}
    assert set(photos) == {"近景.jpg", "远景.jpg", "去年.jpg", "平面.png"}
    assert not photos["近景.jpg"].flagged
    assert photos["远景.jpg"].too_far and 4900 < photos["远景.jpg"].distance_m < 5100
    assert photos["去年.jpg"].outside_period and photos["平面.png"].no_exif
    assert photos["近景.jpg"].subject_id == report.project_id
    assert photos["近景.jpg"].unit_id == report.project.responsible_unit_id

    client.force_login(dispatcher)
    body = client.get(page(report)).content.decode()
    assert body.count('data-photo="') == 4
    assert "时间、地点核对无误" in body
    assert "拍摄点距项目位置 5.0 公里，超过 1 公里" in body
    assert "拍摄于 2021-03-10，不在 2022-03-01 至 2022-03-31 之内（往年照片）" in body
    assert "无 EXIF 拍摄时间" in body
    assert reverse("photos:thumb", args=[photos["近景.jpg"].pk]) in body
    assert 'name="photo"' not in body  # the reviewer does not upload


def test_text_file_named_jpg_is_refused_on_the_page(client, report, street_a_reporter):
    client.force_login(street_a_reporter)
    response = post_photos(client, page(report), upload("不是图片".encode(), "现场.jpg"))
    assert response.status_code == 200
    assert "不是 JPEG、PNG 或 WebP 图片" in response.content.decode()
    assert not Photo.objects.exists()


def test_a_bomb_among_good_photos_stores_nothing(client, report, street_a_reporter, media):
    client.force_login(street_a_reporter)
    response = post_photos(client, page(report), upload(jpeg(), "好.jpg"),
                           upload(bomb(), "炸弹.png", "image/png"))
    assert "像素超过上限" in response.content.decode()
    assert not Photo.objects.exists()
    assert not (media / "photos").exists() or not any(
        p.is_file() for p in (media / "photos").rglob("*"))


def test_other_street_cannot_add(client, report, street_b_reporter):
    client.force_login(street_b_reporter)
    assert post_photos(client, page(report), upload(jpeg())).status_code == 404
    assert not Photo.objects.exists()


def test_submitted_report_takes_no_more_photos(client, report, street_a_reporter):
    fill_and_submit(street_a_reporter, report, "10.00", "10.00")
    client.force_login(street_a_reporter)
    assert post_photos(client, page(report), upload(jpeg())).status_code == 404
    with pytest.raises(Exception) as refused:
        photo_services.photo_add(actor=street_a_reporter, owner=report, upload=upload(jpeg()))
    assert getattr(refused.value, "code", "") == "report.not_editable"


def test_reporter_removes_a_photo(client, report, street_a_reporter,
                                  django_capture_on_commit_callbacks):
    photo = photo_services.photo_add(actor=street_a_reporter, owner=report,
                                     upload=upload(jpeg()))
    client.force_login(street_a_reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(report), {"action": "photo_remove", "photo": photo.pk})
    assert response.status_code == 302 and not Photo.objects.exists()


def test_photo_of_another_owner_cannot_be_removed_through_this_report(
        client, march, report, street_a_reporter, building_b, street_b_reporter):
    other = photo_services.photo_add(actor=street_b_reporter, owner=report_of(march, building_b),
                                     upload=upload(jpeg()))
    client.force_login(street_a_reporter)
    assert client.post(page(report), {"action": "photo_remove",
                                      "photo": other.pk}).status_code == 404
    assert Photo.objects.filter(pk=other.pk).exists()


def test_report_page_queries_do_not_grow_with_photos(client, report, street_a_reporter,
                                                     django_assert_max_num_queries):
    client.force_login(street_a_reporter)
    photo_services.photo_add(actor=street_a_reporter, owner=report,
                             upload=upload(jpeg(colour="red")))
    client.get(page(report))  # warm the session and content-type caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(page(report))
    for colour in ("blue", "green", "white"):
        photo_services.photo_add(actor=street_a_reporter, owner=report,
                                 upload=upload(jpeg(colour=colour)))
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(page(report)).content.decode()
    assert body.count('data-photo="') == 4


# --- 入库 evidence and the 入库 page --------------------------------------------------------


def evidence(project):
    return reverse("investment:registration_evidence", args=[project.pk])


def test_evidence_checked_from_the_actual_start(client, sited, street_a_reporter, dispatcher):
    client.force_login(street_a_reporter)
    before_start = jpeg(taken=datetime(2021, 2, 28, 12), lat=SITE[0], lon=SITE[1])
    on_start = jpeg(taken=datetime(2021, 3, 1, 8), lat=SITE[0], lon=SITE[1], colour="red")
    response = post_photos(client, evidence(sited), upload(before_start, "平整.jpg"),
                           upload(on_start, "开工.jpg"))
    assert response.status_code == 302
    photos = {p.name: p for p in Photo.objects.all()}
    assert photos["平整.jpg"].outside_period and not photos["开工.jpg"].outside_period
    client.force_login(dispatcher)
    body = client.get(evidence(sited)).content.decode()
    assert "拍摄于 2021-02-28，不在 2021-03-01 至" in body
    assert "34.756000, 113.640000" in body


def test_leader_sees_evidence_but_cannot_upload(client, sited, leader):
    client.force_login(leader)
    assert 'name="photo"' not in client.get(evidence(sited)).content.decode()
    assert post_photos(client, evidence(sited), upload(jpeg())).status_code == 404


def test_stats_user_uploads_evidence(client, sited, stats_user):
    client.force_login(stats_user)
    assert post_photos(client, evidence(sited), upload(jpeg())).status_code == 302
    assert Photo.objects.get().uploaded_by == stats_user


def test_registration_page_shows_latest_photo_per_project_in_constant_queries(
        client, dispatcher, street_a, street_a_reporter, report, sited):
    # The report's photo is taken later than the evidence: it is the project's latest.
    photo_services.photo_add(actor=street_a_reporter, owner=sited,
                             upload=upload(jpeg(taken=datetime(2022, 3, 1), colour="red")))
    latest = photo_services.photo_add(
        actor=street_a_reporter, owner=report,
        upload=upload(jpeg(taken=datetime(2022, 3, 20), colour="blue")))
    client.force_login(dispatcher)
    url = reverse("investment:registration")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        body = client.get(url).content.decode()
    assert reverse("photos:thumb", args=[latest.pk]) in body
    for n in range(3):
        project = ProjectFactory(name=f"新开工项目{n}", responsible_unit=street_a, street=street_a,
                                 actual_start=date(2022, 1, 1), stage="construction",
                                 total_investment=Decimal("800.00"))
        photo_services.photo_add(actor=None, owner=project,
                                 upload=upload(jpeg(colour=["red", "blue", "green"][n])))
    with CaptureQueriesContext(connection) as more:
        body = client.get(url).content.decode()
    assert body.count("/thumb/") == 4
    assert len(more.captured_queries) == len(one.captured_queries)
