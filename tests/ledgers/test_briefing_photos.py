"""The briefing's 重点项目现场: the latest photo of the most recently photographed projects,
in two queries however many projects; none when no project has a photo."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
from docx import Document

from diaodu.core import photo_services
from diaodu.ledgers.briefing import briefing_docx, latest_site_photos
from diaodu.projects.models import Level, Stage

from ..factories import ProjectFactory
from ..photo_images import jpeg, upload
from .test_briefing import reported, text_of  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _photo(project, day, colour, **exif):
    return photo_services.photo_add(
        actor=None, owner=project,
        upload=upload(jpeg(taken=datetime(2022, 3, day, 10), colour=colour, **exif)))


def test_no_photo_no_section(dispatcher, reported):  # noqa: F811
    content, _name = briefing_docx(user=dispatcher, year=2022, month=3)
    assert "重点项目现场" not in text_of(content)


def test_latest_photo_per_project_with_date_and_flag(dispatcher, reported):  # noqa: F811
    (first, _), (second, _) = reported
    _photo(first, 5, "red")
    _photo(first, 20, "blue")  # the latest of the first project
    _photo(second, 12, "green", lat=Decimal("10"), lon=Decimal("10"))  # no point: not far
    content, _name = briefing_docx(user=dispatcher, year=2022, month=3)
    text = text_of(content)
    assert "九、重点项目现场" in text
    assert "林山寨城市更新项目（2022年3月20日）" in text
    assert "须水产业园项目（2022年3月12日）" in text
    assert "2022年3月5日" not in text
    doc = Document(io.BytesIO(content))
    assert len(doc.inline_shapes) == 2


def test_flagged_photo_is_marked_for_checking(dispatcher, street_a):
    project = ProjectFactory(name="林山寨在建项目", level=Level.CITY, responsible_unit=street_a,
                             street=street_a, stage=Stage.CONSTRUCTION)
    photo_services.photo_add(actor=None, owner=project, upload=upload(jpeg()))  # no EXIF
    text = text_of(briefing_docx(user=dispatcher, year=2022, month=3)[0])
    assert "林山寨在建项目（拍摄时间不明）（待核）" in text


def test_scoped_and_constant_queries(dispatcher, street_a_reporter, street_a, street_b,
                                     django_assert_num_queries):
    from django.contrib.contenttypes.models import ContentType

    from diaodu.projects.models import Project

    ContentType.objects.get_for_model(Project)  # cached, as in a running server
    mine = ProjectFactory(name="本街道项目", responsible_unit=street_a, street=street_a)
    other = ProjectFactory(name="外街道项目", responsible_unit=street_b, street=street_b)
    _photo(mine, 1, "red")
    _photo(other, 2, "blue")
    with django_assert_num_queries(2):
        shown = latest_site_photos(user=street_a_reporter)
    assert [p.name for p, _photo_ in shown] == ["本街道项目"]
    for n in range(4):
        _photo(ProjectFactory(name=f"项目{n}", responsible_unit=street_a, street=street_a),
               3 + n, ["white", "black", "yellow", "purple"][n])
    with django_assert_num_queries(2):
        shown = latest_site_photos(user=dispatcher)
    assert len(shown) == 6 and shown[0][0].name == "项目3"
