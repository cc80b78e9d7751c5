"""Crime-analysis pages: CompStat, trends, upticks, hot spots, near repeat and firearm violence.

Every page requires the incidents module and takes the same parameter schema as its API endpoint
(``incidents.schemas``): the form is drawn from the schema and the query string is validated by it, so the
page and the API refuse the same values on the same field and compute with the same defaults (errors are
shown, never a 500). Each page offers its numbers as an accessible table and a CSV download (audited as an
export); CompStat also as a PDF, rendered from the same result object.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any, ClassVar, Literal, get_args, get_origin

import pydantic
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from safecity.core.actions import permission_denied, record_export
from safecity.core.permissions import has_module
from safecity.core.roles import EXPORT, Module
from safecity.core.templatetags.resultcache_tags import fragment_key
from safecity.core.views import module_required
from safecity.incidents import charts
from safecity.incidents import stats_present as present_compstat
from safecity.incidents.schemas import (
    CHOICE_LABELS,
    Category,
    CompstatQuery,
    FirearmQuery,
    HotspotQuery,
    NearRepeatQuery,
    ScopeQuery,
    TrendsQuery,
    UptickQuery,
)
from safecity.incidents.stats import exports
from safecity.incidents.stats.scope import (
    ALL,
    Scope,
    area_choices,
    default_agency,
    prefers_rollup,
    visible_agencies,
)

SELECT = {"class": "usa-select"}
INPUT = {"class": "usa-input"}


class TrendsPageQuery(TrendsQuery):
    """The page draws one category at a time (the API answers every category)."""

    category: Category = pydantic.Field("violent", title="Chart category")


def _widget(name: str, info: Any) -> forms.Widget:
    if name in ("agency", "area") or get_origin(info.annotation) is Literal:
        return forms.Select(attrs=SELECT)
    if info.annotation is int:
        bounds = {k: getattr(m, k) for m in info.metadata for k in ("ge", "le") if hasattr(m, k)}
        return forms.NumberInput(attrs={**INPUT, **({"min": bounds["ge"]} if "ge" in bounds else {}),
                                        **({"max": bounds["le"]} if "le" in bounds else {})})
    if info.annotation is dt.date or dt.date in get_args(info.annotation):
        return forms.DateInput(attrs={**INPUT, "type": "date"})
    return forms.TextInput(attrs=INPUT)


class ParamsForm(forms.Form):
    """A form drawn from a parameter schema. The fields only display; the schema alone decides what is valid."""

    schema: ClassVar[type[ScopeQuery]]
    params: ScopeQuery

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        agencies = list(visible_agencies(user))
        agency_field: Any = self.fields["agency"]
        area_field: Any = self.fields["area"]
        agency_field.widget.choices = [(a.ori, f"{a.name} ({a.ori})") for a in agencies]
        asked = (data.get("agency") or "").upper()
        shown: str | None = None
        if self.schema.rollup and len(agencies) > 1:
            agency_field.widget.choices.insert(0, (ALL, "All agencies you can see (roll-up)"))
            if asked == ALL or (not asked and prefers_rollup(user)):
                area_field.widget.choices = area_choices(None)
                shown = ALL
        if shown is None:
            chosen = next((a for a in agencies if a.ori == asked), None)
            chosen = chosen or default_agency(user)
            area_field.widget.choices = area_choices(chosen) if chosen else [("", "Whole agency")]
            shown = chosen.ori if chosen is not None else None
        if shown is not None and not asked:
            # A bound form shows its data, not its initial values: without this the select would show its
            # first option (another agency) above numbers computed for the default one.
            data = data.copy()
            data["agency"] = shown
            self.data = data

    @classmethod
    def of(cls, schema: type[ScopeQuery]) -> type[ParamsForm]:
        fields: dict[str, Any] = {"schema": schema}
        for name, info in schema.model_fields.items():
            widget = _widget(name, info)
            if name in CHOICE_LABELS and isinstance(widget, forms.Select):
                allowed = get_args(info.annotation)
                widget.choices = [(k, v) for k, v in CHOICE_LABELS[name].items() if k in allowed]
            initial = info.default if info.default not in (None, "") else None
            # The API's descriptions explain the raw values; a select's options already say it in words.
            hint = "" if isinstance(widget, forms.Select) else info.description or ""
            fields[name] = forms.CharField(label=info.title or name, required=False, widget=widget, help_text=hint,
                                           initial=initial)
        return type(f"{schema.__name__}Form", (cls,), fields)

    def clean(self) -> dict[str, Any]:
        raw = {name: self.data.get(name) for name in self.fields if self.data.get(name) is not None}
        try:
            self.params = self.schema.model_validate(raw)
        except pydantic.ValidationError as exc:
            for error in exc.errors():
                loc = error.get("loc") or ("",)
                field = str(loc[0])
                self.add_error(field if field in self.fields else None, error["msg"])
        return self.cleaned_data


CompstatForm = ParamsForm.of(CompstatQuery)
TrendsForm = ParamsForm.of(TrendsPageQuery)
UptickForm = ParamsForm.of(UptickQuery)
HotspotForm = ParamsForm.of(HotspotQuery)
NearRepeatForm = ParamsForm.of(NearRepeatQuery)
FirearmForm = ParamsForm.of(FirearmQuery)


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
            data[name] = str(field.initial)
    return data


def _may_export(request: HttpRequest, scope: Scope, what: str) -> bool:
    """The decorator checked `export` somewhere; the numbers belong to the scope's agencies, so check each."""
    if _can_export(request, scope):
        return True
    permission_denied(actor=request.user, what=what, reason=f"{request.path} (export, {scope.ori})")
    return False


