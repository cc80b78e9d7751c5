"""Upload → preview (a dry run of the whole file) → commit → result, for any record type.

An app mounts `urls(RECORD_TYPE)` under its import path with `app_name = RECORD_TYPE.url_namespace`. The
upload is staged on disk between preview and commit, keyed by a random token kept in the user's session,
so one person cannot commit another's upload. Previews never committed are removed by `safecity tasks
daily` after IMPORT_STAGING_MAX_AGE_HOURS. Every view is wrapped in `module_required` with the record
type's module and rights, so the role-matrix test checks them like hand-written ones.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from safecity.core import selectors as core_selectors
from safecity.core import warmup
from safecity.core.actions import permission_denied, record_export
from safecity.core.importing import selectors
from safecity.core.importing.errors import ImportFailure, RowError, error_report_csv
from safecity.core.importing.runner import run_import
from safecity.core.importing.spec import ImportOptions, RecordType
from safecity.core.models import Agency
from safecity.core.permissions import NotPermitted, has_module
from safecity.core.roles import EXPORT
from safecity.core.views import module_required

PREVIEW_ROWS = 10
PREVIEW_ERRORS = 100


def staging_dir() -> Path:
    root = Path(settings.IMPORT_STAGING_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def session_key(rt: RecordType) -> str:
    # Incidents keep the key their staged uploads always had, so a preview open across an upgrade commits.
    return "incident_import_stage" if rt.name == "incidents" else f"import_stage_{rt.name}"


def mapping_label(file_name: str) -> str:
    """How messages name an uploaded mapping: by the user's file, never by a command-line flag."""
    return f"mapping file {Path(file_name).name[:80]}"


