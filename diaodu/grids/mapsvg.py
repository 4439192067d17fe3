"""Server-rendered SVG map of grids (no JavaScript, no tile server), in the Gantt's manner
(schedule/gantt.py): built as one string, every text escaped. Pure: polygons and points in,
an <svg> element out.

Grid boundaries filled by heat (the count of points in each grid), points drawn over them,
each grid and point a link (to the grid's page, to the event)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Light to dark: no points, then five steps of the grid's share of the busiest grid's count.
# html.escape's table as one str.translate: thousands of labels per map.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                          "'": "&#x27;"})


def escape(text: str) -> str:
    return str(text).translate(_ESCAPES)


HEAT = ("#f8fafc", "#fef3c7", "#fde68a", "#fdba74", "#f87171", "#dc2626")
STROKE, POINT, TEXT = "#475569", "#1d4ed8", "#334155"


@dataclass
class Shape:
    id: int
    name: str
    rings: Sequence[Sequence[tuple[float, float]]]   # exterior first; (lon, lat)
    count: int = 0
    href: str = ""
    sample: bool = False
    label: str = ""          # shown in the tooltip after the name ("3 件")


@dataclass
class Dot:
    lon: float
    lat: float
    href: str = ""
    label: str = ""


@dataclass
class Frame:
    """lon/lat → pixels: equirectangular around the middle latitude, fitted to the width."""
    min_lon: float
    min_lat: float
    scale_x: float
    scale_y: float
    height: float
    pad: float = 10.0

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (round(self.pad + (lon - self.min_lon) * self.scale_x, 1),
                round(self.height - self.pad - (lat - self.min_lat) * self.scale_y, 1))

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """Pixels → (lon, lat): the inverse of xy (a click on the map; the point picker's
        script computes the same from these five numbers)."""
        return (self.min_lon + (x - self.pad) / self.scale_x,
                self.min_lat + (self.height - self.pad - y) / self.scale_y)


def frame(shapes: Sequence[Shape], dots: Sequence[Dot], width: int) -> Frame:
    lons = [x for s in shapes for ring in s.rings for x, _y in ring] + [d.lon for d in dots]
    lats = [y for s in shapes for ring in s.rings for _x, y in ring] + [d.lat for d in dots]
    if not lons:
        return Frame(0, 0, 1, 1, 200)
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    aspect = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * aspect, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    inner = width - 20
    scale = inner / max(span_x, span_y * 0.6)
    height = span_y * scale + 20
    return Frame(min_lon, min_lat, scale * aspect, scale, round(height, 1))


def heat_colour(count: int, top: int) -> str:
    if count <= 0 or top <= 0:
        return HEAT[0]
    step = math.ceil(count / top * (len(HEAT) - 1))
    return HEAT[min(max(step, 1), len(HEAT) - 1)]


def _path(rings, f: Frame) -> str:
    # The projection inlined: a map of 2,000 grids is ~30,000 vertices.
    ox, oy, sx, sy, base = f.min_lon, f.min_lat, f.scale_x, f.scale_y, f.height - f.pad
    pad = f.pad
    return "".join(
        "M" + "L".join(f"{pad + (x - ox) * sx:.1f},{base - (y - oy) * sy:.1f}" for x, y in ring)
        + "Z" for ring in rings)


def render(shapes: Sequence[Shape], dots: Sequence[Dot], *, width: int = 1000,
           title: str = "", sample_note: str = "") -> str:
    """The map as an <svg> element, safe to embed (every text escaped)."""
    f = frame(shapes, dots, width)
    height = f.height + (18 if sample_note else 0)
    top = max((s.count for s in shapes), default=0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grid-map" role="img" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-size="11" font-family="sans-serif" aria-label="{escape(title)}">']
    out.append('<g class="grids" stroke="#475569" stroke-width="0.8">')
    for s in shapes:
        tip = escape(f"{s.name} {s.label}".strip())
        dash = ' stroke-dasharray="3 2"' if s.sample else ""
        body = (f'<path id="g{s.id}" d="{_path(s.rings, f)}" '
                f'fill="{heat_colour(s.count, top)}"{dash}><title>{tip}</title></path>')
        out.append(f'<a href="{escape(s.href)}">{body}</a>' if s.href else body)
    out.append("</g>")
    if dots:
        out.append(f'<g class="points" fill="{POINT}" fill-opacity="0.75">')
        ox, oy, sx, sy, base, pad = (f.min_lon, f.min_lat, f.scale_x, f.scale_y,
                                     f.height - f.pad, f.pad)
        for d in dots:
            circle = f'<circle cx="{pad + (d.lon - ox) * sx:.1f}" ' \
                     f'cy="{base - (d.lat - oy) * sy:.1f}" r="2.5"'
            dot = f"{circle}><title>{escape(d.label)}</title></circle>" if d.label \
                else f"{circle}/>"
            out.append(f'<a href="{escape(d.href)}">{dot}</a>' if d.href else dot)
        out.append("</g>")
    if sample_note:
        out.append(f'<text x="10" y="{height - 5}" fill="{TEXT}">{escape(sample_note)}</text>')
    out.append("</svg>")
    return "".join(out)
