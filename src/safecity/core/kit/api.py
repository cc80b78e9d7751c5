"""Generic API operations for a declared record type: list (filtered, sorted, paginated) and detail.

`register(router, kit, schema)` adds `GET /` and `GET /{<api_id_param>}` to a module's router. Both are
guarded by `core.api_guard.requires(kit.module)` (so the role-matrix test reads their requirement from the
OpenAPI document), the list is paginated by `core.pagination.Pagination` with the bulk-read rule (pages
past the first, or more than BULK_READ_ROWS rows, need `export` and are audited as exports), and the list's
query parameters are the module's declared filters, validated by the same form as the page and the CSV
(a refused value answers 422 naming the parameter). Unknown and hidden ids both answer 404; a read of a
record is audited by the same rule as the page (`RecordKit.audit_view`: `core.actions.record_viewed`, or every
view when the kit says `audit_every_view`).

No `from __future__ import annotations` here: ninja needs the real annotations.
"""

import inspect
import uuid
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import create_model

from safecity.core.api_guard import requires
from safecity.core.kit.base import RecordKit
from safecity.core.kit.filters import SEARCH_PARAM, SORT_PARAM, MultiChoice, errors_by_field
from safecity.core.pagination import BULK_READ_ROWS, Pagination
from safecity.core.schemas import ErrorOut

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def filter_schema(kit: RecordKit) -> type[Schema]:
    """The list's query parameters as a schema (all text; the filter form does the cleaning)."""
    fs = kit.filterset
    fields: dict[str, Any] = {}
    if fs.search:
        fields[SEARCH_PARAM] = (str, Field("", description=f"Search: {fs.search.label}.",
                                           max_length=fs.search.max_length))
    for f in fs.filters:
        for name, description in f.params().items():
            if isinstance(f, MultiChoice):  # repeated parameters arrive as a list
                fields[name] = (list[str], Field([], description=description))
            else:
                fields[name] = (str, Field("", description=description))
    if fs.sorts:
        choices = ", ".join(fs.sort_choices())
        fields[SORT_PARAM] = (str, Field("", description=f"Sort order, one of: {choices} (- = descending). "
                                                         f"Default: {fs.default_sort or 'unsorted'}."))
    name = "".join(part.capitalize() for part in kit.noun.split("_")) + "Filters"
    schema: type[Schema] = create_model(name, __base__=Schema, **fields)
    return schema


def register(router: Router, kit: RecordKit, schema: type[Schema], detail_schema: type[Schema] | None = None) -> None:
    """`detail_schema` (default: `schema`) lets one record's answer carry more than a list row, e.g. its parts."""
    prefix = kit.api_operation_prefix
    filters_in = filter_schema(kit)

    def list_records(request: HttpRequest, filters: Any) -> Any:
        form = kit.form_for(filters.model_dump(), user=request.user)
        if not form.is_valid():
            raise ValidationError({k: " ".join(v) for k, v in errors_by_field(form).items()})
        return kit.filtered(user=request.user, data=form.cleaned_data)

    list_records.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
        inspect.Parameter("filters", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Query[filters_in]),  # type: ignore[misc, valid-type]
    ])
    list_records.__name__ = f"{kit.noun}_list"
    list_records.__doc__ = (f"The {kit.plural} you may see, filtered and sorted. Beyond the first page or more "
                            f"than {BULK_READ_ROWS} rows is a bulk read: it needs the export right and is "
                            f"audited.")
    guarded = requires(kit.module)(paginate(Pagination, export_module=kit.module, what=kit.what)(list_records))
    router.add_api_operation("/", ["GET"], guarded, response={200: list[schema], **ERRORS},  # type: ignore[valid-type]
                             operation_id=f"{prefix}_{kit.noun}_list" if prefix else None)

    id_param = kit.api_id_param

    def get_record(request: HttpRequest, **kwargs: Any) -> Any:
        try:
            obj = kit.get_selector(user=request.user, public_id=kwargs[id_param])
        except ObjectDoesNotExist:
            raise Http404 from None  # hidden and missing look the same
        kit.audit_view(actor=request.user, obj=obj)
        return obj

    get_record.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
        inspect.Parameter(id_param, inspect.Parameter.KEYWORD_ONLY, annotation=uuid.UUID),
    ])
    get_record.__name__ = f"{kit.noun}_detail"
    get_record.__doc__ = f"One {kit.noun}; unknown ids and ids you may not see both answer 404."
    router.add_api_operation(f"/{{{id_param}}}", ["GET"], requires(kit.module)(get_record),
                             response={200: detail_schema or schema, **ERRORS},
                             operation_id=f"{prefix}_{kit.noun}_detail" if prefix else None)
