"""Crime-analysis pages: CompStat, trends, upticks, hot spots, near repeat and firearm violence.

Every page requires the incidents module, validates its query string with a form (errors are shown,
never a 500), and offers its numbers as an accessible table and a CSV download (audited as an export).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from safecity.core.actions import permission_denied, record_export
from safecity.core.permissions import has_module
from safecity.core.roles import EXPORT, Module
from safecity.core.views import module_required
from safecity.incidents.stats import exports, svg
from safecity.incidents.stats.categories import CHOICES, UNIT_MODES
from safecity.incidents.stats.compstat import compstat
from safecity.incidents.stats.firearm import firearm_violence
from safecity.incidents.stats.scope import (
    Scope,
    area_choices,
    check_as_of,
    default_agency,
    resolve_scope,
    visible_agencies,
)
from safecity.incidents.stats.spatial import hotspots, near_repeat
from safecity.incidents.stats.trends import trends
from safecity.incidents.stats.upticks import upticks

SELECT = {"class": "usa-select"}
INPUT = {"class": "usa-input"}


class StatsForm(forms.Form):
    agency = forms.ChoiceField(label="Agency", required=False, widget=forms.Select(attrs=SELECT))
    area = forms.ChoiceField(label="Area", required=False, widget=forms.Select(attrs=SELECT))
    as_of = forms.DateField(label="As of", required=False, help_text="Default: the latest date with data.",
                            widget=forms.DateInput(attrs={**INPUT, "type": "date"}))

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        agencies = list(visible_agencies(user))
        agency_field: Any = self.fields["agency"]
        area_field: Any = self.fields["area"]
        agency_field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in agencies]
        chosen = next((a for a in agencies if a.ori == (data.get("agency") or "").upper()), None)
        chosen = chosen or default_agency(user)
        area_field.choices = area_choices(chosen) if chosen else [("", "Whole agency")]
        if chosen is not None:
            self.initial["agency"] = chosen.ori

    def clean_as_of(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("as_of")
        if value is not None and not dt.date(1900, 1, 1) <= value <= timezone.localdate() + dt.timedelta(days=1):
            raise ValidationError("Choose a date between 1900-01-01 and today.")
        return value


class CompstatForm(StatsForm):
    mode = forms.ChoiceField(label="Count", choices=list(UNIT_MODES.items()), required=False,
                             widget=forms.Select(attrs=SELECT))


class TrendsForm(CompstatForm):
    category = forms.ChoiceField(label="Chart category", choices=CHOICES, required=False, initial="violent",
                                 widget=forms.Select(attrs=SELECT))
    months = forms.IntegerField(label="Months", min_value=12, max_value=120, required=False,
                                widget=forms.NumberInput(attrs=INPUT))


class UptickForm(StatsForm):
    level = forms.ChoiceField(label="Areas", choices=[("all", "Districts and beats"), ("district", "Districts"),
                                                      ("beat", "Beats")], required=False,
                              widget=forms.Select(attrs=SELECT))


class HotspotForm(StatsForm):
    category = forms.ChoiceField(label="Category", choices=CHOICES, required=False, initial="violent",
                                 widget=forms.Select(attrs=SELECT))
    days = forms.IntegerField(label="Days", min_value=7, max_value=3660, required=False,
                              widget=forms.NumberInput(attrs=INPUT))
    cell_m = forms.IntegerField(label="Cell size (metres)", min_value=100, max_value=2000, required=False,
                                widget=forms.NumberInput(attrs=INPUT))


class NearRepeatForm(StatsForm):
    category = forms.ChoiceField(label="Category", choices=CHOICES, required=False, initial="shooting_incidents",
                                 widget=forms.Select(attrs=SELECT))
    days = forms.IntegerField(label="Days", min_value=7, max_value=3660, required=False,
                              widget=forms.NumberInput(attrs=INPUT))
    space_band = forms.IntegerField(label="Distance band width (metres)", min_value=10, max_value=2000,
                                    required=False, widget=forms.NumberInput(attrs=INPUT))
    time_band = forms.IntegerField(label="Time band width (days)", min_value=1, max_value=90, required=False,
                                   widget=forms.NumberInput(attrs=INPUT))
    permutations = forms.IntegerField(label="Permutations", min_value=19, max_value=999, required=False,
                                      widget=forms.NumberInput(attrs=INPUT))


PAGES = [
    ("incidents:stats_compstat", "CompStat"),
    ("incidents:stats_trends", "Monthly trends"),
    ("incidents:stats_upticks", "Upticks"),
    ("incidents:stats_hotspots", "Hot spots"),
    ("incidents:stats_near_repeat", "Near repeat"),
    ("incidents:stats_firearm", "Firearm violence"),
]


def _nav(current: str) -> list[dict[str, Any]]:
    return [{"url": reverse(name), "label": label, "current": name == current} for name, label in PAGES]


def _query(request: HttpRequest, **extra: str) -> str:
    params: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "format" and v}
    params.update(extra)
    return urlencode(params)


def _with_defaults(request: HttpRequest, form_class: type[forms.Form]) -> Any:
    """The query with each field's default filled in, so the form shows what the page actually computed."""
    data = request.GET.copy()
    for name, field in form_class.base_fields.items():
        if not data.get(name) and field.initial is not None:
            data[name] = field.initial
    return data


