"""Server-rendered SVG Gantt chart (no JavaScript): bars for plan, forecast, actual and baseline,
critical path in red, float as a thin tail, today as a dashed line.

Built as a string in Python rather than a template loop: a 300-activity chart is a few thousand
elements and renders in milliseconds this way.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from django.utils.translation import gettext as _

LABEL_WIDTH = 230
ROW = 26
HEADER = 40
COLOURS = {"critical": "#dc2626", "normal": "#2563eb", "done": "#16a34a", "actual": "#15803d",
           "plan": "#cbd5e1", "baseline": "#a16207", "float": "#64748b", "today": "#ef4444",
           "grid": "#e2e8f0", "text": "#334155"}


@dataclass
class Bar:
    name: str
    duration: int
    planned_start: date | None = None
    planned_finish: date | None = None
    start: date | None = None  # forecast
    finish: date | None = None
    late_finish: date | None = None
    total_float: int | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    baseline_start: date | None = None
    baseline_finish: date | None = None
    critical: bool = False
    rag: str = ""


def _span(bars: list[Bar], today: date) -> tuple[date, date]:
    days = [today]
    for b in bars:
        days += [d for d in (b.planned_start, b.planned_finish, b.start, b.finish,
                             b.late_finish, b.actual_start, b.actual_finish, b.baseline_start,
                             b.baseline_finish) if d]
    first, last = min(days), max(days)
    # Whole months on both ends, so the month grid starts at the left edge.
    first = first.replace(day=1)
    last = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first, last


def _months(first: date, last: date):
    current = first
    while current < last:
        yield current
        current = (current + timedelta(days=32)).replace(day=1)


def render(bars: list[Bar], *, today: date, width: int = 1100) -> str:
    """The chart as an <svg> element (safe to embed: every text is escaped)."""
    first, last = _span(bars, today)
    total_days = (last - first).days
    scale = (width - LABEL_WIDTH) / max(total_days, 1)
    height = HEADER + ROW * max(len(bars), 1) + 10

    def x(day: date, end: bool = False) -> float:
        return round(LABEL_WIDTH + ((day - first).days + (1 if end else 0)) * scale, 1)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="img" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-size="12" font-family="sans-serif" aria-label="{escape(_("甘特图"))}">']
    # Month grid; month labels every month when there is room, else every quarter.
    step = 1 if scale * 30 >= 34 else 3
    for i, month in enumerate(_months(first, last)):
        mx = x(month)
        out.append(f'<line x1="{mx}" y1="{HEADER - 14}" x2="{mx}" y2="{height}" '
                   f'stroke="{COLOURS["grid"]}"/>')
        if i % step == 0:
            label = f"{month:%Y-%m}" if month.month == 1 or i == 0 else f"{month.month}月"
            out.append(f'<text x="{mx + 3}" y="{HEADER - 18}" fill="{COLOURS["text"]}">'
                       f'{label}</text>')
    for i, b in enumerate(bars):
        top = HEADER + i * ROW
        name = b.name if len(b.name) <= 15 else b.name[:14] + "…"
        out.append(f'<text x="4" y="{top + 17}" fill="{COLOURS["text"]}"'
                   f'{" font-weight=\"bold\"" if b.critical else ""}>'
                   f'<title>{escape(b.name)}</title>{escape(name)}</text>')
        if b.baseline_start and b.baseline_finish:
            bx = x(b.baseline_start)
            out.append(f'<rect class="baseline" x="{bx}" y="{top + 2}" '
                       f'width="{max(x(b.baseline_finish, True) - bx, 2)}" height="4" '
                       f'fill="{COLOURS["baseline"]}" opacity="0.7"><title>'
                       f'{escape(_("基线"))} {b.baseline_start} — {b.baseline_finish}'
                       f'</title></rect>')
        if b.planned_start and b.planned_finish:
            px = x(b.planned_start)
            out.append(f'<rect class="plan" x="{px}" y="{top + 6}" '
                       f'width="{max(x(b.planned_finish, True) - px, 2)}" height="16" '
                       f'fill="{COLOURS["plan"]}"><title>{escape(_("计划"))} '
                       f'{b.planned_start} — {b.planned_finish}</title></rect>')
        if b.start and b.finish:
            colour = COLOURS["done"] if b.rag == "done" else \
                COLOURS["critical"] if b.critical else COLOURS["normal"]
            tip = escape(_("预测 %(start)s — %(finish)s，总浮动 %(float)s 个工作日")
                         % {"start": b.start, "finish": b.finish, "float": b.total_float})
            if b.duration == 0 and not b.actual_finish:
                cx, cy = x(b.start), top + 14
                out.append(f'<path class="milestone{" critical" if b.critical else ""}" '
                           f'd="M{cx} {cy - 7}L{cx + 7} {cy}L{cx} {cy + 7}L{cx - 7} {cy}Z" '
                           f'fill="{colour}"><title>{tip}</title></path>')
            else:
                fx = x(b.start)
                out.append(f'<rect class="forecast{" critical" if b.critical else ""}" '
                           f'x="{fx}" y="{top + 9}" width="{max(x(b.finish, True) - fx, 2)}" '
                           f'height="10" rx="2" fill="{colour}"><title>{tip}</title></rect>')
            if b.total_float and b.total_float > 0 and b.late_finish and b.rag != "done":
                x1, x2 = x(b.finish, True), x(b.late_finish, True)
                out.append(f'<line class="float" x1="{x1}" y1="{top + 14}" x2="{x2}" '
                           f'y2="{top + 14}" stroke="{COLOURS["float"]}" '
                           f'stroke-dasharray="2 2"/>')
            if b.total_float is not None and b.rag != "done":
                tx = max(x(b.finish, True), x(b.late_finish, True) if b.late_finish else 0)
                colour = COLOURS["critical"] if b.total_float < 0 else COLOURS["text"]
                out.append(f'<text x="{tx + 4}" y="{top + 18}" font-size="10" '
                           f'fill="{colour}">{b.total_float:+d}</text>')
        if b.actual_start:
            ax = x(b.actual_start)
            end = b.actual_finish or max(today, b.actual_start)
            out.append(f'<rect class="actual" x="{ax}" y="{top + 20}" '
                       f'width="{max(x(end, True) - ax, 2)}" height="4" '
                       f'fill="{COLOURS["actual"]}"><title>{escape(_("实际"))} '
                       f'{b.actual_start} — {b.actual_finish or _("进行中")}</title></rect>')
    tx = x(today)
    out.append(f'<line class="today" x1="{tx}" y1="{HEADER - 14}" x2="{tx}" y2="{height}" '
               f'stroke="{COLOURS["today"]}" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{tx + 3}" y="{HEADER - 4}" fill="{COLOURS["today"]}" '
               f'font-size="10">{escape(_("今天"))}</text>')
    out.append("</svg>")
    return "".join(out)
