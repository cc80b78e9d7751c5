"""Resident survey pages: waves (kit), a wave's results with an entry form, and one item by district over
time (table, chart with its data table, CSV)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from safecity.core import csvsafe
from safecity.core import selectors as core_selectors
from safecity.core.actions import record_export, record_viewed
from safecity.core.kit import views as kit_views
from safecity.core.kit.forms import applied
from safecity.core.permissions import has_module
from safecity.core.roles import CHANGE, EXPORT, VIEW, Module
from safecity.core.views import module_required
from safecity.policing import actions, selectors
from safecity.policing.forms.community import SurveyResultForm, SurveyResultsQuery
from safecity.policing.kit.community import WAVES
from safecity.policing.models import SurveyItem
from safecity.policing.selectors.community import SurveySeries
from safecity.policing.views.community import _get

wave_list = kit_views.list_view(WAVES)
wave_create = kit_views.create_view(WAVES)
wave_edit = kit_views.edit_view(WAVES)
wave_export = kit_views.export_view(WAVES)


def _wave_page(request: HttpRequest, wave: Any, form: SurveyResultForm | None = None,
               status: int = 200) -> HttpResponse:
    can_change = has_module(request.user, Module.POLICING, CHANGE, wave.agency_id)
    results = selectors.survey_result_list(user=request.user).filter(wave=wave)
    return render(request, "policing/community/wave_detail.html", {
        "kit": WAVES, "object": wave, "wave": wave, "title": wave.name, "results": results,
        "history": core_selectors.object_history(user=request.user, obj=wave), "can_edit": can_change,
        "form": form or (SurveyResultForm(user=request.user, wave=wave) if can_change else None),
    }, status=status)


@module_required(Module.POLICING, VIEW)
def wave_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    wave = _get(selectors.wave_get, request.user, public_id)
    record_viewed(actor=request.user, obj=wave)
    return _wave_page(request, wave)


@module_required(Module.POLICING, CHANGE)
def wave_result(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    wave = _get(selectors.wave_get, request.user, public_id, CHANGE)
    form = SurveyResultForm(request.POST if request.method == "POST" else None, user=request.user, wave=wave)
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: actions.survey_result_set(actor=request.user, wave=wave, **form.action_kwargs())):
        return redirect(reverse("policing_surveys:detail", kwargs={"public_id": wave.public_id}) + "#results")
    return _wave_page(request, wave, form, status=400)


# ---- One item by district over time ----------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """One district's series drawn in the chart (SVG coordinates computed here, so the template only places)."""

    label: str  # "1 — Central District", as the table names the district
    colour: str
    points: str  # "x,y x,y" for <polyline>
    marks: tuple[tuple[float, float, float, float, str], ...]  # x, y, y of CI low, y of CI high, title
    label_y: float = 0.0  # where the end label sits: beside the last point, moved apart from its neighbours


@dataclass(frozen=True)
class Chart:
    lines: list[Line]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    right: int  # room at the right for the lines' end labels

    def frame(self) -> dict[str, int]:
        w = W - RIGHT + self.right
        return {"w": w, "h": H, "left": LEFT, "right": w - self.right, "top": TOP, "bottom": H - BOTTOM}


W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 300, 56, 80, 16, 40
LABEL_GAP = 14  # px between two end labels' baselines at font-size 12, so close lines' names do not overlap
# Dark colours (contrast ≥ 4.5:1 on white, so the end labels read as text); districts beyond five repeat them.
COLOURS = ("#005ea2", "#b50909", "#00754a", "#5e519e", "#1b1b1b")
LABEL_CHARS = 32  # a longer end label is cut (the point's title and the table keep the whole name)
CHAR_WIDTH = 7  # px per character at font-size 12, a generous average for the margin


def district_label(s: SurveySeries, *, with_agency: bool) -> str:
    """The district as the table names it: "1 — Central District" (with the ORI when several agencies show)."""
    text = f"{s.district} — {s.district_name}" if s.district_name else s.district
    return f"{text} ({s.agency})" if with_agency else text


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip() + "…"


