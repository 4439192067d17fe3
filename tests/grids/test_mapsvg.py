"""The SVG map (pure): escaped text, heat by count, sample boundaries dashed, links."""

from diaodu.grids import mapsvg
from diaodu.grids.mapsvg import Dot, Shape

SQUARE = [[(113.60, 34.75), (113.61, 34.75), (113.61, 34.76), (113.60, 34.76), (113.60, 34.75)]]


def test_heat_steps_from_empty_to_the_busiest_grid():
    assert mapsvg.heat_colour(0, 10) == mapsvg.HEAT[0]
    assert mapsvg.heat_colour(1, 10) == mapsvg.HEAT[1]
    assert mapsvg.heat_colour(10, 10) == mapsvg.HEAT[-1]
    assert mapsvg.heat_colour(3, 0) == mapsvg.HEAT[0]


def test_render_escapes_links_and_marks_samples():
    svg = mapsvg.render(
        [Shape(1, "<第一网格>", SQUARE, 2, "/grids/1/", sample=True, label="2 件"),
         Shape(2, "第二网格", [[(x + 0.01, y) for x, y in SQUARE[0]]], 0, "/grids/2/")],
        [Dot(113.605, 34.755, "/events/1/?a=1&b=2", "占道经营 <1>")],
        title="网格地图", sample_note="示例边界")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "&lt;第一网格&gt; 2 件" in svg and "<第一网格>" not in svg
    assert 'href="/events/1/?a=1&amp;b=2"' in svg and "占道经营 &lt;1&gt;" in svg
    assert svg.count("stroke-dasharray") == 1 and mapsvg.HEAT[-1] in svg
    assert 'href="/grids/2/"' in svg and "示例边界" in svg


def test_points_and_shapes_share_one_frame():
    frame = mapsvg.frame([Shape(1, "甲", SQUARE)], [], 1000)
    left, bottom = frame.xy(113.60, 34.75)
    right, top = frame.xy(113.61, 34.76)
    assert left == 10 and right == 990 and top < bottom
