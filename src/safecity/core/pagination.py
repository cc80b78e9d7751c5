"""The API's one pagination: limit/offset with a hard cap on both (absurd offsets are refused, not crashed).

A listing of protected records (``paginate(Pagination, export_module=..., what=...)``) also applies the
bulk-read rule (issue 6, finding 5): the first page of at most ``BULK_READ_ROWS`` rows is a read; any page
beyond the first (``offset > 0``) or larger than that (``limit > BULK_READ_ROWS``) is a bulk read, which is
an export: it needs the ``export`` right in the module, lists only records the caller may export, and is
audited as an ``export`` event (rows, offset and limit in the event).
"""

import hashlib
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from safecity.core import dataversion, resultcache
from safecity.core.actions import permission_denied, record_export
from safecity.core.permissions import NotPermitted, agencies_for, has_module
from safecity.core.roles import EXPORT

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000
BULK_READ_ROWS = 100  # the first page up to this many rows is an ordinary read; more is a bulk export


def query_key(queryset: QuerySet[Any], *, user: Any, module: str) -> str | None:
    """A digest of everything a listing's rows depend on: the model, the query's SQL and parameters (the
    caller's visibility and filters are in them), the caller's visibility and the data versions of the agencies
    they may see (`core.dataversion`, raised by every write to their records). None when the query can match
    nothing (`none()`, an empty IN list)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    visible = resultcache.visibility_key(user, module)
    versions = dataversion.versions(None if visible is None else [a for a, _ in visible])
    blob = repr((queryset.model._meta.label, sql, tuple(map(str, params)), visible, versions))
    return hashlib.sha256(blob.encode()).hexdigest()


def count(queryset: Any, *, user: Any, module: str) -> int:
    """How many rows a listing of `module`'s records has, counted once per (query, data version).

    Keyed by `query_key` of the unordered query, so paging through a list counts the table once, and the
    count after a write is the new one. Anything that is not a queryset is counted directly."""
    if not isinstance(queryset, QuerySet):
        return len(queryset)
    key = query_key(queryset.order_by(), user=user, module=module)
    if key is None:
        return 0
    return int(resultcache.get_or_compute(f"count:{key}", queryset.count))


class CountedPaginator(Paginator):  # type: ignore[type-arg]  # generic only in the stubs
    """Django's paginator with `count` from `count()` above: pages of a long list do not recount it."""

    def __init__(self, object_list: Any, per_page: int, *, user: Any, module: str, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.user, self.module = user, module

    @cached_property
    def count(self) -> int:
        return count(self.object_list, user=self.user, module=self.module)


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}). More than "
                           f"{BULK_READ_ROWS} on a listing of protected records is a bulk read (needs export).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip. Above 0 on a listing of protected "
                            "records is a bulk read (needs export).")

    def __init__(self, *, export_module: str = "", what: str = "", agency_field: str = "", **kwargs: Any) -> None:
        """`export_module` turns the bulk-read rule on; `agency_field` narrows querysets without `restrict()`."""
        self.export_module = export_module
        self.what = what
        self.agency_field = agency_field
        super().__init__(**kwargs)

    def _window(self, queryset: Any, pagination: Any, request: HttpRequest) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        return {self.items_attribute: queryset[offset:offset + limit],
                "count": count(queryset, user=request.user, module=self.export_module)}

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        bulk = bool(self.export_module) and (pagination.offset > 0 or pagination.limit > BULK_READ_ROWS)
        if not self.export_module:
            return super().paginate_queryset(queryset, pagination, request, **params)
        if not bulk:
            return self._window(queryset, pagination, request)
        user = request.user
        window = f"offset={pagination.offset} limit={pagination.limit}"
        if not has_module(user, self.export_module, EXPORT):
            permission_denied(actor=user, what=self.what, reason=f"{request.path} bulk read ({window})")
            raise NotPermitted(f"Reading beyond the first page or more than {BULK_READ_ROWS} rows is a bulk export "
                               f"and needs export permission in {self.export_module}.")
        queryset = self._exportable(queryset, user)
        result = self._window(queryset, pagination, request)
        items = list(result[self.items_attribute])
        result[self.items_attribute] = items
        record_export(actor=user, what=self.what, rows=len(items), fmt="json", purpose=f"{request.path} {window}")
        return result

    def _exportable(self, queryset: Any, user: Any) -> Any:
        """Only records in agencies (and with labels) where the caller holds `export`."""
        if hasattr(queryset, "restrict"):
            return queryset.restrict(user, EXPORT)
        if self.agency_field:
            ids = agencies_for(user, self.export_module, EXPORT)
            return queryset if ids is None else queryset.filter(**{f"{self.agency_field}__in": sorted(ids)})
        return queryset
