"""What a module declares about one kind of agency-owned record; the kit builds its pages and API from it.

A `RecordKit` names the model (a `ProtectedModel`), the module whose rights guard it, the selectors that
read it (each starting from `restrict(user, action)`), the actions that write it, the forms, the columns
and the filters. Nothing here reads or writes the database itself: the generated views and operations
only call the declared selectors and actions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django import forms
from django.db.models import Model, QuerySet

from safecity.core import pagination
from safecity.core.kit.filters import Filter, FilterSet, Search


class ListSelector(Protocol):
    def __call__(self, *, user: Any, action: str = ...) -> QuerySet[Any]: ...


class GetSelector(Protocol):
    def __call__(self, *, user: Any, public_id: Any, action: str = ...) -> Any: ...


class KitForm(Protocol):
    """A create/edit form: built with the acting user (and the record when editing); valid data → action."""

    def is_valid(self) -> bool: ...

    def action_kwargs(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Column:
    """A column of the list page (and, unless the export declares its own, of the CSV).

    `value` is an attribute path ("district.code") or a function of the record; `sort` makes the column
    sortable by those ORM orderings (only declared sorts are accepted, so a query string cannot order by an
    arbitrary field); `link` makes the cell a link to the record's detail page.
    """

    key: str
    label: str
    value: str | Callable[[Any], Any] = ""
    sort: tuple[str, ...] = ()
    link: bool = False

    def get(self, obj: Any) -> Any:
        if callable(self.value):
            return self.value(obj)
        current = obj
        for part in (self.value or self.key).split("."):
            current = getattr(current, part, None)
            if current is None:
                return None
        return current


@dataclass(frozen=True)
class RecordKit:
    """The declaration. `namespace` is the URL namespace of the module's pages (`<namespace>:list` …)."""

    module: str
    model: type[Model]
    namespace: str
    noun: str  # "incident"
    plural: str  # "incidents"
    list_selector: ListSelector
    get_selector: GetSelector
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...] = ()
    search: Search | None = None
    default_sort: str = ""
    export_columns: tuple[Column, ...] = ()
    title: Callable[[Any], str] = str
    page_size: int = 50
    # writes: forms take (data, *, user[, instance]) and turn valid input into the action's keyword arguments
    create_form: Callable[..., KitForm] | None = None
    create_action: Callable[..., Any] | None = None
    edit_form: Callable[..., KitForm] | None = None
    update_action: Callable[..., Any] | None = None
    # pages
    list_template: str = "core/kit/list.html"
    detail_template: str = "core/kit/detail.html"
    form_template: str = "core/kit/form.html"
    detail_fields: tuple[Column, ...] = ()
    list_intro: str = ""
    # API
    api_id_param: str = "id"
    api_operation_prefix: str = ""  # e.g. "safecity_incidents_api" → operationId "<prefix>_<noun>_list"
    # Audit every view of a record (page and API), not only labelled ones or in CJI mode: for records whose
    # every read must leave a trace whatever their labels (complaint files, issue 9).
    audit_every_view: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
    # How many records a filtered list holds, for "page X of Y". The one place the list page counts, so a
    # module can swap the count for an estimate without touching the views. The default counts once per
    # (query, visibility, data version) through `core.pagination.count`, so paging never recounts the table.
    counter: Callable[[QuerySet[Any]], int] | None = None

    def audit_view(self, *, actor: Any, obj: Any) -> None:
        """The one rule for auditing a view of one record on the page or through the API."""
        from safecity.core.actions import record_read, record_viewed

        if self.audit_every_view:
            record_read(actor=actor, obj=obj)
        else:
            record_viewed(actor=actor, obj=obj)

    def count(self, qs: QuerySet[Any], *, user: Any) -> int:
        if self.counter is not None:
            return self.counter(qs)
        return pagination.count(qs, user=user, module=self.module)

    @property
    def filterset(self) -> FilterSet:
        sorts = {c.key: c.sort for c in self.columns if c.sort}
        return FilterSet(filters=self.filters, search=self.search, sorts=sorts, default_sort=self.default_sort)

    @property
    def what(self) -> str:
        """The record type as audit events name it ("incidents.incident")."""
        meta = self.model._meta
        return f"{meta.app_label}.{meta.model_name}"

    @property
    def csv_columns(self) -> tuple[Column, ...]:
        return self.export_columns or self.columns

    def filtered(self, *, user: Any, data: Mapping[str, Any], action: str = "view") -> QuerySet[Any]:
        """The declared selector's records, narrowed by a valid filter form's data and sorted."""
        return self.filterset.apply(self.list_selector(user=user, action=action), data)

    def form_for(self, data: Mapping[str, Any] | None, *, user: Any) -> forms.Form:
        return self.filterset.form(data, user=user)
