"""Generic pages for a declared record type: list, detail, create, edit and CSV export.

Each factory returns a view guarded by `core.views.module_required(kit.module, action)`, so the
requirement is declared on the view where the role × module × action test reads it. Unknown ids and ids
the caller may not see (or may not change, for the edit page) answer the same 404. Every view of a record
is audited in CJI mode, and of a labelled record always (`core.actions.record_viewed`), or every view when the
kit declares `audit_every_view`; exports go
through `core.kit.exports`. The create and edit pages run their action through `core.kit.forms.applied`, as
hand-written pages do.

    incident_list = kit_views.list_view(INCIDENTS)
    path("", incident_list, name="list")
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode

from safecity.core import pagination
from safecity.core import selectors as core_selectors
from safecity.core.kit.base import Column, RecordKit
from safecity.core.kit.exports import export_csv
from safecity.core.kit.filters import SORT_PARAM
from safecity.core.kit.forms import applied
from safecity.core.permissions import has_module
from safecity.core.roles import ADD, CHANGE, EXPORT, VIEW
from safecity.core.templatetags.resultcache_tags import fragment_key
from safecity.core.views import View, module_required


def _fetch(kit: RecordKit, user: Any, public_id: uuid.UUID, action: str = VIEW) -> Any:
    try:
        return kit.get_selector(user=user, public_id=public_id, action=action)
    except ObjectDoesNotExist:
        raise Http404(f"No such {kit.noun}.") from None


def _query(request: HttpRequest, **changes: str) -> str:
    """The current query string with `changes` applied (empty values dropped), for paging and sort links.

    Repeated parameters (a multi-select) are kept whole."""
    params: dict[str, list[str]] = {k: [v for v in vs if v] for k, vs in request.GET.lists()}
    params.update({k: [v] for k, v in changes.items()})
    return urlencode({k: vs for k, vs in params.items() if any(vs)}, doseq=True)


class KitPaginator(Paginator):  # type: ignore[type-arg]  # Paginator is not subscriptable at run time
    """Django's paginator, counting through the kit (`RecordKit.count`) so the count has one overridable home."""

    def __init__(self, object_list: Any, per_page: int, *, kit: RecordKit, user: Any) -> None:
        self.kit, self.user = kit, user
        super().__init__(object_list, per_page)

    @cached_property
    def count(self) -> int:
        return self.kit.count(self.object_list, user=self.user)  # type: ignore[arg-type]  # always a queryset


def _headers(kit: RecordKit, request: HttpRequest, current: str) -> list[dict[str, Any]]:
    """Column headers with sort links; `aria-sort` on the column the list is sorted by."""
    heads = []
    for col in kit.columns:
        head: dict[str, Any] = {"label": col.label, "key": col.key, "url": "", "aria_sort": ""}
        if col.sort:
            ascending = current == col.key
            descending = current == f"-{col.key}"
            head["aria_sort"] = "ascending" if ascending else "descending" if descending else ""
            head["url"] = "?" + _query(request, **{SORT_PARAM: f"-{col.key}" if ascending else col.key, "page": ""})
        heads.append(head)
    return heads


def _in_force(form: Any) -> list[tuple[str, str]]:
    """(label, value in words) of each filter in force, so a drilled-down list says what it holds."""
    out = []
    for field in form.visible_fields():
        value = form.cleaned_data.get(field.name)
        if value in (None, "", [], ()):
            continue
        labels = dict(getattr(field.field, "choices", ()) or ())
        values = value if isinstance(value, list) else [value]
        if isinstance(value, tuple):  # a map area
            values = [", ".join(f"{v:.5f}" for v in value)]
        text = ", ".join(str(labels.get(v, v.isoformat() if hasattr(v, "isoformat") else v)) for v in values)
        out.append((str(field.label), text))
    return out


def _sort_words(kit: RecordKit, key: str) -> str:
    label = next((c.label for c in kit.columns if c.key == key.lstrip("-")), key.lstrip("-"))
    return f"{label}, {'descending' if key.startswith('-') else 'ascending'}" if key else ""


class _LazyRows(list[dict[str, Any]]):
    """The list page's rows, read from the database only when something looks at them: when the table is
    cached (`{% cachedresults %}`) the template never does."""

    def __init__(self, make: Callable[[], list[dict[str, Any]]]) -> None:
        super().__init__()
        self._make: Callable[[], list[dict[str, Any]]] | None = make

    def _fill(self) -> None:
        if self._make is not None:
            make, self._make = self._make, None
            self.extend(make())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._fill()
        return super().__getitem__(index)

    def __eq__(self, other: object) -> bool:
        self._fill()
        return super().__eq__(other)

    __hash__ = None  # a list: unhashable


def _fields_fingerprint(form: forms.Form) -> str:
    """What the filter form's markup depends on besides the query string: each field's label, help, choices
    and widget attributes."""
    return repr([(name, f.label, f.help_text, getattr(f, "choices", None), f.widget.attrs)
                 for name, f in form.fields.items()])


# Text longer than this may wrap on a desktop; shorter values (codes, dates, names, numbers) stay on one line.
WRAP_AFTER = 24


def _cell(col: Column, value: Any) -> tuple[Column, Any, bool]:
    """A list cell: (column, value, whether it may wrap). USWDS keeps every cell of a scrolling table on one
    line, so one long free-text column (a complaint's allegations) pushed the numbers out of sight."""
    return col, value, isinstance(value, str) and len(value) > WRAP_AFTER


