"""A point picked on a map — a project's site, typed or clicked. Core draws no maps: the grids
app registers its district map (grids/picker.py), an <svg> and the projection it was drawn
with, and a form shows it above the latitude and longitude fields; a click sets both (the
projection's inverse, grids/mapsvg.Frame.lonlat, done in the page by Alpine.js from the
numbers here). Without a registered map, or a map with no grid boundaries, the fields are
typed."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PickerMap:
    svg: str          # an <svg> element, every text escaped by its maker
    width: float      # the svg's viewBox width and height, in pixels
    height: float
    min_lon: float    # the projection: x = pad + (lon - min_lon) * scale_x,
    min_lat: float    #                 y = height' - pad - (lat - min_lat) * scale_y
    scale_x: float
    scale_y: float
    base: float       # height' - pad: the y of min_lat
    pad: float


_sources: list[Callable[[Any, tuple[float, float] | None], PickerMap | None]] = []


def register(source: Callable[[Any, tuple[float, float] | None], PickerMap | None]) -> None:
    """`source(user, point)`: the map `user` may see, with `point` (lat, lon) marked."""
    if source not in _sources:
        _sources.append(source)


def picker_map(user: Any, point: tuple[float, float] | None = None) -> PickerMap | None:
    for source in _sources:
        found = source(user, point)
        if found is not None:
            return found
    return None
