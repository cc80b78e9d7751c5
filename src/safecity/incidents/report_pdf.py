"""Printable CompStat report (PDF, ReportLab platypus): the CompStat page's own result object, laid out for paper.

Every figure sits in a table cell wide enough for it (cells wrap as paragraphs, never spill into the next
cell), one table per period as on the page, the executive summary in words, and a monthly trend chart drawn
with ReportLab graphics from the same scope's trend result. The layout test renders the PDF and checks that
no character is drawn over another (``incidents/tests/test_compstat_report.py``).
"""

from __future__ import annotations

import io
import math
from typing import Any

from django.utils import timezone
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from safecity.incidents import stats_present
from safecity.incidents.stats.compstat import Compstat
from safecity.incidents.stats.trends import Trends

RED = colors.HexColor("#b50909")
GREEN = colors.HexColor("#00602b")
BLUE = colors.HexColor("#005ea2")
ORANGE = colors.HexColor("#c05600")
GREY = colors.HexColor("#71767a")
HEAD = colors.HexColor("#dfe1e2")
PAGE = landscape(letter)
MARGIN = 0.5 * inch
WIDTH = PAGE[0] - 2 * MARGIN
# The chart's series: the two headline totals and shootings (the lines a CompStat meeting starts from).
CHART_SERIES = (("violent", "Violent crime", BLUE), ("property", "Property crime", GREY),
                ("shooting_incidents", "Shooting incidents", ORANGE))


def fmt_pct(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:+.1f}%"


def _rate(value: float | None) -> str:
    return "no population" if value is None else f"{value:,.1f}"


def _count(value: int | None) -> str:
    """A count, or "n/d" when the period has no data on file (never 0)."""
    return "n/d" if value is None else f"{value:,}"


def _change(value: int | None) -> str:
    return "—" if value is None else f"{value:+,}"


class _Styles:
    def __init__(self) -> None:
        base = getSampleStyleSheet()
        self.title = base["Title"].clone("sc-title", fontSize=16, leading=20, spaceAfter=4)
        self.h2 = base["Heading2"].clone("sc-h2", fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)
        self.body = base["BodyText"].clone("sc-body", fontSize=8.5, leading=11)
        self.small = base["BodyText"].clone("sc-small", fontSize=7.5, leading=9.5)
        self.cell = ParagraphStyle("sc-cell", fontName="Helvetica", fontSize=7.5, leading=9)
        self.cell_bold = self.cell.clone("sc-cell-bold", fontName="Helvetica-Bold")
        self.num = self.cell.clone("sc-num", alignment=TA_RIGHT)
        self.num_bold = self.num.clone("sc-num-bold", fontName="Helvetica-Bold")
        self.head = self.cell.clone("sc-head", fontName="Helvetica-Bold")
        self.head_num = self.head.clone("sc-head-num", alignment=TA_RIGHT)


def _z_text(cell: Any) -> str:
    if cell.z is None:  # not compared: a period without complete data
        return "—"
    if cell.flag == "up":
        return f'<font color="#b50909"><b>UP {cell.z:+.2f}</b></font>'
    if cell.flag == "down":
        return f'<font color="#00602b"><b>DOWN {cell.z:+.2f}</b></font>'
    return f"{cell.z:+.2f}"


def _period_table(report: Compstat, period: stats_present.Period, st: _Styles) -> Table:
    w = period.window
    heads = ["Category", "Unit", str(w.end.year), str(w.prior_end.year), "Change", "% change", "Z",
             f"Rate per 100,000 {w.end.year}", f"Rate per 100,000 {w.prior_end.year}"]
    data: list[list[Any]] = [[Paragraph(h, st.head if i < 2 else st.head_num) for i, h in enumerate(heads)]]
    for line in period.lines:
        c = line.cell
        text, num = (st.cell_bold, st.num_bold) if line.is_total else (st.cell, st.num)
        data.append([Paragraph(_esc(line.label), text), Paragraph(_esc(line.unit), text),
                     Paragraph(_count(c.current), num), Paragraph(_count(c.prior), num),
                     Paragraph(_change(c.change), num), Paragraph(fmt_pct(c.pct_change), num),
                     Paragraph(_z_text(c), num), Paragraph(_rate(line.rate), num),
                     Paragraph(_rate(line.prior_rate), num)])
    fixed = [2.3, 2.2, 0.6, 0.6, 0.6, 0.7, 0.85, 0.95]
    widths = [x * inch for x in fixed] + [WIDTH - sum(fixed) * inch]
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, GREY),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f0f0f0")]),
    ]))


def _area_table(report: Compstat, period: stats_present.Period, st: _Styles) -> Table:
    w = period.window
    heads = [(report.by_area or "area").capitalize()]
    for _, heading in stats_present.AREA_COLUMNS:
        heads += [f"{heading} {w.end.year}", str(w.prior_end.year), "Z"]
    data: list[list[Any]] = [[Paragraph(h, st.head if i == 0 else st.head_num) for i, h in enumerate(heads)]]
    for a in period.areas:
        line: list[Any] = [Paragraph(_esc(a.name), st.cell)]
        for _, _, c in a.cells:
            line += [Paragraph(_count(c.current), st.num), Paragraph(_count(c.prior), st.num),
                     Paragraph(_z_text(c), st.num)]
        data.append(line)
    first = 2.2 * inch
    rest = (WIDTH - first) / (len(heads) - 1)
    return Table(data, colWidths=[first] + [rest] * (len(heads) - 1), repeatRows=1, style=TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, GREY), ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))