def list_view(kit: RecordKit) -> View:
    @module_required(kit.module)
    def view(request: HttpRequest) -> HttpResponse:
        form = kit.form_for(request.GET, user=request.user)
        valid = form.is_valid()
        data = form.cleaned_data if valid else {}
        records = kit.filtered(user=request.user, data=data) if valid else kit.model._default_manager.none()
        page = KitPaginator(records, kit.page_size, kit=kit, user=request.user).get_page(request.GET.get("page"))
        rows = _LazyRows(lambda: [{"object": obj, "url": reverse(f"{kit.namespace}:detail", args=[obj.public_id]),
                                   "cells": [_cell(col, col.get(obj)) for col in kit.columns]} for obj in page])

        # The table and the paging links are a function of the query string and the rows the query reads:
        # rendered once per (query, visibility, data version) and then read from this process's memory
        # (`{% cachedresults %}`), so a meeting's 50 people opening the same list do not each fetch and draw it.
        query_key = pagination.query_key(records, user=request.user, module=kit.module) if valid else None
        table_key = fragment_key(query_key, kit.list_template, sorted(request.GET.lists())) if query_key else ""
        # The filter form is the rest of the page's drawing: a function of its fields (their choices come from
        # the user's agencies) and the query string, so it is cached on exactly those.
        form_key = fragment_key(f"filters:{kit.namespace}", kit.list_template, _fields_fingerprint(form),
                                sorted(request.GET.lists()))
        current = data.get(SORT_PARAM) or kit.default_sort
        filtered = any(form.cleaned_data.get(k) for k in kit.filterset.param_names() if k != SORT_PARAM) \
            if valid else False
        more = kit.filterset.more_names()
        fields = [f for f in form.visible_fields() if f.name not in more]
        more_fields = [f for f in form.visible_fields() if f.name in more]
        context = {
            "kit": kit, "form": form, "page": page, "rows": rows, "table_key": table_key, "form_key": form_key,
            "headers": _headers(kit, request, current),
            "fields": fields, "more_fields": more_fields,
            "more_open": any(f.errors or request.GET.get(f.name) for f in more_fields),
            "page_query": _query(request, page=""), "export_query": _query(request, page=""),
            "filtered": filtered, "sorted_by": _sort_words(kit, current),
            "in_force": _in_force(form) if valid else [],
            "can_export": has_module(request.user, kit.module, EXPORT),
            "can_add": kit.create_form is not None and has_module(request.user, kit.module, ADD),
        }
        return render(request, kit.list_template, context, status=200 if valid else 400)

    view.__name__ = view.__qualname__ = f"{kit.noun}_list"
    return view


def detail_view(kit: RecordKit) -> View:
    @module_required(kit.module)
    def view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
        obj = _fetch(kit, request.user, public_id)
        kit.audit_view(actor=request.user, obj=obj)
        history = core_selectors.object_history(user=request.user, obj=obj)
        fields = [(col.label, col.get(obj)) for col in kit.detail_fields or kit.columns]
        agency_id = getattr(obj, f"{getattr(kit.model, 'agency_field', 'agency')}_id", None)
        can_edit = kit.edit_form is not None and has_module(request.user, kit.module, CHANGE, agency_id)
        return render(request, kit.detail_template, {
            "kit": kit, "object": obj, kit.noun: obj, "title": kit.title(obj), "fields": fields,
            "history": history, "can_edit": can_edit})

    view.__name__ = view.__qualname__ = f"{kit.noun}_detail"
    return view


def create_view(kit: RecordKit) -> View:
    if kit.create_form is None or kit.create_action is None:
        raise ValueError(f"{kit.noun}: create_view needs create_form and create_action")
    make_form, action = kit.create_form, kit.create_action

    @module_required(kit.module, ADD)
    def view(request: HttpRequest) -> HttpResponse:
        form: Any = make_form(request.POST if request.method == "POST" else None, user=request.user)
        made: list[Any] = []  # the new record, once the action has made it
        if request.method == "POST" and form.is_valid() and applied(
                form, lambda: made.append(action(actor=request.user, **form.action_kwargs())), refusal=403):
            return redirect(f"{kit.namespace}:detail", public_id=made[0].public_id)
        status = 400 if request.method == "POST" else 200
        return render(request, kit.form_template, {"kit": kit, "form": form, "heading": f"New {kit.noun}",
                                                   "cancel": reverse(f"{kit.namespace}:list")}, status=status)

    view.__name__ = view.__qualname__ = f"{kit.noun}_create"
    return view


def edit_view(kit: RecordKit) -> View:
    if kit.edit_form is None or kit.update_action is None:
        raise ValueError(f"{kit.noun}: edit_view needs edit_form and update_action")
    make_form, action = kit.edit_form, kit.update_action

    @module_required(kit.module, CHANGE)
    def view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
        obj = _fetch(kit, request.user, public_id, CHANGE)
        form: Any = make_form(request.POST if request.method == "POST" else None, user=request.user, instance=obj)
        if request.method == "POST" and form.is_valid() and applied(
                form, lambda: action(actor=request.user, **{kit.noun: obj}, **form.action_kwargs()), noun=kit.noun):
            return redirect(f"{kit.namespace}:detail", public_id=obj.public_id)
        status = 400 if request.method == "POST" else 200
        detail = reverse(f"{kit.namespace}:detail", args=[obj.public_id])
        return render(request, kit.form_template, {"kit": kit, "form": form, "object": obj,
                                                   "heading": f"Edit {kit.title(obj)}", "cancel": detail},
                      status=status)

    view.__name__ = view.__qualname__ = f"{kit.noun}_edit"
    return view


def export_view(kit: RecordKit) -> View:
    @module_required(kit.module, VIEW, EXPORT)
    def view(request: HttpRequest) -> HttpResponse:
        return export_csv(kit, request)  # type: ignore[return-value]  # a streamed response is a response

    view.__name__ = view.__qualname__ = f"{kit.noun}_export"
    return view
