"""Filters, search and sorting declared once and used by the list page, the CSV export and the API list.

A module declares its filters as a tuple of `Filter` objects (plus an optional `Search` and the sortable
`Column`s). From that one declaration the kit builds a Django form (the page's filter form, also the
validator for the CSV and the API, so all three accept and refuse the same values with the same messages)
and the API's query schema (documented in OpenAPI). Every value arrives as text and is cleaned by the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict

from safecity.core import selectors as core_selectors
from safecity.core.roles import VIEW

Choices = Sequence[tuple[str, str]]
Apply = Callable[[QuerySet[Any], Any], QuerySet[Any]]
SORT_PARAM = "sort"
SEARCH_PARAM = "q"
EARLIEST = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Filter:
    """One filter: `name` is the query parameter, `lookup` the ORM lookup, `apply` a custom query instead."""

    name: str
    label: str
    lookup: str = ""
    help_text: str = ""
    apply: Apply | None = None
    more: bool = False  # shown under "More filters" (folded unless in use), to keep the page's form short

    def form_fields(self, user: Any) -> dict[str, forms.Field]:
        raise NotImplementedError

    def form_fields_names(self) -> list[str]:
        return list(self.params())

    def params(self) -> dict[str, str]:
        """Query parameter → description, for the API schema."""
        return {self.name: self.help_text or self.label}

    def filter(self, qs: QuerySet[Any], data: Mapping[str, Any]) -> QuerySet[Any]:
        value = data.get(self.name)
        if value in (None, ""):
            return qs
        if self.apply is not None:
            return self.apply(qs, value)
        return qs.filter(**{self.lookup: value})

    def clean(self, data: dict[str, Any]) -> None:
        """Cross-field checks (a date range's order); raise ValidationError({param: message})."""


@dataclass(frozen=True)
class Text(Filter):
    max_length: int = 50
    upper: bool = False

    def form_fields(self, user: Any) -> dict[str, forms.Field]:
        return {self.name: forms.CharField(label=self.label, required=False, max_length=self.max_length,
                                           help_text=self.help_text, strip=True)}

    def filter(self, qs: QuerySet[Any], data: Mapping[str, Any]) -> QuerySet[Any]:
        value = data.get(self.name) or ""
        return super().filter(qs, {self.name: value.upper() if self.upper else value})


@dataclass(frozen=True)
class Choice(Filter):
    """A value from a fixed list, or from `choices(user)` (e.g. the districts of the user's agencies)."""

    choices: Choices | Callable[[Any], Choices] = ()
    any_label: str = "Any"

    def options(self, user: Any) -> list[tuple[str, str]]:
        found = self.choices(user) if callable(self.choices) else self.choices
        return list(found)

    def form_fields(self, user: Any) -> dict[str, forms.Field]:
        return {self.name: forms.ChoiceField(label=self.label, required=False, help_text=self.help_text,
                                             choices=[("", self.any_label), *self.options(user)])}

    def params(self) -> dict[str, str]:
        fixed = "" if callable(self.choices) else " One of: " + ", ".join(v for v, _ in self.choices) + "."
        return {self.name: (self.help_text or self.label).rstrip(".") + "." + fixed}


class AgencyField(forms.ChoiceField):
    """An agency chosen by its ORI from a select labelled "Name (ORI)". The value stays the ORI, so links, the
    CSV and the API keep working; any case and surrounding spaces are accepted (the old typed-in filter
    upper-cased, so lower-case links still work), and a value that is not among the choices is refused as not
    an agency the user may see (unknown and hidden ORIs alike: which agencies exist is not told)."""

    default_error_messages = {
        "invalid_choice": "%(value)s is not an agency you may see: choose one from the list.",
    }

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()

    def bound_data(self, data: Any, initial: Any) -> Any:
        # so the select shows the agency a lower-case link asked for, not its first option
        return data.strip().upper() if isinstance(data, str) else data

    def validate(self, value: Any) -> None:
        try:
            super().validate(value)
        except ValidationError as exc:
            if exc.code != "invalid_choice":
                raise
            shown = value if len(value) <= 20 else value[:20] + "…"  # a long value is not echoed whole
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": shown}) from None


def agency_choices(user: Any, module: str, action: str = VIEW) -> list[tuple[str, str]]:
    """(ORI, "Name (ORI)") of the agencies where the user may take `action` in `module`, by name. An agency
    no longer active is offered too, marked so: its records are still listed, so they can be filtered."""
    found = core_selectors.agencies_where(user=user, module=module, action=action, include_inactive=True)
    return [(a.ori, f"{a.name} ({a.ori}{'' if a.is_active else ', inactive'})")
            for a in found.only("ori", "name", "is_active")]


@dataclass(frozen=True)
class AgencyChoice(Choice):
    """`Choice` of one agency by ORI (see `agency_filter`)."""

    def form_fields(self, user: Any) -> dict[str, forms.Field]:
        return {self.name: AgencyField(label=self.label, required=False, help_text=self.help_text,
                                       choices=[("", self.any_label), *self.options(user)])}

    def params(self) -> dict[str, str]:
        # the page's select names the agencies; the API's caller needs to know the value is an ORI
        text = (self.help_text or self.label).rstrip(".")
        return {self.name: f"{text}: its ORI (e.g. IL0000001, any case), one of the agencies you may see."}


def agency_filter(module: str, *, more: bool = True, help_text: str = "") -> AgencyChoice:
    """The "agency" filter of a list: a select of the agencies whose `module` records the user may view,
    labelled "Name (ORI)"; the parameter's value is the ORI (`?agency=IL0000001`, any case). An ORI the user
    may not see is refused naming `agency` (the page answers 400 with the message on the field, the API 422)."""

    def choices(user: Any) -> list[tuple[str, str]]:
        return agency_choices(user, module)

    return AgencyChoice("agency", "Agency", lookup="agency__ori", more=more, choices=choices,
                        any_label="All agencies you may see",
                        help_text=help_text or "Only this agency's records.")


class _ListField(forms.MultipleChoiceField):
    """Several values: repeated parameters (`?offense=13A&offense=120`) or one comma-separated value."""

    def __init__(self, *, upper: bool = False, **kwargs: Any) -> None:
        self.upper = upper
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        if value in (None, "", []):
            return []
        items = value if isinstance(value, (list, tuple)) else [value]
        out: list[str] = []
        for item in items:
            for part in str(item).split(","):
                part = part.strip()
                if part:
                    out.append(part.upper() if self.upper else part)
        return list(dict.fromkeys(out))


@dataclass(frozen=True)
class MultiChoice(Choice):
    """Any of several values from a list (`choices` fixed or from a selector): a multi-select on the page,
    repeated or comma-separated parameters in the CSV and the API. Unknown values are refused by name."""

    upper: bool = False
    size: int = 6

    def form_fields(self, user: Any) -> dict[str, forms.Field]:
        hint = f"{self.help_text} Ctrl or ⌘ + click to choose several.".strip()
        return {self.name: _ListField(label=self.label, required=False, help_text=hint, upper=self.upper,
                                      choices=self.options(user),
                                      widget=forms.SelectMultiple(attrs={"size": self.size}))}

    def params(self) -> dict[str, str]:
        text = super().params()[self.name]
        return {self.name: f"{text} Several values: repeat the parameter or separate them with commas."}

    def filter(self, qs: QuerySet[Any], data: Mapping[str, Any]) -> QuerySet[Any]:
        values = list(data.get(self.name) or [])
        if not values:
            return qs
        if self.apply is not None:
            return self.apply(qs, values)
        return qs.filter(**{f"{self.lookup}__in": values})


class _BoxField(forms.Field):
    def to_python(self, value: Any) -> tuple[float, float, float, float] | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 120:
            raise ValidationError("Too long: give four numbers west,south,east,north.")
        try:
            west, south, east, north = (float(part) for part in text.split(","))
        except ValueError:
            raise ValidationError("Give four numbers: west,south,east,north (longitude, latitude).") from None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise ValidationError("Longitudes must lie in -180…180 and latitudes in -90…90, west < east and "
                                  "south < north.")
        return west, south, east, north


@dataclass(frozen=True)
class BBox(Filter):
    """A map rectangle `west,south,east,north` in degrees (WGS 84): west/south inclusive, east/north exclusive,
    so the cells of a grid never share a point. `lookup` is "<longitude field>,<latitude field>"."""

    def form_fields(self, user: Any) -> dict[str, forms.Field]:
        return {self.name: _BoxField(label=self.label, required=False,
                                     help_text=self.help_text or "west,south,east,north in degrees")}

    def filter(self, qs: QuerySet[Any], data: Mapping[str, Any]) -> QuerySet[Any]:
        box = data.get(self.name)
        if not box:
            return qs
        lon, lat = self.lookup.split(",")
        west, south, east, north = box
        return qs.filter(**{f"{lon}__gte": west, f"{lon}__lt": east, f"{lat}__gte": south, f"{lat}__lt": north})


@dataclass(frozen=True)
class DateRange(Filter):
    """Two parameters, `<name>_from` and `<name>_to` (inclusive dates, YYYY-MM-DD)."""

    def names(self) -> tuple[str, str]:
        return f"{self.name}_from", f"{self.name}_to"

    def form_fields(self, user: Any) -> dict[str, forms.Field]:
        start, end = self.names()
        widget = {"type": "date"}
        return {
            start: forms.DateField(label=f"{self.label} from", required=False, help_text="YYYY-MM-DD",
                                   widget=forms.DateInput(attrs=widget, format="%Y-%m-%d")),
            end: forms.DateField(label=f"{self.label} to", required=False, help_text="YYYY-MM-DD, inclusive",
                                 widget=forms.DateInput(attrs=widget, format="%Y-%m-%d")),
        }

    def params(self) -> dict[str, str]:
        start, end = self.names()
        return {start: f"{self.label} on or after this date (YYYY-MM-DD).",
                end: f"{self.label} on or before this date (YYYY-MM-DD)."}

    def clean(self, data: dict[str, Any]) -> None:
        start, end = self.names()
        errors = {}
        for name in (start, end):
            value = data.get(name)
            if value is not None and not EARLIEST <= value <= dt.date(9999, 1, 1):
                errors[name] = f"Choose a date on or after {EARLIEST.isoformat()}."
        if data.get(start) and data.get(end) and data[start] > data[end]:
            errors[end] = "Must not be before the start of the range."
        if errors:
            raise ValidationError(errors)

    def filter(self, qs: QuerySet[Any], data: Mapping[str, Any]) -> QuerySet[Any]:
        start, end = self.names()
        if data.get(start):
            qs = qs.filter(**{f"{self.lookup}__gte": data[start]})
        if data.get(end):
            qs = qs.filter(**{f"{self.lookup}__lte": data[end]})
        return qs


@dataclass(frozen=True)
class Search:
    """Free-text search (parameter `q`): a record matches when any of `fields` contains the text."""

    label: str
    fields: tuple[str, ...]
    help_text: str = ""
    max_length: int = 100

    def filter(self, qs: QuerySet[Any], text: str) -> QuerySet[Any]:
        if not text:
            return qs
        q = Q()
        for name in self.fields:
            q |= Q(**{f"{name}__icontains": text})
        return qs.filter(q)


@dataclass(frozen=True)
class FilterSet:
    """Everything a list accepts: filters, search and a whitelist of sort keys (`column key` or `-key`)."""

    filters: tuple[Filter, ...] = ()
    search: Search | None = None
    sorts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # key → ORM ordering
    default_sort: str = ""

    def param_names(self) -> list[str]:
        names = [n for f in self.filters for n in f.params()]
        if self.search:
            names.append(SEARCH_PARAM)
        if self.sorts:
            names.append(SORT_PARAM)
        return names

    def more_names(self) -> set[str]:
        """Form fields of the filters declared `more=True`."""
        return {n for f in self.filters if f.more for n in f.form_fields_names()}

    def sort_choices(self) -> list[str]:
        return [k for key in self.sorts for k in (key, f"-{key}")]

    def form(self, data: Mapping[str, Any] | None, *, user: Any) -> forms.Form:
        fields: dict[str, forms.Field] = {}
        if self.search:
            fields[SEARCH_PARAM] = forms.CharField(label=self.search.label, required=False, strip=True,
                                                   max_length=self.search.max_length,
                                                   help_text=self.search.help_text)
        for f in self.filters:
            fields.update(f.form_fields(user))
        if self.sorts:
            fields[SORT_PARAM] = forms.ChoiceField(
                label="Sort by", required=False, widget=forms.HiddenInput,
                choices=[("", "default"), *((k, k) for k in self.sort_choices())])
        declared = self.filters

        def clean(form: forms.Form) -> dict[str, Any]:
            data = forms.Form.clean(form) or {}
            for f in declared:
                try:
                    f.clean(data)
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        for message in messages:
                            form.add_error(name if name in form.fields else None, message)
            return data

        form_class = type("FilterForm", (forms.Form,), {**fields, "clean": clean})
        if data is None:
            return form_class(None)
        only = QueryDict(mutable=True)
        for k in fields:
            if k not in data:
                continue
            # a query string keeps repeated parameters (a multi-select); the API hands lists or text
            value = data.getlist(k) if hasattr(data, "getlist") else data[k]
            only.setlist(k, [str(v) for v in value] if isinstance(value, (list, tuple)) else
                         ([] if value is None else [str(value)]))
        return form_class(only)

    def apply(self, qs: QuerySet[Any], data: Mapping[str, Any]) -> QuerySet[Any]:
        """`data` is a valid form's cleaned_data."""
        if self.search:
            qs = self.search.filter(qs, data.get(SEARCH_PARAM) or "")
        for f in self.filters:
            qs = f.filter(qs, data)
        key = data.get(SORT_PARAM) or self.default_sort
        if key:
            descending = key.startswith("-")
            ordering = self.sorts[key.lstrip("-")]
            qs = qs.order_by(*(_flip(o) if descending else o for o in ordering))
        return qs

    def describe(self, data: Mapping[str, Any]) -> str:
        """The filters in force, for an export's audit event ("district=1 date_from=2026-01-01")."""
        parts = [f"{k}={_text(data[k])}" for k in self.param_names() if data.get(k) not in (None, "")]
        return " ".join(parts)


def _flip(ordering: str) -> str:
    return ordering[1:] if ordering.startswith("-") else f"-{ordering}"


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def errors_by_field(form: forms.Form) -> dict[str, list[str]]:
    """A bound, invalid filter form's errors keyed by query parameter ("request" for cross-field ones)."""
    return {("request" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()}


def choices_from(rows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """De-duplicated (value, label) pairs in their first order (district codes repeat across agencies)."""
    seen: dict[str, str] = {}
    for value, label in rows:
        seen.setdefault(value, label)
    return list(seen.items())
