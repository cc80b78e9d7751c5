"""Imports over the API, for any record type: POST a file (multipart), GET a batch, GET its rejected rows.

`register(router, RECORD_TYPE)` adds the three operations to the app's router (incidents mounts it at
/api/v1/imports). Each is wrapped in `requires(module, *rights)`; the errors list pages with `paginate` and
needs *export* past the first page, like every other list.
"""

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from safecity.core import selectors as core_selectors
from safecity.core.api_guard import requires
from safecity.core.importing import selectors
from safecity.core.importing.errors import ImportFailure
from safecity.core.importing.runner import run_import
from safecity.core.importing.spec import ImportOptions, RecordType
from safecity.core.pagination import Pagination
from safecity.core.permissions import NotPermitted
from safecity.core.schemas import ErrorOut

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_INLINE_ERRORS = 100


class RowErrorOut(Schema):
    line: int
    field: str
    value: str
    reason: str


class ImportBatchOut(Schema):
    id: int
    agency: str
    format: str
    file_name: str
    file_sha256: str
    status: str
    dry_run: bool
    started_at: dt.datetime
    finished_at: dt.datetime | None
    started_by: str | None
    rows_total: int
    rows_imported: int
    rows_unchanged: int
    rows_rejected: int
    errors_total: int
    errors_stored: int
    rerun_of: int | None

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return obj.shown_status  # "interrupted" once a running batch goes silent

    @staticmethod
    def resolve_errors_stored(obj: Any) -> int:
        return obj.errors.count()

    @staticmethod
    def resolve_rerun_of(obj: Any) -> int | None:
        return obj.rerun_of_id

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return obj.agency.ori

    @staticmethod
    def resolve_format(obj: Any) -> str:
        return obj.fmt

    @staticmethod
    def resolve_started_by(obj: Any) -> str | None:
        return obj.started_by.username if obj.started_by_id else None


class ImportOut(Schema):
    batch: ImportBatchOut | None
    dry_run: bool
    status: str
    encoding: str
    rows_read: int
    imported: int
    unchanged: int
    rejected: int
    seconds: float
    errors: list[RowErrorOut]
    errors_truncated: bool
    errors_total: int
    more_errors: str


class ImportForm(Schema):
    agency: str
    format: str
    dry_run: bool = False
    strict: bool = False


def field_for(failure: ImportFailure) -> str:
    head = failure.field.split(":")[0].strip()
    if head.startswith("mapping"):
        return "mapping"
    return {"FILE": "file", "--mapping": "mapping", "--format": "format"}.get(head, head.lstrip("-") or "file")


def detail(failure: ImportFailure) -> str:
    """The message, keeping a mapping setting's name ("occurred_from: …") as the web form shows it."""
    _, _, inner = failure.field.partition(":")
    return f"{inner.strip()}: {failure.message}" if inner.strip() else failure.message


def more_errors(total: int, shown: int, batch: Any, url_prefix: str) -> str:
    """'N more errors in the full report', saying where the rest can be read."""
    if total <= shown:
        return ""
    if batch is None:
        where = "a dry run keeps no report; the command line writes every error to a file"
    else:
        where = (f"GET {url_prefix}/{batch.pk}/errors lists the first {batch.errors.count()}; "
                 f"the error report download on the import's page has all of them")
    return f"{total - shown} more errors in the full report ({where})."