def _can_export(request: HttpRequest, scope: Scope) -> bool:
    return all(has_module(request.user, Module.INCIDENTS, EXPORT, a.pk) for a in scope.agencies)


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
    request: HttpRequest, form_class: type[ParamsForm], template: str, page: str,
    present: Callable[[Any, Any], dict[str, Any]], csv_of: Callable[[Any], tuple[str, int]], what: str,
    fmt: str = "html", pdf_of: Callable[[Any, str], bytes] | None = None,
    draw: Callable[[Any], Any] | None = None,
) -> HttpResponse:
    """One analysis page and its downloads: validate with the schema, run it, then show or export the result.

    ``present(result, params)`` adds what the template needs beyond the result (charts, the chosen rows).
    """
    if fmt == "html" and request.GET.get("format") == "csv":
        # One URL per download, so the export right is declared (and checked) in one place: the .csv view.
        return redirect(f"{reverse(f'{page}_csv')}?{_query(request)}")
    form = form_class(_with_defaults(request, form_class), user=request.user)
    ctx: dict[str, Any] = {"form": form, "nav": _nav(page), "query": _query(request),
                           "csv_url": reverse(f"{page}_csv")}
    if not form.is_valid():
        return render(request, template, ctx, status=400)
    params = form.params
    try:
        scope, as_of = params.resolve(request.user)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return render(request, template, ctx, status=400)
    if fmt != "html" and not _may_export(request, scope, what):
        return render(request, "403.html", status=403)
    key = params.cache_key(request.user, scope, as_of)
    if draw is not None and fmt == "html":  # a drawing (the hot-spot map) is cached with its result
        result, ctx["drawn"] = params.result_drawn(request.user, scope, as_of, draw, key=key)
    else:
        result = params.result(request.user, scope, as_of, key=key)
    purpose = f"{scope.ori} {scope.area_param} as of {as_of}".strip()
    name = page.split("_", 1)[1]
    if fmt == "csv":
        body, n = csv_of(result)
        record_export(actor=request.user, what=what, rows=n, fmt="csv", purpose=purpose)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{scope.ori}-{as_of}.csv"'
        return response
    if fmt == "pdf" and pdf_of is not None:
        pdf = pdf_of(result, request.user.get_username())
        record_export(actor=request.user, what=what, rows=len(result.rows), fmt="pdf", purpose=purpose)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}-{scope.ori}-{as_of}.pdf"'
        return response
    can_export = _can_export(request, scope)
    # The tables are rendered once per result and query (`{% cachedresults %}` in _layout.html): what they
    # show depends on nothing else (present() reads the result, the parameters and the query string).
    results_key = fragment_key(key, template, sorted(request.GET.lists()), can_export)
    ctx.update({"scope": scope, "as_of": as_of, "result": result, "can_export": can_export,
                "results_key": results_key})
    ctx.update(present(result, params))
    ctx.update(ctx.pop("drawn", None) or {})
    return render(request, template, ctx)


