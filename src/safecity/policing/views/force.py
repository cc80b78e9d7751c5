"""Use-of-force pages: the kit's list/detail/form/CSV, the public-safe summary (page + CSV) and the FBI file."""

from __future__ import annotations

import datetime as dt
import json
import re

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safecity.core import csvsafe
from safecity.core import selectors as core_selectors
from safecity.core.actions import record_export
from safecity.core.kit import views as kit_views
from safecity.core.roles import EXPORT, VIEW, Module
from safecity.core.views import module_required
from safecity.policing import selectors
from safecity.policing.kit.force import FORCE_INCIDENTS

force_list = kit_views.list_view(FORCE_INCIDENTS)
force_detail = kit_views.detail_view(FORCE_INCIDENTS)
force_create = kit_views.create_view(FORCE_INCIDENTS)
force_edit = kit_views.edit_view(FORCE_INCIDENTS)
force_export = kit_views.export_view(FORCE_INCIDENTS)

DATE = {"type": "date"}


class SummaryForm(forms.Form):
    date_from = forms.DateField(label="From", required=False, help_text="YYYY-MM-DD",
                                widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    date_to = forms.DateField(label="To", required=False, help_text="YYYY-MM-DD, inclusive",
                              widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
            self.add_error("date_to", "Must not be before the start.")
        return data


@module_required(Module.POLICING, VIEW)
def summary(request: HttpRequest) -> HttpResponse:
    form = SummaryForm(request.GET or None)
    valid = form.is_bound and form.is_valid()
    data = form.cleaned_data if valid else {}
    if form.is_bound and not valid:
        return render(request, "policing/force_summary.html", {"form": form, "result": None}, status=400)
    result = selectors.public_summary(user=request.user, date_from=data.get("date_from"), date_to=data.get("date_to"))
    return render(request, "policing/force_summary.html", {"form": form, "result": result,
                                                             "query": request.GET.urlencode()})


@module_required(Module.POLICING, VIEW, EXPORT)
def summary_csv(request: HttpRequest) -> HttpResponse:
    form = SummaryForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        problems = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    data = form.cleaned_data if form.is_bound else {}
    result = selectors.public_summary(user=request.user, date_from=data.get("date_from"), date_to=data.get("date_to"))
    rows = [(key, cell.label, cell.shown) for key, _, cells in result.tables for cell in cells]
    text, n = csvsafe.render(["table", "group", "incidents"], rows, preamble=[
        "Public-safe use-of-force summary: no names or badge numbers; officer ids are keyed hashes.",
        f"Counts below {result.small_cell} are shown as <{result.small_cell}."])
    record_export(actor=request.user, what="policing.useofforceincident.summary", rows=n, fmt="csv")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="use-of-force-summary.csv"'
    return response


class FbiForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    month = forms.CharField(label="Month", help_text="YYYY-MM", max_length=7,
                            widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, data: object = None, *, user: object) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        field: forms.ChoiceField = self.fields["agency"]  # type: ignore[assignment]
        agencies = core_selectors.agencies_where(user=user, module=Module.POLICING, action=EXPORT)
        field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in agencies]

    def clean_month(self) -> tuple[int, int]:
        raw = str(self.cleaned_data.get("month") or "").strip()
        try:
            day = dt.date.fromisoformat(raw + "-01") if re.fullmatch(r"\d{4}-\d{2}", raw) else None
        except ValueError:
            day = None
        if day is None:
            raise forms.ValidationError("Give the month as YYYY-MM.")
        if day < dt.date(2019, 1, 1) or day > timezone.localdate():
            raise forms.ValidationError("The collection starts in 2019-01; the month cannot be in the future.")
        return day.year, day.month


@module_required(Module.POLICING, VIEW, EXPORT)
def fbi_export(request: HttpRequest) -> HttpResponse:
    """The FBI use-of-force bulk file for one agency and month (a zero report when nothing was reportable)."""
    form = FbiForm(request.GET or None, user=request.user)
    if not form.is_bound or not form.is_valid():
        return render(request, "policing/force_fbi.html", {"form": form}, status=400 if form.is_bound else 200)
    year, month = form.cleaned_data["month"]
    try:
        document = selectors.fbi_month(user=request.user, ori=form.cleaned_data["agency"], year=year, month=month)
    except ObjectDoesNotExist:
        form.add_error("agency", "You may not export this agency's records.")
        return render(request, "policing/force_fbi.html", {"form": form}, status=400)
    except ValueError as exc:
        form.add_error(None, str(exc))
        return render(request, "policing/force_fbi.html", {"form": form}, status=400)
    incidents = sum("Incident" in item for item in document)
    record_export(actor=request.user, what="policing.useofforceincident.fbi", rows=incidents, fmt="json")
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/json")
    name = f"uof-{form.cleaned_data['agency']}-{year:04d}-{month:02d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