def _chart(series: list[SurveySeries]) -> Chart:
    waves = sorted({(p.wave_end, p.wave) for s in series for p in s.points})
    if not waves:
        return Chart([], [], [], RIGHT)
    step = (W - LEFT - RIGHT) / max(1, len(waves) - 1)
    xs = {code: LEFT + (i * step if len(waves) > 1 else (W - LEFT - RIGHT) / 2) for i, (_, code) in enumerate(waves)}

    def y(pct: float) -> float:
        return round(TOP + (100 - pct) / 100 * (H - TOP - BOTTOM), 1)

    several = len({s.agency for s in series}) > 1
    lines = []
    for n, s in enumerate(series):
        name = district_label(s, with_agency=several)
        marks = tuple((round(xs[p.wave], 1), y(p.percent), y(p.ci_low), y(p.ci_high),
                       f"District {name}, {p.wave}: {p.percent:.0f}% (95% CI {p.ci_low:.0f}–{p.ci_high:.0f}%)")
                      for p in s.points)
        points = " ".join(f"{m[0]},{m[1]}" for m in marks)
        lines.append(Line(_short(name), COLOURS[n % len(COLOURS)], points, marks, marks[-1][1] if marks else 0.0))
    lines = _spread_labels(lines)
    # the plot keeps its width; the drawing widens on the right so the longest end label fits
    right = max(RIGHT, 12 + CHAR_WIDTH * max(len(line.label) for line in lines))
    return Chart(lines, [(round(xs[c], 1), c) for _, c in waves], [(y(v), v) for v in (0, 25, 50, 75, 100)], right)


def _spread_labels(lines: list[Line]) -> list[Line]:
    """End labels at least LABEL_GAP apart, each as near its line's last point as that allows (top to bottom,
    pushed down; then, if the lowest ran off the frame, the stack is pulled back up)."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].label_y)
    placed: dict[int, float] = {}
    previous = -float("inf")
    for i in order:
        placed[i] = max(lines[i].label_y, previous + LABEL_GAP)
        previous = placed[i]
    overflow = previous - (H - BOTTOM // 2)
    if overflow > 0:
        placed = {i: y - overflow for i, y in placed.items()}
    return [replace(line, label_y=round(placed[i], 1)) for i, line in enumerate(lines)]


def _problems(form: SurveyResultsQuery) -> list[str]:
    return [f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in form.errors.items()]


@module_required(Module.POLICING, VIEW)
def survey_results(request: HttpRequest) -> HttpResponse:
    """One item by district over time. The item (default trust) and the agency (one the user may see, by ORI)
    come through `SurveyResultsQuery`, as in the CSV and the API; a refused value is named above the form and
    on its field."""
    form = SurveyResultsQuery(request.GET, user=request.user)
    context: dict[str, Any] = {"form": form, "items": SurveyItem.choices,
                               "agencies": form.fields["agency"].choices}  # type: ignore[attr-defined]
    if not form.is_valid():
        return render(request, "policing/community/surveys.html", {
            **context, "problems": _problems(form), "item": form.cleaned_data.get("item", ""),
            "agency": form.cleaned_data.get("agency", "")}, status=400)
    item, agency = form.cleaned_data["item"], form.cleaned_data["agency"]
    series = selectors.survey_series(user=request.user, item=item, agency_ori=agency)
    chart = _chart(series)
    waves = sorted({(p.wave_end, p.wave, p.wave_name) for s in series for p in s.points})
    table = [(s, [next((p for p in s.points if p.wave == code), None) for _, code, _ in waves]) for s in series]
    return render(request, "policing/community/surveys.html", {
        **context, "item": item, "item_label": SurveyItem(item).label, "agency": agency,
        "series": series, "waves": waves, "table": table, "lines": chart.lines, "x_ticks": chart.x_ticks,
        "y_ticks": chart.y_ticks, "chart": chart.frame(),
        "wave_count": selectors.wave_list(user=request.user).count(),
    })


CSV_HEADER = ("Agency", "District", "District name", "Wave", "Wave name", "Fieldwork ended", "Item", "n", "Agree",
              "Percent agree", "95% CI low", "95% CI high")


@module_required(Module.POLICING, VIEW, EXPORT)
def survey_results_csv(request: HttpRequest) -> HttpResponse:
    form = SurveyResultsQuery(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponse("Invalid filter — " + " ".join(_problems(form)) + "\n", status=400,
                            content_type="text/plain; charset=utf-8")
    item, agency = form.cleaned_data["item"], form.cleaned_data["agency"]
    series = selectors.survey_series(user=request.user, item=item, agency_ori=agency, action=EXPORT)
    rows = [(s.agency, s.district, s.district_name, p.wave, p.wave_name, p.wave_end, item, p.n, p.agree,
             round(p.percent, 2), round(p.ci_low, 2), round(p.ci_high, 2)) for s in series for p in s.points]
    text, _ = csvsafe.render(CSV_HEADER, rows)
    record_export(actor=request.user, what="policing.surveyresult", rows=len(rows), fmt="csv",
                  purpose=f"{request.path} item={item}")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{item}-{timezone.localdate()}.csv"'
    return response