class UploadForm(forms.Form):
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none())
    fmt = forms.ChoiceField(label="File format")
    file = forms.FileField(label="File to import")
    mapping = forms.FileField(label="Mapping file", required=False,
                              help_text="JSON or TOML describing the columns; needed for 'Other CSV'.")
    dry_run = forms.BooleanField(label="Dry run: check the file and show what would happen, import nothing",
                                 required=False)

    def __init__(self, *args: Any, rt: RecordType, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rt = rt
        self.fields["agency"].help_text = f"The agency whose {rt.plural} the file holds."
        self.fields["fmt"].choices = [(f.code, f.label) for f in rt.formats]  # type: ignore[attr-defined]
        if not any(f.needs_mapping for f in rt.formats):
            self.fields["mapping"].help_text = "JSON or TOML; replaces the format's shipped crosswalk."
        qs = core_selectors.agency_list(user=user)
        for action in rt.rights:  # only agencies where the user holds every right an import needs
            allowed = core_selectors.agencies_where(user=user, module=rt.module, action=action)
            qs = qs.filter(pk__in=allowed.values("pk"))
        self.fields["agency"].queryset = qs  # type: ignore[attr-defined]
        if qs.count() == 1:  # the usual case: an analyst imports for their own agency
            self.fields["agency"].initial = qs.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fmt") and self.rt.needs_mapping(data["fmt"]) and not data.get("mapping"):
            self.add_error("mapping", "Upload a mapping file to import a CSV in another layout.")
        return data


def _save(upload: UploadedFile[bytes], target: Path) -> None:
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def form_field(failure: ImportFailure) -> str | None:
    """The upload form's field a whole-run failure belongs to (None: shown above the form)."""
    head = failure.field.split(":")[0].strip()
    if head in {"FILE", "file"}:
        return "file"
    if head in {"--format", "format"}:
        return "fmt"
    return "mapping" if head.startswith("mapping") or head == "--mapping" else None


def upload_message(failure: ImportFailure, file_name: str) -> str:
    """A whole-run failure in the user's terms: a problem with the file names the file they uploaded."""
    if failure.field in {"FILE", "file"}:
        return f"{Path(file_name).name[:120]}: {failure.message}"
    return str(failure)


def _views(rt: RecordType) -> dict[str, Callable[..., HttpResponse]]:
    ns = rt.url_namespace
    templates = {"upload": "core/importing/upload.html", "preview": "core/importing/preview.html",
                 "result": "core/importing/result.html"}
    key = session_key(rt)

    def page(request: HttpRequest, name: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        return render(request, templates[name], {"rt": rt, "ns": ns, **context}, status=status)

    @module_required(rt.module, *rt.rights)
    def upload(request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST or None, request.FILES or None, rt=rt, user=request.user)
        if request.method == "POST" and form.is_valid():
            token = secrets.token_urlsafe(16)
            folder = staging_dir() / token
            folder.mkdir()
            data = form.cleaned_data
            file_name = Path(data["file"].name).name
            file_path = folder / "upload.dat"
            _save(data["file"], file_path)
            mapping_path, label = None, "mapping"
            if data.get("mapping"):
                suffix = ".toml" if data["mapping"].name.lower().endswith(".toml") else ".json"
                mapping_path = folder / f"mapping{suffix}"
                label = mapping_label(data["mapping"].name)
                _save(data["mapping"], mapping_path)
            opts = ImportOptions(path=file_path, agency=data["agency"], fmt=data["fmt"], mapping_path=mapping_path,
                                 dry_run=True, actor=request.user, file_name=file_name, preview_rows=PREVIEW_ROWS,
                                 keep_errors=PREVIEW_ERRORS, mapping_label=label)
            try:
                result = run_import(rt, opts)
            except NotPermitted:
                shutil.rmtree(folder, ignore_errors=True)
                return render(request, "403.html", status=403)
            except ImportFailure as exc:
                shutil.rmtree(folder, ignore_errors=True)
                form.add_error(form_field(exc), upload_message(exc, file_name))
            else:
                staged = not data["dry_run"] and not result.nothing_to_import  # nothing to commit: keep nothing
                if staged:
                    stage = request.session.get(key, {})
                    stage[token] = {"agency": data["agency"].pk, "fmt": data["fmt"], "file_name": file_name,
                                    "mapping": str(mapping_path) if mapping_path else "", "mapping_label": label}
                    request.session[key] = stage
                else:
                    shutil.rmtree(folder, ignore_errors=True)
                preview = [[(c.label, row.get(c.key)) for c in rt.preview_columns] for row in result.preview]
                return page(request, "preview", {
                    "result": result, "errors": sorted(result.errors, key=lambda e: e.line)[:PREVIEW_ERRORS],
                    "more_errors": max(result.errors_total - PREVIEW_ERRORS, 0), "preview_rows": preview,
                    "token": token if staged else "", "agency": data["agency"], "fmt": data["fmt"],
                    "fmt_label": rt.format_label(data["fmt"]), "file_name": file_name, "dry_run": data["dry_run"]})
        recent = selectors.batch_list(rt, user=request.user)[:10]
        return page(request, "upload", {"form": form, "recent": recent},
                    status=400 if request.method == "POST" else 200)

    @require_POST
    @module_required(rt.module, *rt.rights)
    def commit(request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token", "")
        stage = request.session.get(key, {})
        entry = stage.pop(token, None) if token else None
        request.session[key] = stage
        folder = staging_dir() / token if token and "/" not in token and ".." not in token else None
        if entry is None or folder is None or not (folder / "upload.dat").exists():
            return page(request, "upload", {"form": UploadForm(rt=rt, user=request.user), "recent": [],
                                            "stale": True}, status=400)
        agency = core_selectors.agency_list(user=request.user).filter(pk=entry["agency"]).first()
        if agency is None:
            raise Http404("No such agency.")
        opts = ImportOptions(path=folder / "upload.dat", agency=agency, fmt=entry["fmt"],
                             mapping_path=Path(entry["mapping"]) if entry["mapping"] else None,
                             actor=request.user, file_name=entry["file_name"], keep_errors=0,
                             mapping_label=entry.get("mapping_label", "mapping"))
        try:
            result = run_import(rt, opts)
        except NotPermitted:
            return render(request, "403.html", status=403)
        except ImportFailure as exc:
            return page(request, "upload", {"form": UploadForm(rt=rt, user=request.user), "recent": [],
                                            "failure": upload_message(exc, entry["file_name"])}, status=400)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if result.imported:
            warmup.start_background()  # the analyses of the new data, before the next person opens them
        return redirect(f"{ns}:result", batch_id=result.batch.pk)

    def batch_for(request: HttpRequest, batch_id: int) -> Any:
        try:
            return selectors.batch_get(rt, user=request.user, batch_id=batch_id)
        except rt.batch_model.DoesNotExist:
            raise Http404("No such import.") from None  # another agency's batch looks like no batch

    @module_required(rt.module)
    def result(request: HttpRequest, batch_id: int) -> HttpResponse:
        batch = batch_for(request, batch_id)
        errors = Paginator(selectors.error_list(rt, user=request.user, batch=batch), 100).get_page(
            request.GET.get("page"))
        more = max(batch.errors_total - errors.paginator.count, 0)
        can_export = has_module(request.user, rt.module, EXPORT, batch.agency_id)
        return page(request, "result", {"batch": batch, "page": errors, "more_errors": more,
                                        "can_export": can_export, "fmt_label": rt.format_label(batch.fmt)})

    @module_required(rt.module, EXPORT)
    def errors_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
        """The rejected rows with their raw source values: an export, so it needs `export` for the batch's
        agency."""
        batch = batch_for(request, batch_id)
        what = f"{rt.name}.import_errors"
        if not has_module(request.user, rt.module, EXPORT, batch.agency_id):
            permission_denied(actor=request.user, what=what, reason=request.path)
            return render(request, "403.html", status=403)
        purpose = f"import {batch.pk} ({batch.agency.ori}, {batch.file_name})"
        if batch.report_path.is_file():  # more errors than the database keeps: the full report
            record_export(actor=request.user, what=what, rows=batch.errors_total, fmt="csv", purpose=purpose)
            full = FileResponse(batch.report_path.open("rb"), content_type="text/csv; charset=utf-8")
            full["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
            return cast(HttpResponse, full)  # streamed: the report can be as large as the upload
        rows = [RowError(e.line, e.field, e.value, e.reason)
                for e in selectors.error_list(rt, user=request.user, batch=batch)]
        body = error_report_csv(rows)
        record_export(actor=request.user, what=what, rows=len(rows), fmt="csv", purpose=purpose)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
        return response

    return {"upload": upload, "commit": commit, "result": result, "errors_csv": errors_csv}


def urls(rt: RecordType) -> list[URLPattern]:
    """The import pages of a record type: `""` upload, `commit/`, `<id>/` result, `<id>/errors.csv`."""
    views = _views(rt)
    return [
        path("", views["upload"], name="upload"),
        path("commit/", views["commit"], name="commit"),
        path("<int:batch_id>/", views["result"], name="result"),
        path("<int:batch_id>/errors.csv", views["errors_csv"], name="errors_csv"),
    ]
