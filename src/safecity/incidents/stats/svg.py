"""Small server-rendered SVG charts (no scripts, no inline styles: CSP-safe and accessible).

Each chart is role="img" with a <title> and <desc>; the page always shows the same numbers in a table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1b1b1b"
BLUE = "#005ea2"
RED = "#b50909"
GREY = "#71767a"


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = float(10.0 ** math.floor(math.log10(v)))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if v <= m * mag:
            return m * mag
    return 10.0 * mag


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every interpolated string is escaped above or numeric
        f'<svg class="sc-chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
        + "".join(body) + "</svg>")


def _axes(left: int, top: int, plot_w: int, plot_h: int, vmax: float) -> list[str]:
    body = []
    for i in range(5):
        v = vmax * i / 4
        y = top + plot_h - plot_h * i / 4
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dfe1e2"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{INK}">'
                    f'{v:,.0f}</text>')
    body.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="{INK}"/>')
    body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{INK}"/>')
    return body


def bar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], values: Sequence[float],
              highlight: Sequence[bool] | None = None, width: int = 760, height: int = 260) -> SafeString:
    left, top, bottom = 56, 12, 46
    plot_w, plot_h = width - left - 10, height - top - bottom
    vmax = _nice_max(max(values, default=0))
    body = _axes(left, top, plot_w, plot_h, vmax)
    n = max(1, len(values))
    step = plot_w / n
    every = max(1, math.ceil(n / 12))
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * v / vmax
        x = left + i * step + step * 0.12
        fill = RED if highlight and highlight[i] else BLUE
        body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.76:.1f}" height="{h:.1f}" '
                    f'fill="{fill}"><title>{escape(label)}: {v:,.0f}</title></rect>')
        if i % every == 0:
            body.append(f'<text x="{x + step * 0.38:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                        f'font-size="11" fill="{INK}">{escape(label)}</text>')
    return _frame(chart_id, title, desc, width, height, body)


def line_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], values: Sequence[float | None],
               width: int = 760, height: int = 240) -> SafeString:
    left, top, bottom = 56, 12, 46
    plot_w, plot_h = width - left - 10, height - top - bottom
    present = [v for v in values if v is not None]
    vmax = _nice_max(max(present, default=0))
    body = _axes(left, top, plot_w, plot_h, vmax)
    n = max(1, len(values))
    step = plot_w / n
    every = max(1, math.ceil(n / 12))
    pts = []
    for i, v in enumerate(values):
        x = left + i * step + step / 2
        if v is not None:
            y = top + plot_h - plot_h * v / vmax
            pts.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BLUE}"><title>{escape(labels[i])}: '
                        f'{v:,.0f}</title></circle>')
        if i % every == 0:
            body.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" '
                        f'fill="{INK}">{escape(labels[i])}</text>')
    if pts:
        body.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
    return _frame(chart_id, title, desc, width, height, body)
