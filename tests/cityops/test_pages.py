"""The pages for the grid roles: a grid worker reports from the phone form and verifies; the
street centre takes its steps on the event page; another street's event is 404."""

from datetime import datetime

import pytest
from django.urls import reverse

from diaodu.cases.models import Case
from diaodu.cityops.models import Event, Stage
from diaodu.core.models import Photo
from tests.photo_images import jpeg, upload

pytestmark = pytest.mark.django_db


def test_report_form_and_list(client, categories, worker_a, grid_a, grid_b):
    client.force_login(worker_a)
    form = client.get(reverse("cityops:event_report"))
    assert form.status_code == 200
    body = form.content.decode()
    assert "林山寨社区第1网格" in body and "须水社区第1网格" not in body
    done = client.post(reverse("cityops:event_report"), {
        "grid": grid_a.pk, "category": "S0101", "detail": "屋顶私搭彩钢棚", "address": "5号楼"})
    event = Event.objects.get()
    assert done.status_code == 302 and done["Location"] == event.get_absolute_url()
    refused = client.post(reverse("cityops:event_report"), {
        "grid": grid_a.pk, "category": "NOPE", "detail": "x"})
    assert refused.status_code == 200 and "事件类别“NOPE”不存在" in refused.content.decode()
    assert Event.objects.count() == 1
    listing = client.get(reverse("cityops:events"))
    assert event.case.number in listing.content.decode()


def test_the_report_form_takes_photos_and_the_event_page_shows_them(
        client, settings, tmp_path, categories, worker_a, grid_a):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(worker_a)
    form = client.get(reverse("cityops:event_report")).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="photos"' in form
    photo = upload(jpeg(taken=datetime(2023, 3, 13, 8, 50), lat=34.755, lon=113.605))
    done = client.post(reverse("cityops:event_report"), {
        "grid": grid_a.pk, "category": "S0105", "detail": "楼下垃圾堆放", "photos": [photo]})
    event = Event.objects.get()
    assert done.status_code == 302 and not event.exif_missing
    assert float(event.lat) == pytest.approx(34.755, abs=1e-5)  # the point from the photo
    assert Photo.objects.filter(owner_id=event.pk).count() == 1
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'id="photo-list"' in page and "拍摄于 2023-03-13 08:50" in page
    # A file that is not an image: refused with the reason, no event stored.
    refused = client.post(reverse("cityops:event_report"), {
        "grid": grid_a.pk, "category": "S0105", "detail": "又一处垃圾",
        "photos": [upload(b"%PDF-1.4 not a photo", "scan.jpg")]})
    assert refused.status_code == 200 and 'id="event-report-error"' in refused.content.decode()
    assert Event.objects.count() == 1 and Case.objects.count() == 1


def test_street_centre_steps_on_the_page(client, event_a, ops_a, ops_b):
    url = reverse("cityops:event", args=[event_a.pk])
    client.force_login(ops_b)
    assert client.get(url).status_code == 404
    client.force_login(ops_a)
    page = client.get(url).content.decode()
    assert 'id="step-accept"' in page and 'id="step-reject"' in page
    client.post(url, {"step": "accept", "version": 1, "note": ""})
    event_a.refresh_from_db()
    assert event_a.stage == Stage.ACCEPTED
    # A step not open now is 404 (the page offers only what the policy allows).
    assert client.post(url, {"step": "close", "version": 2}).status_code == 404


def test_district_ops_console_and_ranking(client, event_a, district_ops, street_a):
    client.force_login(district_ops)
    assert client.get(reverse("cityops:console")).status_code == 200
    assert client.get(reverse("cityops:console") + f"?street={street_a.pk}").status_code == 200
    assert client.get(reverse("cityops:ranking") + "?year=2023&month=3").status_code == 200
    computed = client.post(reverse("cityops:ranking"), {"year": 2023, "month": 3})
    assert computed.status_code == 302


def test_street_console(client, event_a, ops_a, street_b):
    client.force_login(ops_a)
    assert client.get(reverse("cityops:console")).status_code == 200
    assert client.get(reverse("cityops:console") + f"?street={street_b.pk}").status_code == 404
    assert client.post(reverse("cityops:ranking"), {"year": 2023, "month": 3}).status_code == 403
