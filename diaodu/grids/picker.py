"""The district's grid map for picking a point (core/point_picker.py): the boundaries the user
may see, drawn by mapsvg without links, the current point marked, and the projection."""

from typing import Any

from diaodu.core.point_picker import PickerMap

from . import mapsvg, selectors

WIDTH = 640


def district_map(user: Any, point: tuple[float, float] | None) -> PickerMap | None:
    grids = selectors.map_grids(user=user)
    if not grids:
        return None
    shapes = [mapsvg.Shape(g.unit_id, g.name, g.polygon.get("coordinates", []), sample=g.sample)
              for g in grids]
    dots = [mapsvg.Dot(lon=float(point[1]), lat=float(point[0]))] if point else []
    frame = mapsvg.frame(shapes, dots, WIDTH)
    svg = mapsvg.render(shapes, dots, width=WIDTH)
    return PickerMap(svg=svg, width=WIDTH, height=frame.height, min_lon=frame.min_lon,
                     min_lat=frame.min_lat, scale_x=frame.scale_x, scale_y=frame.scale_y,
                     base=frame.height - frame.pad, pad=frame.pad)
