"""Printable CompStat report (PDF, reportlab): the CompStat page's own result object, laid out for paper."""

from __future__ import annotations

import io
import math
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safecity.incidents.stats.compstat import AREA_SUMMARY, Compstat

RED = colors.HexColor("#b50909")
GREEN = colors.HexColor("#00602b")


def fmt_pct(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:+.1f}%"


def fmt_count(value: int | None) -> str:
    """A count, or "n/d" when the period has no data on file (never 0)."""
    return "n/d" if value is None else str(value)


def fmt_z(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def compstat_pdf(report: Compstat, generated_by: str = "") -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(letter), leftMargin=0.5 * inch, rightMargin=0.5 * inch,
                            topMargin=0.5 * inch, bottomMargin=0.5 * inch,
                            title=f"CompStat {report.label} {report.as_of}", author="safecity",
                            subject="CompStat report")
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story = [
        Paragraph(f"CompStat - {report.label}", styles["Title"]),
        Paragraph(f"As of {report.as_of:%A %d %B %Y}. Counting: {report.counting}. Generated "
                  f"{timezone.localtime():%Y-%m-%d %H:%M} by {generated_by or 'system'}.", small),
    ]
    for w in report.windows:
        story.append(Paragraph(f"{w.label}: {w.start} to {w.end} vs {w.prior_start} to {w.prior_end}.", small))
    story.append(Paragraph(
        f"% change is undefined (shown as a dash) when the prior count is 0. Z = 2(sqrt(current) - sqrt(prior)); "
        f"only |Z| >= {report.z_threshold} is flagged (UP in red, DOWN in green), and only when at least "
        f"{report.min_expected:g} incidents are expected in each period. n/d = no data on file (data: "
        f"{report.coverage.window}); periods without complete data are not compared.", small))
    story.append(Spacer(1, 8))
    header1: list[Any] = ["Category", "Unit"]
    header2 = ["", ""]
    for w in report.windows:
        header1 += [w.label, "", "", "", ""]
        header2 += [str(w.end.year), str(w.prior_end.year), "Chg", "% chg", "Z"]
    data: list[list[Any]] = [header1, header2]
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
        ("FONT", (0, 0), (-1, 1), "Helvetica-Bold", 7.5),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#dfe1e2")),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
    ]
    for i in range(len(report.windows)):
        style.append(("SPAN", (2 + 5 * i, 0), (6 + 5 * i, 0)))
        style.append(("ALIGN", (2 + 5 * i, 0), (6 + 5 * i, 0), "CENTER"))
    for r_i, row in enumerate(report.rows, start=2):
        line: list[Any] = [row.label, row.unit]
        for w_i, cell in enumerate(row.cells.values()):
            mark = {"up": "UP ", "down": "DOWN "}.get(cell.flag or "", "")
            line += [fmt_count(cell.current), fmt_count(cell.prior),
                     "—" if cell.change is None else f"{cell.change:+d}", fmt_pct(cell.pct_change),
                     f"{mark}{fmt_z(cell.z)}"]
            if cell.flag:
                style.append(("TEXTCOLOR", (6 + 5 * w_i, r_i), (6 + 5 * w_i, r_i), RED if cell.flag == "up" else GREEN))
        if row.is_total:
            style.append(("FONT", (0, r_i), (-1, r_i), "Helvetica-Bold", 7.5))
        data.append(line)
    unit_style = small.clone("unit", fontSize=6.5, leading=8)
    for line in data[2:]:
        line[1] = Paragraph(str(line[1]), unit_style)
    widths = [1.9 * inch, 1.2 * inch] + [0.46 * inch] * 15
    story.append(Table(data, repeatRows=2, colWidths=widths, style=TableStyle(style)))
    if report.areas:
        story.append(Spacer(1, 12))
        story.append(Paragraph("By area: violent crime, property crime, shooting victims", styles["Heading2"]))
        data = [["Area"] + [h for _, _, heading in AREA_SUMMARY for h in (heading, "PY", "Z")]]
        for a in report.areas:
            line = [a.name]
            for _, c in a.summary:
                line += [fmt_count(c.current), fmt_count(c.prior), fmt_z(c.z) + (" *" if c.flag else "")]
            data.append(line)
        story.append(Table(data, repeatRows=1, style=TableStyle([
            ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe1e2"))])))
        story.append(Paragraph(f"* |Z| >= {report.z_threshold}. PY = same dates in the prior year.", small))
    doc.build(story)
    return buf.getvalue()
