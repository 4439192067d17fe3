"""Fixtures of the 督办 tests: a case assigned to street A with the DRC co-operating, units'
users, and time passed in as `today` (never slept)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from diaodu.cases import services
from diaodu.cases.models import CaseCategory, CaseKind, CaseSource
from diaodu.core.models import UnitKind
from diaodu.core.roles import Role

from ..factories import UserFactory, unit

# Monday 2022-03-28: the week of the seed visits. Ten working days later is 2022-04-12
# (清明: 04-02 Saturday is a make-up workday, 04-03..05 are holidays).
ASSIGNED = date(2022, 3, 28)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name="回复材料.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The unread badge is cached per user id; ids repeat from test to test.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def street_b_head(street_b):
    return UserFactory(username="street_b_head", unit=street_b, role=Role.UNIT_HEAD)


@pytest.fixture
def drc_reporter(drc):
    return UserFactory(username="drc_reporter", unit=drc, role=Role.REPORTER)


@pytest.fixture
def community_reporter(community_a):
    return UserFactory(username="community_reporter", unit=community_a, role=Role.REPORTER)


@pytest.fixture
def street_c(district):
    return unit("410102003", "棉纺路街道", UnitKind.STREET, district)


@pytest.fixture
def case_a(dispatcher, project_a, street_a, drc):
    """A problem of project A, led by street A with the DRC co-operating, 10 working days."""
    return services.case_create(
        actor=dispatcher, kind=CaseKind.PROBLEM, title="林山寨项目土地报批滞后",
        detail="土地组卷材料未报市局，影响开工。", category=CaseCategory.LAND,
        source=CaseSource.REPORT, project=project_a, lead_unit=street_a, co_units=[drc],
        due_workdays=10, today=ASSIGNED)
