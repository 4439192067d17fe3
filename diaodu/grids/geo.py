"""Geometry of grids with shapely: boundary validation, area, point in grid, and the index
`locate` uses (an STRtree of prepared polygons, rebuilt when any boundary changes).

Coordinates are WGS-84 as GeoJSON writes them: (lon, lat). The functions the events code calls
take (lat, lon), as a phone reports a position."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from shapely.geometry import Point, Polygon, shape
from shapely.validation import explain_validity

from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, UnitKind

from .models import GridProfile

# Metres per degree near Zhengzhou's latitude (34.75°N): enough for a grid's area.
M_PER_DEG_LAT = 110_940.0


def polygon_of(geometry: dict[str, Any] | None) -> Polygon | None:
    if not geometry:
        return None
    return shape(geometry)


def check_polygon(geometry: Any, *, label: str) -> Polygon:
    """A valid Polygon from a GeoJSON geometry, else a UserError naming `label`."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise UserError("grid.polygon_type",
                        _("%(f)s：边界应为 GeoJSON 多边形（Polygon）。") % {"f": label}, "polygon")
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as problem:
        raise UserError("grid.polygon_unreadable", _("%(f)s：边界坐标无法读取（%(e)s）。")
                        % {"f": label, "e": problem}, "polygon") from None
    if not polygon.is_valid:
        raise UserError("grid.polygon_invalid", _("%(f)s：边界多边形无效（%(why)s）。")
                        % {"f": label, "why": explain_validity(polygon)}, "polygon")
    if polygon.is_empty or polygon.area == 0:
        raise UserError("grid.polygon_empty", _("%(f)s：边界为空或面积为零。") % {"f": label},
                        "polygon")
    minx, miny, maxx, maxy = polygon.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise UserError("grid.polygon_range", _("%(f)s：坐标超出经纬度范围（应为经度, 纬度）。")
                        % {"f": label}, "polygon")
    return polygon


def area_km2(polygon: Polygon) -> float:
    """Area in km² by a local equirectangular projection (error well under 1% for a grid)."""
    lat0 = math.radians(polygon.centroid.y)
    scaled = shapely.affinity.scale(polygon, xfact=M_PER_DEG_LAT * math.cos(lat0),
                                    yfact=M_PER_DEG_LAT, origin=(0, 0))
    return scaled.area / 1_000_000


def inside(inner: Polygon, outer: Polygon) -> bool:
    """`inner` lies within `outer`, boundaries shared (a tolerance of about 1 m)."""
    return outer.buffer(1e-5).contains(inner)


def grid_contains(grid: OrgUnit, lat: float, lon: float) -> bool:
    """Whether the point lies in the grid's boundary (on the boundary counts). False for a
    grid without one."""
    profile = GridProfile.objects.filter(unit=grid).only("polygon").first()
    polygon = polygon_of(profile.polygon if profile else None)
    return polygon is not None and polygon.intersects(Point(lon, lat))


@dataclass
class _Index:
    key: tuple
    tree: shapely.STRtree
    unit_ids: list[int]
    polygons: list[Polygon]


_lock = threading.Lock()
_index: _Index | None = None


def _index_key() -> tuple:
    state = GridProfile.objects.filter(unit__kind=UnitKind.GRID, polygon__isnull=False) \
        .aggregate(n=Count("pk"), at=Max("updated_at"))
    return (state["n"], state["at"])


def grid_index() -> _Index:
    """The STRtree of every grid's boundary, rebuilt when a boundary was added or changed
    (one small query per call to tell)."""
    global _index
    key = _index_key()
    with _lock:
        if _index is None or _index.key != key:
            rows = list(GridProfile.objects.filter(unit__kind=UnitKind.GRID,
                                                   polygon__isnull=False)
                        .order_by("unit__path").values_list("unit_id", "polygon"))
            polygons = [shape(p) for _id, p in rows]
            for p in polygons:
                shapely.prepare(p)
            _index = _Index(key, shapely.STRtree(polygons), [i for i, _p in rows], polygons)
        return _index


def locate_ids(points: Iterable[tuple[float, float]], index: _Index | None = None
               ) -> list[int | None]:
    """The grid id of each (lat, lon), None outside every grid — one STRtree query for all."""
    index = index or grid_index()
    points = list(points)
    if not points or not index.unit_ids:
        return [None] * len(points)
    lats, lons = zip(*points, strict=True)
    pts = shapely.points(lons, lats)  # one array, not 10,000 Python objects
    best: dict[int, int] = {}
    point_i, poly_i = index.tree.query(pts, predicate="intersects")
    for p, g in zip(point_i.tolist(), poly_i.tolist(), strict=True):
        # On a shared boundary the first grid in tree order (path) wins, every time.
        if p not in best or g < best[p]:
            best[p] = g
    found: list[int | None] = [index.unit_ids[best[i]] if i in best else None
                               for i in range(len(points))]
    return found


def locate(lat: float, lon: float) -> OrgUnit | None:
    """The grid (kind grid) whose boundary holds the point, None outside every grid."""
    unit_id = locate_ids([(lat, lon)])[0]
    return OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None


# ------------------------------------------------------------------ points on the map

@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    grid_id: int | None = None
    label: str = ""
    href: str = ""


# Sources of the points the map draws: callables (grid ids) → list[MapPoint], registered by the
# apps that own them (the events of the city-operations work, in their AppConfig.ready), as
# core.notify is the one door to people. The grids app imports none of them (layers).
POINT_SOURCES: list[Callable[[list[int]], list[MapPoint]]] = []


def register_points(source: Callable[[list[int]], list[MapPoint]]) -> None:
    if source not in POINT_SOURCES:
        POINT_SOURCES.append(source)


def points_for(grids: list[int]) -> list[MapPoint]:
    """Every registered source's points in the given grids (their ids): open events with a
    position. A point without `grid_id` is placed by boundary (locate_ids)."""
    points: list[MapPoint] = []
    for source in POINT_SOURCES:
        points.extend(source(grids))
    return points
