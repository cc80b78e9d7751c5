"""Printable CompStat report (PDF, reportlab): the same numbers as the CompStat page."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safecity.incidents.stats.compstat import Compstat, fmt_pct

RED = colors.HexColor("#b50909")
GREEN = colors.HexColor("#00602b")


def compstat_pdf(report: Compstat, generated_by: str = "") -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(letter), leftMargin=0.5 * inch, rightMargin=0.5 * inch,
                            topMargin=0.5 * inch, bottomMargin=0.5 * inch,
                            title=f"CompStat {report.scope.label} {report.as_of}", author="safecity",
                            subject="CompStat report")
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story = [
        Paragraph(f"CompStat - {report.scope.label}", styles["Title"]),
        Paragraph(f"As of {report.as_of:%A %d %B %Y}. Counting: {report.mode_label}. Generated "
                  f"{timezone.localtime():%Y-%m-%d %H:%M} by {generated_by or 'system'}.", small),
    ]
    for cur, prior in report.windows:
        story.append(Paragraph(f"{cur.label}: {cur.start} to {cur.end} vs {prior.start} to {prior.end}.", small))
    story.append(Paragraph(
        f"% change is undefined (shown as a dash) when the prior count is 0. Z = 2(sqrt(current) - sqrt(prior)); "
        f"only |Z| >= {report.z_threshold} is flagged (UP in red, DOWN in green).", small))
    story.append(Spacer(1, 8))
    header1: list[Any] = ["Category", "Unit"]
    header2 = ["", ""]
    for cur, prior in report.windows:
        header1 += [cur.label, "", "", "", ""]
        header2 += [str(cur.end.year), str(prior.end.year), "Chg", "% chg", "Z"]
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
        line: list[Any] = [row.label, row.unit_label]
        for w_i, cell in enumerate(row.cells.values()):
            mark = {"up": "UP ", "down": "DOWN "}.get(cell.flag or "", "")
            line += [cell.current, cell.prior, f"{cell.change:+d}", fmt_pct(cell.pct_change), f"{mark}{cell.z:.2f}"]
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
        data = [["Area", "Violent 28d", "PY", "Z", "Violent YTD", "PY", "Z", "Property YTD", "PY", "Z",
                 "Shooting victims YTD", "PY", "Z"]]
        for a in report.areas:
            line = [a["name"]]
            for key, w in (("violent", "d28"), ("violent", "ytd"), ("property", "ytd"), ("shooting_victims", "ytd")):
                c = a["rows"][key].cells[w]
                line += [c.current, c.prior, f"{c.z:.2f}" + (" *" if c.flag else "")]
            data.append(line)
        story.append(Table(data, repeatRows=1, style=TableStyle([
            ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe1e2"))])))
        story.append(Paragraph("* |Z| >= 1.96. PY = same dates in the prior year.", small))
    doc.build(story)
    return buf.getvalue()