def trend_chart(history: Trends, width: float = WIDTH, height: float = 2.3 * inch) -> Drawing:
    """Monthly counts of the headline series, with a legend under the plot and labels that do not collide."""
    drawing = Drawing(width, height)
    months = history.months
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 42
    chart.width, chart.height = width - 60, height - 62
    # A month without data has no point (None), never a 0 that would read as a month without crime.
    chart.data = [[None if p.count is None else float(p.count) for p in history.of(key).points]
                  for key, _, _ in CHART_SERIES]
    for i, (_, _, colour) in enumerate(CHART_SERIES):
        chart.lines[i].strokeColor = colour
        chart.lines[i].strokeWidth = 1.5
    every = max(1, math.ceil(len(months) / 12))
    chart.categoryAxis.categoryNames = [m.strftime("%b %y") if i % every == 0 else "" for i, m in enumerate(months)]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max((v for series in chart.data for v in series if v is not None), default=0.0)
    chart.valueAxis.valueMax = _nice_max(top)
    chart.valueAxis.valueStep = chart.valueAxis.valueMax / 4
    chart.valueAxis.gridStrokeColor = HEAD
    chart.valueAxis.visibleGrid = True
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, 10
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = "Helvetica"
    legend.fontSize = 7.5
    legend.dx, legend.dy = 10, 6
    legend.deltax = 130
    legend.colorNamePairs = [(colour, label) for _, label, colour in CHART_SERIES]
    drawing.add(legend)
    drawing.add(String(width - 4, height - 10, "the last month is partial", fontName="Helvetica", fontSize=7,
                       fillColor=GREY, textAnchor="end"))
    return drawing


def _nice_max(v: float) -> float:
    if v <= 0:
        return 4.0
    mag = 10.0 ** math.floor(math.log10(v))
    for m in (1.0, 2.0, 2.5, 4.0, 5.0, 10.0):
        if v <= m * mag:
            return m * mag
    return 10.0 * mag


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7)
    canvas.setFillColor(GREY)
    canvas.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, f"Page {doc.page}")
    canvas.restoreState()


def compstat_pdf(report: Compstat, generated_by: str = "", history: Trends | None = None) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=f"CompStat {report.label} {report.as_of}", author="safecity",
                            subject="CompStat report")
    st = _Styles()
    story: list[Flowable] = [
        Paragraph(f"CompStat: {_esc(report.label)}", st.title),
        Paragraph(f"As of {report.as_of:%A %d %B %Y}. Counting: {_esc(report.counting)}. Generated "
                  f"{timezone.localtime():%Y-%m-%d %H:%M} by {_esc(generated_by or 'system')}.", st.small),
        Paragraph("Biggest real changes", st.h2),
    ]
    summary = stats_present.executive_summary(report)
    if summary:
        story += [Paragraph(f"{i}. {_esc(text)}", st.body) for i, text in enumerate(summary, start=1)]
    else:
        story.append(Paragraph(f"No change in any period is larger than normal variation "
                               f"(|Z| &lt; {report.z_threshold}).", st.body))
    if history is not None:
        story.append(KeepTogether([
            Paragraph(f"Monthly trend, {history.months[0]:%B %Y} to {history.months[-1]:%B %Y}", st.h2),
            trend_chart(history)]))
    for window in stats_present.reading_order(report):
        period = stats_present.period_view(report, window)
        block: list[Flowable] = [
            Paragraph(f"{_esc(window.label)}: {window.start:%d %b %Y} to {window.end:%d %b %Y}, against "
                      f"{window.prior_start:%d %b %Y} to {window.prior_end:%d %b %Y}", st.h2),
            _population_note(period, st),
            _period_table(report, period, st),
        ]
        story += [CondPageBreak(2.5 * inch), *block]
        if period.areas:
            story += [Spacer(1, 6), Paragraph(f"By {report.by_area}: {_esc(window.label.lower())}", st.body),
                      _area_table(report, period, st)]
    story += [Spacer(1, 8), Paragraph(
        f"% change is undefined (a dash) when the prior count is 0. Z = 2(&#8730;current &#8722; &#8730;prior); "
        f"only |Z| &gt;= {report.z_threshold} is flagged (UP in red, DOWN in green), and only when at least "
        f"{report.min_expected:g} incidents are expected in each period. n/d = no data on file (data: "
        f"{_esc(report.coverage.window)}); periods without complete data are not compared. A rate is the period's "
        "count per 100,000 residents, not annualised.", st.small)]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buf.getvalue()


def _population_note(period: stats_present.Period, st: _Styles) -> Paragraph:
    if period.population:
        return Paragraph(f"Rates per 100,000 residents: population {period.population:,} "
                         f"({period.window.end.year}).", st.small)
    return Paragraph("Rates per 100,000: no population figure for this area.", st.small)


def _esc(text: str) -> str:
    """Agency and area names are data: escape them for ReportLab's paragraph mark-up."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
