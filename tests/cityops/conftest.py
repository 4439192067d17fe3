"""Two streets with a community and a grid each, the centres' operators, grid workers, a
department to dispatch to, the default categories; a working week in March 2023 (Mon 13 …)."""

from datetime import datetime

import pytest
from django.utils import timezone

from diaodu.cityops import services
from diaodu.core.models import UnitKind
from diaodu.core.roles import Role
from tests.factories import UserFactory, unit


def at(text: str) -> datetime:
    """'2023-03-13 09:00' as an aware local time."""
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture
def categories(db):
    services.categories_ensure()


@pytest.fixture
def grid_a(street_a):
    community = unit("410102001001", "林山寨社区", UnitKind.COMMUNITY, street_a)
    return unit("410102001001-G01", "林山寨社区第1网格", UnitKind.GRID, community)


@pytest.fixture
def grid_b(street_b):
    community = unit("410102012001", "须水社区", UnitKind.COMMUNITY, street_b)
    return unit("410102012001-G01", "须水社区第1网格", UnitKind.GRID, community)


@pytest.fixture
def city_dept(district):
    return unit("410102CG", "区城市管理局", UnitKind.DEPARTMENT, district)


@pytest.fixture
def worker_a(grid_a):
    return UserFactory(username="worker_a", unit=grid_a, role=Role.GRID_WORKER)


@pytest.fixture
def worker_b(grid_b):
    return UserFactory(username="worker_b", unit=grid_b, role=Role.GRID_WORKER)


@pytest.fixture
def ops_a(street_a):
    return UserFactory(username="ops_a", unit=street_a, role=Role.STREET_OPS)


@pytest.fixture
def ops_b(street_b):
    return UserFactory(username="ops_b", unit=street_b, role=Role.STREET_OPS)


@pytest.fixture
def district_ops(district):
    return UserFactory(username="district_ops", unit=district, role=Role.DISTRICT_OPS)


@pytest.fixture
def dept_reporter(city_dept):
    return UserFactory(username="dept_reporter", unit=city_dept, role=Role.REPORTER)


@pytest.fixture
def event_a(categories, worker_a, grid_a, ops_a):
    """A 占道经营 event reported Monday 2023-03-13 09:00 in grid A."""
    return services.event_report(actor=worker_a, grid=grid_a, category="S0502",
                                 detail="商户在人行道摆摊", address="建设西路与桐柏路口",
                                 now=at("2023-03-13 09:00"))