def _nothing(result: Any, params: Any) -> dict[str, Any]:
    return {}


@module_required(Module.INCIDENTS)
def compstat_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    from safecity.incidents.stats.trends import trends

    def present(report: Any, params: Any) -> dict[str, Any]:
        # One period at a time (a server-side switch: works without JavaScript, each tab is a plain link).
        window = present_compstat.choose_period(report, request.GET.get("period"))
        tabs = [{"key": w.key, "label": w.label, "current": w.key == window.key,
                 "url": f"?{_query(request, period=w.key)}"} for w in report.windows]
        return {"period": present_compstat.period_view(report, window), "tabs": tabs,
                "summary": present_compstat.executive_summary(report),
                "area_columns": [heading for _, heading in present_compstat.AREA_COLUMNS]}

    def pdf_of(report: Any, generated_by: str) -> bytes:
        # Imported here: the PDF library takes seconds to import, which the page itself must not pay.
        from safecity.incidents.report_pdf import compstat_pdf as render_pdf

        # The report's chart: 24 months of the headline categories, from the same scope and counting.
        history = trends(user=request.user, scope=report.scope, as_of=report.as_of, months=24,
                         mode=_mode_of(request))
        return render_pdf(report, generated_by, history=history)

    return _page(request, CompstatForm, "incidents/stats/compstat.html", "incidents:stats_compstat", present,
                 exports.compstat_csv, "incidents.compstat", fmt, pdf_of=pdf_of)


def _mode_of(request: HttpRequest) -> str:
    mode = request.GET.get("mode") or "nibrs"
    return mode if mode in CHOICE_LABELS["mode"] else "nibrs"


@module_required(Module.INCIDENTS, EXPORT)
def compstat_pdf(request: HttpRequest) -> HttpResponse:
    """The printable CompStat report: the page's result object, rendered by ``report_pdf`` (an export)."""
    response: HttpResponse = inspect.unwrap(compstat_page)(request, fmt="pdf")
    return response


@module_required(Module.INCIDENTS)
def trends_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    def present(t: Any, params: Any) -> dict[str, Any]:
        monthly, rolling = charts.trend_charts(t, params.category)
        series = t.of(params.category)
        return {"category_label": CHOICE_LABELS["category"][params.category], "unit": series.unit,
                "points": series.points, "chart_monthly": monthly, "chart_rolling": rolling}

    return _page(request, TrendsForm, "incidents/stats/trends.html", "incidents:stats_trends", present,
                 exports.trends_csv, "incidents.trends", fmt)


@module_required(Module.INCIDENTS)
def upticks_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    return _page(request, UptickForm, "incidents/stats/upticks.html", "incidents:stats_upticks", _nothing,
                 exports.upticks_csv, "incidents.upticks", fmt)


def hotspot_map_drawing(h: Any) -> dict[str, Any]:
    # The page draws the joined `shapes`; the lists they were joined from would only be pickled and unpickled.
    drawn = charts.hotspot_map(h)
    return {"map": {k: v for k, v in drawn.items() if k not in ("gi", "beats", "districts", "points", "labels")}}


@module_required(Module.INCIDENTS)
def hotspots_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    return _page(request, HotspotForm, "incidents/stats/hotspots.html", "incidents:stats_hotspots",
                 _nothing, exports.hotspots_csv, "incidents.hotspots", fmt, draw=hotspot_map_drawing)


@module_required(Module.INCIDENTS)
def near_repeat_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    return _page(request, NearRepeatForm, "incidents/stats/near_repeat.html", "incidents:stats_near_repeat",
                 _nothing, exports.near_repeat_csv, "incidents.near_repeat", fmt)


@module_required(Module.INCIDENTS)
def firearm_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    return _page(request, FirearmForm, "incidents/stats/firearm.html", "incidents:stats_firearm",
                 lambda f, _: {"chart": charts.firearm_chart(f)}, exports.firearm_csv, "incidents.firearm_violence",
                 fmt)


compstat_csv = _csv_view(compstat_page)
trends_csv = _csv_view(trends_page)
upticks_csv = _csv_view(upticks_page)
hotspots_csv = _csv_view(hotspots_page)
near_repeat_csv = _csv_view(near_repeat_page)
firearm_csv = _csv_view(firearm_page)
