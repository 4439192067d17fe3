"""Grids of two streets: street A (林山寨) with a community of two grids, street B (须水) with
one; the street centres of both, the district centre and a grid worker of grid A1."""

from dataclasses import dataclass

import pytest

from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.roles import Role
from diaodu.grids import services

from ..factories import UserFactory, unit


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    """A square GeoJSON polygon with its south-west corner at (lon, lat)."""
    return {"type": "Polygon", "coordinates": [[
        [lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]}


@dataclass
class World:
    community_a: OrgUnit
    community_b: OrgUnit
    a1: OrgUnit
    a2: OrgUnit
    b1: OrgUnit
    street_a_ops: User
    street_b_ops: User
    district_ops: User
    worker_a1: User


@pytest.fixture
def world(street_a, street_b, district) -> World:
    community_a = unit("410102001001", "阳光花苑社区", UnitKind.COMMUNITY, street_a)
    community_b = unit("410102012001", "须水社区", UnitKind.COMMUNITY, street_b)
    a1 = services.grid_create(actor=None, parent=community_a, name="第一网格", households=420,
                              population=1200)
    a2 = services.grid_create(actor=None, parent=community_a, name="第二网格", households=180,
                              population=500)
    b1 = services.grid_create(actor=None, parent=community_b, name="须水第一网格",
                              households=650, population=1900)
    return World(
        community_a, community_b, a1, a2, b1,
        UserFactory(username="street_a_ops", unit=street_a, role=Role.STREET_OPS),
        UserFactory(username="street_b_ops", unit=street_b, role=Role.STREET_OPS),
        UserFactory(username="district_ops", unit=district, role=Role.DISTRICT_OPS),
        UserFactory(username="worker_a1", unit=a1, role=Role.GRID_WORKER))