def _may_export(request: HttpRequest, scope: Scope, what: str) -> bool:
    """The decorator checked `export` somewhere; the numbers belong to one agency, so check it there too."""
    if has_module(request.user, Module.INCIDENTS, EXPORT, scope.agency.pk):
        return True
    permission_denied(actor=request.user, what=what, reason=f"{request.path} (export, {scope.agency.ori})")
    return False


def _csv_view(page_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The .csv twin of a page: the same view with fmt="csv", declared (and checked) as an export."""

    unguarded = inspect.unwrap(page_view)

    def view(request: HttpRequest) -> HttpResponse:
        response: HttpResponse = unguarded(request, fmt="csv")
        return response

    view.__name__ = view.__qualname__ = f"{page_view.__name__.removesuffix('_page')}_csv"
    view.__doc__ = f"CSV of {page_view.__name__} (an export)."
    return module_required(Module.INCIDENTS, EXPORT)(view)


def _page(
    request: HttpRequest, form_class: type[StatsForm], template: str, page: str,
    compute: Callable[[Scope, dt.date, dict[str, Any]], dict[str, Any]],
    csv_of: Callable[[dict[str, Any]], tuple[str, int]], what: str, fmt: str = "html",
) -> HttpResponse:
    if fmt != "csv" and request.GET.get("format") == "csv":
        # One URL per download, so the export right is declared (and checked) in one place: the .csv view.
        return redirect(f"{reverse(f'{page}_csv')}?{_query(request)}")
    form = form_class(_with_defaults(request, form_class), user=request.user)
    ctx: dict[str, Any] = {"form": form, "nav": _nav(page), "query": _query(request),
                           "csv_url": reverse(f"{page}_csv")}
    if not form.is_valid():
        return render(request, template, ctx, status=400)
    data = form.cleaned_data
    try:
        scope = resolve_scope(request.user, data.get("agency") or "", data.get("area") or "")
        as_of = check_as_of(data.get("as_of"), request.user, scope)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return render(request, template, ctx, status=400)
    if fmt == "csv" and not _may_export(request, scope, what):
        return render(request, "403.html", status=403)
    ctx.update({"scope": scope, "as_of": as_of,
                "can_export": has_module(request.user, Module.INCIDENTS, EXPORT, scope.agency.pk)})
    ctx.update(compute(scope, as_of, data))
    if fmt == "csv":
        body, n = csv_of(ctx)
        record_export(actor=request.user, what=what, rows=n, fmt="csv",
                      purpose=f"{scope.agency.ori} {scope.area_param} as of {as_of}".strip())
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        name = page.split("_", 1)[1]
        response["Content-Disposition"] = f'attachment; filename="{name}-{scope.agency.ori}-{as_of}.csv"'
        return response
    return render(request, template, ctx)


@module_required(Module.INCIDENTS)
def compstat_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    def compute(scope: Scope, as_of: dt.date, data: dict[str, Any]) -> dict[str, Any]:
        by: str | None = "beat" if scope.district is not None else "district"
        if scope.beat is not None:
            by = None
        return {"report": compstat(user=request.user, scope=scope, as_of=as_of, mode=data.get("mode") or "nibrs",
                                   by_area=by), "by_area": by}

    return _page(request, CompstatForm, "incidents/stats/compstat.html", "incidents:stats_compstat", compute,
                 lambda ctx: exports.compstat_csv(ctx["report"]), "incidents.compstat", fmt)


@module_required(Module.INCIDENTS, EXPORT)
def compstat_pdf(request: HttpRequest) -> HttpResponse:
    from safecity.incidents.report_pdf import compstat_pdf as render_pdf

    form = CompstatForm(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponse("Invalid report parameters: " + "; ".join(
            f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()), status=400,
            content_type="text/plain")
    data = form.cleaned_data
    try:
        scope = resolve_scope(request.user, data.get("agency") or "", data.get("area") or "")
        as_of = check_as_of(data.get("as_of"), request.user, scope)
    except ValidationError as exc:
        return HttpResponse("Invalid report parameters: " + "; ".join(exc.messages), status=400,
                            content_type="text/plain")
    if not _may_export(request, scope, "incidents.compstat"):
        return render(request, "403.html", status=403)
    by = None if scope.beat is not None else ("beat" if scope.district is not None else "district")
    report = compstat(user=request.user, scope=scope, as_of=as_of, mode=data.get("mode") or "nibrs", by_area=by)
    pdf = render_pdf(report, generated_by=request.user.get_username())
    record_export(actor=request.user, what="incidents.compstat", rows=len(report.rows), fmt="pdf",
                  purpose=f"{scope.agency.ori} {scope.area_param} as of {as_of}".strip())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="compstat-{scope.agency.ori}-{as_of}.pdf"'
    return response


@module_required(Module.INCIDENTS)
def trends_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    def compute(scope: Scope, as_of: dt.date, data: dict[str, Any]) -> dict[str, Any]:
        t = trends(user=request.user, scope=scope, as_of=as_of, months=data.get("months") or 36,
                   mode=data.get("mode") or "nibrs")
        key = data.get("category") or "violent"
        points = t.series[key]
        labels = [p.month.strftime("%b %Y") for p in points]
        label = dict(CHOICES)[key]
        unit = t.units[key]
        monthly = svg.bar_chart(
            "trend-monthly", f"{label}: {unit} per month", f"Monthly {unit}, {labels[0]} to {labels[-1]}; the last "
            "month is partial. The numbers are in the table below.", labels, [p.count for p in points])
        rolling = svg.line_chart(
            "trend-rolling", f"{label}: rolling 12-month sum of {unit}",
            "Sum of the 12 months ending with each month. The numbers are in the table below.", labels,
            [p.rolling_12 for p in points])
        return {"trends": t, "category": key, "category_label": label, "unit": unit, "points": points,
                "chart_monthly": monthly, "chart_rolling": rolling}

    return _page(request, TrendsForm, "incidents/stats/trends.html", "incidents:stats_trends", compute,
                 lambda ctx: exports.trends_csv(ctx["trends"]), "incidents.trends", fmt)


@module_required(Module.INCIDENTS)
def upticks_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    def compute(scope: Scope, as_of: dt.date, data: dict[str, Any]) -> dict[str, Any]:
        u = upticks(user=request.user, scope=scope, as_of=as_of, level=data.get("level") or "all")
        return {"upticks": u, "top": u.rows[:50]}

    return _page(request, UptickForm, "incidents/stats/upticks.html", "incidents:stats_upticks", compute,
                 lambda ctx: exports.upticks_csv(ctx["upticks"]), "incidents.upticks", fmt)


@module_required(Module.INCIDENTS)
def hotspots_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    def compute(scope: Scope, as_of: dt.date, data: dict[str, Any]) -> dict[str, Any]:
        h = hotspots(user=request.user, scope=scope, as_of=as_of, days=data.get("days") or 365,
                     category=data.get("category") or "violent", cell_m=data.get("cell_m") or 250)
        return {"hot": h}

    return _page(request, HotspotForm, "incidents/stats/hotspots.html", "incidents:stats_hotspots", compute,
                 lambda ctx: exports.hotspots_csv(ctx["hot"]), "incidents.hotspots", fmt)


def bands(width: float, n: int = 4) -> tuple[float, ...]:
    return tuple(float(width * (i + 1)) for i in range(n))


@module_required(Module.INCIDENTS)
def near_repeat_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    def compute(scope: Scope, as_of: dt.date, data: dict[str, Any]) -> dict[str, Any]:
        n = near_repeat(user=request.user, scope=scope, as_of=as_of, days=data.get("days") or 365,
                        category=data.get("category") or "shooting_incidents",
                        space_bands=bands(data.get("space_band") or 120), time_bands=bands(data.get("time_band") or 7),
                        permutations=data.get("permutations") or 99)
        return {"nr": n}

    return _page(request, NearRepeatForm, "incidents/stats/near_repeat.html", "incidents:stats_near_repeat",
                 compute, lambda ctx: exports.near_repeat_csv(ctx["nr"]), "incidents.near_repeat", fmt)


@module_required(Module.INCIDENTS)
def firearm_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    def compute(scope: Scope, as_of: dt.date, data: dict[str, Any]) -> dict[str, Any]:
        f = firearm_violence(user=request.user, scope=scope, as_of=as_of)
        rows = list(reversed(f.ytd))
        chart = svg.bar_chart(
            "firearm-ytd", f"Shooting victims, 1 January to {as_of:%d %B}, by year",
            "Shooting victims (fatal and non-fatal) in the same year-to-date period of each year; years before "
            "the data begins are shown as zero. The numbers are in the table below.",
            [str(r.year) for r in rows], [r.counts["shooting_victims"] for r in rows],
            highlight=[r.year == as_of.year for r in rows])
        return {"fa": f, "chart": chart}

    return _page(request, StatsForm, "incidents/stats/firearm.html", "incidents:stats_firearm", compute,
                 lambda ctx: exports.firearm_csv(ctx["fa"]), "incidents.firearm_violence", fmt)


compstat_csv = _csv_view(compstat_page)
trends_csv = _csv_view(trends_page)
upticks_csv = _csv_view(upticks_page)
hotspots_csv = _csv_view(hotspots_page)
near_repeat_csv = _csv_view(near_repeat_page)
firearm_csv = _csv_view(firearm_page)