def _save(upload: UploadedFile, target: Path) -> None:
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def register(router: Router, rt: RecordType, *, url_prefix: str = "/api/v1/imports",
             operation_prefix: str = "") -> None:
    """Add `POST /`, `GET /{batch_id}` and `GET /{batch_id}/errors` for `rt` to `router`.

    `operation_prefix` keeps operation ids stable (incidents keeps the ids it had before the framework)."""
    prefix = operation_prefix or f"{rt.name}_import"
    codes = rt.format_codes

    def batch_of(request: HttpRequest, batch_id: int) -> Any:
        try:
            return selectors.batch_get(rt, user=request.user, batch_id=batch_id)
        except rt.batch_model.DoesNotExist:
            raise Http404 from None  # hidden and missing look the same

    # 400 (a broken multipart body) and 413 (over SAFECITY_MAX_UPLOAD_MB) come from core.uploads' middleware.
    @router.post("/", response={201: ImportOut, 200: ImportOut, 400: ErrorOut, 413: ErrorOut, **ERRORS},
                 operation_id=f"{prefix}_create")
    @requires(rt.module, *rt.rights)
    def import_create(request: HttpRequest, data: Form[ImportForm], file: File[UploadedFile],
                      mapping: File[UploadedFile | None] = None) -> Any:
        """Import one file. With dry_run nothing is written and the reply says what would happen.

        `mapping` (JSON or TOML) describes the columns of a format that needs one and may replace the shipped
        crosswalk of the others, checked exactly as on the web and the command line. Uploads are limited to
        SAFECITY_MAX_UPLOAD_MB (413 above it)."""
        if data.format not in codes:
            raise ValidationError({"format": f"Choose one of {', '.join(codes)}."})
        agency = core_selectors.agency_by_ori(user=request.user, ori=data.agency)
        if agency is None:
            raise ValidationError({"agency": f"No agency with ORI {data.agency!r}."})
        folder = Path(tempfile.mkdtemp(prefix="safecity-import-"))
        try:
            file_path = folder / "upload.dat"
            _save(file, file_path)
            mapping_path = None
            if mapping is not None:
                mapping_path = folder / ("mapping.toml" if (mapping.name or "").lower().endswith(".toml")
                                         else "mapping.json")
                _save(mapping, mapping_path)
            opts = ImportOptions(path=file_path, agency=agency, fmt=data.format, mapping_path=mapping_path,
                                 dry_run=data.dry_run, strict=data.strict, actor=request.user,
                                 file_name=Path(file.name or "upload").name, mapping_label="mapping",
                                 keep_errors=max(MAX_INLINE_ERRORS, int(settings.IMPORT_MAX_STORED_ERRORS)))
            try:
                result = run_import(rt, opts)
            except NotPermitted as exc:
                raise HttpError(403, str(exc)) from None
            except ImportFailure as exc:
                raise ValidationError({field_for(exc): detail(exc)}) from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        errors = sorted(result.errors, key=lambda e: e.line)
        body = {
            "batch": result.batch, "dry_run": data.dry_run, "status": result.status, "encoding": result.encoding,
            "rows_read": result.rows_read, "imported": result.imported, "unchanged": result.unchanged,
            "rejected": result.rejected, "seconds": round(result.seconds, 3),
            "errors": [{"line": e.line, "field": e.field, "value": e.value, "reason": e.reason}
                       for e in errors[:MAX_INLINE_ERRORS]],
            "errors_truncated": result.errors_total > MAX_INLINE_ERRORS,
            "errors_total": result.errors_total,
            "more_errors": more_errors(result.errors_total, MAX_INLINE_ERRORS, result.batch, url_prefix),
        }
        return (200 if data.dry_run else 201), body

    @router.get("/{batch_id}", response={200: ImportBatchOut, **ERRORS}, operation_id=f"{prefix}_detail")
    @requires(rt.module)
    def import_detail(request: HttpRequest, batch_id: int) -> Any:
        return batch_of(request, batch_id)

    @router.get("/{batch_id}/errors", response={200: list[RowErrorOut], **ERRORS},
                operation_id=f"{prefix}_errors")
    @requires(rt.module)
    @paginate(Pagination, export_module=rt.module, what=f"{rt.name}.import_errors",
              agency_field="batch__agency_id")
    def import_errors(request: HttpRequest, batch_id: int) -> Any:
        batch = batch_of(request, batch_id)
        return selectors.error_list(rt, user=request.user, batch=batch)
