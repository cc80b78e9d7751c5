"""Drawing the analyses: small server-rendered SVG charts and the hot-spot map (presentation only).

No scripts, no inline styles (CSP-safe); each chart is role="img" with a <title> and <desc>, and the page
always shows the same numbers in a table. The statistics modules (``incidents.stats``) compute results;
this module only turns them into pictures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from safecity.incidents.stats.categories import BY_KEY
from safecity.incidents.stats.firearm import Firearm
from safecity.incidents.stats.spatial import Hotspots, confidence
from safecity.incidents.stats.trends import Trends

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


def bar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], values: Sequence[float | None],
              highlight: Sequence[bool] | None = None, width: int = 760, height: int = 260) -> SafeString:
    """Bars; a ``None`` value (no data on file) draws no bar and says "no data", never a bar of 0."""
    left, top, bottom = 56, 12, 46
    plot_w, plot_h = width - left - 10, height - top - bottom
    vmax = _nice_max(max((v for v in values if v is not None), default=0))
    body = _axes(left, top, plot_w, plot_h, vmax)
    n = max(1, len(values))
    step = plot_w / n
    every = max(1, math.ceil(n / 12))
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        x = left + i * step + step * 0.12
        if v is None:
            body.append(f'<text x="{x + step * 0.38:.1f}" y="{top + plot_h - 4}" text-anchor="middle" '
                        f'font-size="9" fill="{INK}"><title>{escape(label)}: no complete data</title>n/d</text>')
        else:
            h = plot_h * v / vmax
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
    else:  # an empty frame would read as a flat line at 0
        body.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                    f'font-size="14" fill="{INK}">Not enough complete data to draw</text>')
    return _frame(chart_id, title, desc, width, height, body)


def trend_charts(t: Trends, category: str) -> tuple[SafeString, SafeString]:
    """Monthly bars and the rolling 12-month line of one category."""
    series = t.of(category)
    labels = [p.month.strftime("%b %Y") for p in series.points]
    label = BY_KEY[category].label
    monthly = bar_chart(
        "trend-monthly", f"{label}: {series.unit} per month", f"Monthly {series.unit}, {labels[0]} to {labels[-1]}; "
        "months with no data on file have no bar (n/d), partial months are marked in the table below, which has "
        "the numbers.", labels, [p.count for p in series.points])
    rolling = line_chart(
        "trend-rolling", f"{label}: rolling 12-month sum of {series.unit}",
        f"Sum of the {t.rolling_months} months ending with each month, drawn only where all {t.rolling_months} "
        "months have complete data. The numbers are in the table below.", labels,
        [p.rolling_12 for p in series.points])
    return monthly, rolling


def firearm_chart(f: Firearm) -> SafeString:
    """Shooting victims in the same year-to-date period of each year, this year highlighted."""
    rows = list(reversed(f.year_to_date))
    return bar_chart(
        "firearm-ytd", f"Shooting victims, 1 January to {f.as_of:%d %B}, by year",
        "Shooting victims (fatal and non-fatal) in the same year-to-date period of each year; years without "
        "complete data on file have no bar (n/d), so a part-year never reads as a fall. The numbers are in the "
        "table below.",
        [str(r.year) for r in rows], [r.counts["shooting_victims"] if r.has_data else None for r in rows],
        highlight=[r.year == f.as_of.year for r in rows])


MAP_WIDTH = 800.0
MAX_POINTS_DRAWN = 4000
GI_FILL = {"99%": "#b50909", "95%": "#e5a000", "90%": "#f2d38a"}


def hotspot_map(h: Hotspots) -> dict[str, Any]:
    """The hot-spot map's geometry in viewBox units (y flipped so north is up), for the page's inline SVG."""
    g = h.grid
    if g is None:
        return {}
    x0, y0, x1, y1 = g.bbox
    scale = MAP_WIDTH / max(x1 - x0, 1.0)
    height = max(y1 - y0, 1.0) * scale

    def px(xm: float, ym: float) -> tuple[float, float]:
        return round((xm - x0) * scale, 1), round(height - (ym - y0) * scale, 1)

    def path(geometry: dict[str, Any]) -> str:
        polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        parts = []
        for poly in polys:
            for ring in poly:
                xs, ys = g.proj.xy([p[0] for p in ring], [p[1] for p in ring])
                pts = [px(a, b) for a, b in zip(xs.tolist(), ys.tolist(), strict=True)]
                parts.append("M" + " L".join(f"{a},{b}" for a, b in pts) + " Z")
        return " ".join(parts)

    gi_cells = []
    size = g.cell_m * scale
    for idx, z in enumerate(g.gi_z):
        level = confidence(z) if math.isfinite(z) else ""
        if level:
            r, c = divmod(idx, g.n_cols)
            cx, cy = px(g.origin[0] + c * g.cell_m, g.origin[1] + (r + 1) * g.cell_m)
            gi_cells.append({"x": cx, "y": cy, "size": round(size, 1), "fill": GI_FILL[level]})
    step = max(1, len(g.x) // MAX_POINTS_DRAWN)
    points = [px(a, b) for a, b in zip(g.x[::step], g.y[::step], strict=True)]
    labels = []
    for d in g.districts:
        centre = d.shape().representative_point()
        cx, cy = g.proj.xy([centre.x], [centre.y])
        labels.append({"text": d.code, "xy": px(float(cx[0]), float(cy[0]))})
    drawn: dict[str, Any] = {
        "width": MAP_WIDTH, "height": round(height, 1),
        "beats": [{"code": b.code, "d": path(b.geometry)} for b in g.beats],
        "districts": [{"code": d.code, "d": path(d.geometry)} for d in g.districts],
        "labels": labels, "gi": gi_cells, "points": points, "points_sampled": step > 1, "points_drawn": len(points),
    }
    drawn["shapes"] = _map_shapes(drawn)
    return drawn


def _map_shapes(drawn: dict[str, Any]) -> SafeString:
    """The map's cells, boundaries, points and labels as SVG markup. Joined here rather than looped over in the
    template: a template loop over thousands of points cost ~100 ms a page, this a few."""
    parts = [f'<rect x="{c["x"]}" y="{c["y"]}" width="{c["size"]}" height="{c["size"]}" fill="{c["fill"]}" '
             f'fill-opacity="0.75"/>' for c in drawn["gi"]]
    parts += [f'<path d="{b["d"]}" fill="none" stroke="#71767a" stroke-width="0.8"/>' for b in drawn["beats"]]
    parts += [f'<path d="{d["d"]}" fill="none" stroke="#1b1b1b" stroke-width="2"/>' for d in drawn["districts"]]
    parts += [f'<circle cx="{x}" cy="{y}" r="1.6" fill="#005ea2" fill-opacity="0.7"/>' for x, y in drawn["points"]]
    parts += [f'<text x="{lb["xy"][0]}" y="{lb["xy"][1]}" font-size="16" font-weight="bold" fill="#1b1b1b" '
              f'stroke="#ffffff" stroke-width="3" paint-order="stroke" text-anchor="middle">{escape(lb["text"])}</text>'
              for lb in drawn["labels"]]
    return mark_safe("".join(parts))  # noqa: S308 - numbers and fixed colours; the one text (a district code) escaped
