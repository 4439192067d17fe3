"""The Gantt's time axis: years in one row, months in the next, no label running into the next
whatever the span."""

import re
from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.utils import translation

from diaodu.schedule.gantt import LABEL_ROOM, Bar, render


def labels(svg: str, kind: str) -> list[tuple[float, str]]:
    return [(float(x), text) for x, text in
            re.findall(rf'<text class="{kind}" x="([\d.]+)"[^>]*>([^<]*)</text>', svg)]


@pytest.mark.parametrize("days", [60, 400, 1200, 2600, 6000])
def test_axis_labels_never_overlap(days):
    start = date(2021, 3, 1)
    bars = [Bar("开工", 10, start=start, finish=start + timedelta(days=days))]
    with translation.override("zh-hans"):
        svg = render(bars, today=start)
    years, months = labels(svg, "year"), labels(svg, "month")
    assert years and years[0][1] == "2021"
    for row in (years, months):
        xs = [x for x, _ in row]
        assert all(b - a >= LABEL_ROOM for a, b in pairwise(xs)), row
    if days <= 400:
        assert len(months) >= days // 31  # every month when there is room
        assert months[0][1] == "三月"


def test_a_year_label_is_left_out_rather_than_crowding_the_next():
    # The chart starts in December: no room for "2021" before "2022".
    start = date(2021, 12, 1)
    bars = [Bar("开工", 10, start=start, finish=date(2029, 6, 1))]
    years = [text for _, text in labels(render(bars, today=start), "year")]
    assert years[0] == "2022" and "2021" not in years
