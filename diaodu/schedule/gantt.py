"""Server-rendered SVG Gantt chart (no JavaScript): bars for plan, forecast, actual and baseline,
critical path in red, float as a thin tail, today as a dashed line.

Built as a string in Python rather than a template loop: a 300-activity chart is a few thousand
elements and renders in milliseconds this way.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from django.utils import dateformat
from django.utils.translation import gettext as _

LABEL_WIDTH = 230
RIGHT_MARGIN = 40  # room for the float numbers and the "today" label
ROW = 26
HEADER = 44  # a row of years, a row of months
LABEL_ROOM = 34  # pixels a year or month label needs before the next one
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
    scale = (width - LABEL_WIDTH - RIGHT_MARGIN) / max(total_days, 1)
    height = HEADER + ROW * max(len(bars), 1) + 10

    origin = first.toordinal()

    def x(day: date, end: bool = False) -> float:
        return round(LABEL_WIDTH + (day.toordinal() - origin + end) * scale, 1)

    # gettext calls stay outside f-strings, where xgettext would not find them.
    t_chart, t_today = escape(_("甘特图")), escape(_("今天"))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="img" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-size="12" font-family="sans-serif" aria-label="{t_chart}">']
    # Month grid; years in the top row, months below every 1, 2, 3 or 6 months as room allows
    # (none on a chart of many years), so no label runs into the next.
    month_step = next((k for k in (1, 2, 3, 6) if scale * 30.4 * k >= LABEL_ROOM), None)
    last_year_x = -LABEL_ROOM
    for i, month in enumerate(_months(first, last)):
        mx = x(month)
        out.append(f'<line x1="{mx}" y1="{HEADER - 26}" x2="{mx}" y2="{height}" '
                   f'stroke="{COLOURS["grid"]}"/>')
        next_january = x(date(month.year + 1, 1, 1))
        if (month.month == 1 or i == 0) and mx - last_year_x >= LABEL_ROOM \
                and next_january - mx >= LABEL_ROOM:
            out.append(f'<text class="year" x="{mx + 3}" y="{HEADER - 30}" '
                       f'fill="{COLOURS["text"]}" font-weight="bold">{month.year}</text>')
            last_year_x = mx
        if month_step and (month.month - 1) % month_step == 0:
            # Month names in the active language (三月 / Mar).
            out.append(f'<text class="month" x="{mx + 3}" y="{HEADER - 12}" '
                       f'fill="{COLOURS["text"]}">{dateformat.format(month, "M")}</text>')
    # Labels translated once, not once per bar.
    t_baseline, t_plan, t_actual, t_running = (escape(_("基线")), escape(_("计划")),
                                                escape(_("实际")), escape(_("进行中")))
    t_forecast = _("预测 %(start)s — %(finish)s，总浮动 %(float)s 个工作日")
    grey, text, red = COLOURS["plan"], COLOURS["text"], COLOURS["critical"]
    for i, b in enumerate(bars):
        top = HEADER + i * ROW
        name = b.name if len(b.name) <= 15 else b.name[:14] + "…"
        weight = ' font-weight="bold"' if b.critical else ""
        out.append(f'<text x="4" y="{top + 17}" fill="{text}"{weight}>'
                   f'<title>{escape(b.name)}</title>{escape(name)}</text>')
        if b.baseline_start and b.baseline_finish:
            bx = x(b.baseline_start)
            out.append(f'<rect class="baseline" x="{bx}" y="{top + 2}" '
                       f'width="{max(x(b.baseline_finish, True) - bx, 2)}" height="4" '
                       f'fill="{COLOURS["baseline"]}" opacity="0.7"><title>{t_baseline} '
                       f'{b.baseline_start} — {b.baseline_finish}</title></rect>')
        if b.planned_start and b.planned_finish:
            px = x(b.planned_start)
            out.append(f'<rect class="plan" x="{px}" y="{top + 6}" '
                       f'width="{max(x(b.planned_finish, True) - px, 2)}" height="16" '
                       f'fill="{grey}"><title>{t_plan} {b.planned_start} — {b.planned_finish}'
                       f'</title></rect>')
        done = b.rag == "done"
        if b.start and b.finish:
            colour = COLOURS["done"] if done else red if b.critical else COLOURS["normal"]
            critical = " critical" if b.critical else ""
            tip = escape(t_forecast % {"start": b.start, "finish": b.finish,
                                       "float": b.total_float})
            if b.duration == 0 and not b.actual_finish:
                cx, cy = x(b.start), top + 14
                out.append(f'<path class="milestone{critical}" '
                           f'd="M{cx} {cy - 7}L{cx + 7} {cy}L{cx} {cy + 7}L{cx - 7} {cy}Z" '
                           f'fill="{colour}"><title>{tip}</title></path>')
            else:
                fx = x(b.start)
                out.append(f'<rect class="forecast{critical}" x="{fx}" y="{top + 9}" '
                           f'width="{max(x(b.finish, True) - fx, 2)}" height="10" rx="2" '
                           f'fill="{colour}"><title>{tip}</title></rect>')
            if b.total_float is not None and not done:
                end_x = x(b.finish, True)
                late_x = x(b.late_finish, True) if b.late_finish else end_x
                if b.total_float > 0:
                    out.append(f'<line class="float" x1="{end_x}" y1="{top + 14}" '
                               f'x2="{late_x}" y2="{top + 14}" stroke="{COLOURS["float"]}" '
                               f'stroke-dasharray="2 2"/>')
                out.append(f'<text x="{max(end_x, late_x) + 4}" y="{top + 18}" '
                           f'font-size="10" fill="{red if b.total_float < 0 else text}">'
                           f'{b.total_float:+d}</text>')
        if b.actual_start:
            ax = x(b.actual_start)
            end_day = b.actual_finish or max(today, b.actual_start)
            out.append(f'<rect class="actual" x="{ax}" y="{top + 20}" '
                       f'width="{max(x(end_day, True) - ax, 2)}" height="4" '
                       f'fill="{COLOURS["actual"]}"><title>{t_actual} {b.actual_start} — '
                       f'{b.actual_finish or t_running}</title></rect>')
    tx = x(today)
    out.append(f'<line class="today" x1="{tx}" y1="{HEADER - 14}" x2="{tx}" y2="{height}" '
               f'stroke="{COLOURS["today"]}" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{tx + 3}" y="{HEADER - 4}" fill="{COLOURS["today"]}" '
               f'font-size="10">{t_today}</text>')
    out.append("</svg>")
    return "".join(out)


RAG_STYLE = {"red": "background:#fee2e2;color:#b91c1c",
             "amber": "background:#fef3c7;color:#b45309",
             "green": "background:#dcfce7;color:#15803d",
             "done": "background:#f1f5f9;color:#475569"}


def rag_badge(rag: str, label: str) -> str:
    if rag not in RAG_STYLE:
        return ""
    return (f'<span class="rag rag-{rag}" style="display:inline-block;padding:0 .4rem;'
            f'border-radius:4px;{RAG_STYLE[rag]}">{escape(label)}</span>')


def table_rows(activities, *, edit_url: str | None, with_slip: bool, rag_labels: dict) -> str:
    """<tr> rows of the activity table: built here for the same reason as the chart."""

    def d(day) -> str:
        return day.isoformat() if day else ""

    key, running = escape(_("关键")), escape(_("进行中"))
    out = []
    for a in activities:
        name = escape(a.name)
        if edit_url:
            name = f'<a class="text-primary-600" href="{edit_url}?activity={a.pk}">{name}</a>'
        if a.critical:
            name += f' <span style="color:#dc2626" class="text-xs">{key}</span>'
        if a.note:
            name += f'<div class="text-xs" style="color:#b45309">{escape(a.note)}</div>'
        actual = ""
        if a.actual_start:
            actual = f"{d(a.actual_start)} — {d(a.actual_finish) or running}"
            if not a.actual_finish:
                actual += f" {a.percent}%"
        # Latest dates mean nothing once an activity is finished.
        late = "" if a.rag == "done" else f"{d(a.late_start)} — {d(a.late_finish)}"
        negative = " text-red-600" if (a.total_float or 0) < 0 else ""
        slip = ""
        if with_slip:
            value = a.slip.finish if a.slip and a.slip.finish is not None else "—"
            slip = f'<td class="px-2 py-1 text-right tabular-nums">{value}</td>'
        out.append(
            f'<tr class="border-t border-base-200 dark:border-base-800'
            f'{" font-semibold" if a.critical else ""}">'
            f'<td class="px-2 py-1">{a.position}</td>'
            f'<td class="px-2 py-1 whitespace-nowrap">{name}</td>'
            f'<td class="px-2 py-1 text-right tabular-nums">{a.duration}</td>'
            f'<td class="px-2 py-1 whitespace-nowrap">{d(a.planned_start)} — '
            f'{d(a.planned_finish)}</td>'
            f'<td class="px-2 py-1 whitespace-nowrap">{d(a.early_start)} — '
            f'{d(a.early_finish)}</td>'
            f'<td class="px-2 py-1 whitespace-nowrap">{late}</td>'
            f'<td class="px-2 py-1 whitespace-nowrap">{actual}</td>'
            f'<td class="px-2 py-1 text-right tabular-nums{negative}">{a.total_float}</td>'
            f'<td class="px-2 py-1 text-right tabular-nums">{a.free_float}</td>{slip}'
            f'<td class="px-2 py-1 whitespace-nowrap">{rag_badge(a.rag, rag_labels.get(a.rag, ""))}'
            f'</td></tr>')
    return "".join(out)
