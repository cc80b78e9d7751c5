"""The incident import pages: the importer framework's upload → preview → commit → result views
(`core.importing.views`) for the incident record type.

Wire with `path("incidents/import/", include("safecity.incidents.import_views"))` (namespace
"incidents_import").
"""

from safecity.core.importing.views import urls
from safecity.incidents.importers.pipeline import INCIDENTS

<<<<<<< HEAD
import secrets
import shutil
from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from safecity.core import selectors as core_selectors
from safecity.core.actions import permission_denied, record_export
from safecity.core.models import Agency
from safecity.core.permissions import NotPermitted, has_module
from safecity.core.roles import EXPORT, Module
from safecity.core.views import module_required
from safecity.incidents import selectors
from safecity.incidents.importers import FORMATS, ImportFailure, ImportOptions, run_import
from safecity.incidents.importers.pipeline import IMPORT_ACTIONS, error_report_csv
from safecity.incidents.importers.records import RowError
from safecity.incidents.models import ImportBatch

app_name = "incidents_import"
SESSION_KEY = "incident_import_stage"
PREVIEW_ROWS = 10
PREVIEW_ERRORS = 100
FORMAT_CHOICES = [
    ("nibrs", "NIBRS flat file (FBI segments)"),
    ("chicago", "Chicago 'Crimes – 2001 to Present'"),
    ("nypd", "NYPD complaint data"),
    ("nypd_hate", "NYPD hate crimes (bias motive per offense)"),
    ("lapd", "LAPD crime data"),
    ("code", "Crime Open Database (CODE)"),
    ("csv", "Other CSV, described by a mapping file"),
]
if [c for c, _ in FORMAT_CHOICES] != list(FORMATS):  # pragma: no cover  (a new format needs a label here)
    raise RuntimeError("FORMAT_CHOICES is out of step with importers.FORMATS")


def staging_dir() -> Path:
    root = Path(settings.IMPORT_STAGING_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


class UploadForm(forms.Form):
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none(),
                                    help_text="The agency whose incidents the file holds.")
    fmt = forms.ChoiceField(label="File format", choices=FORMAT_CHOICES)
    file = forms.FileField(label="File to import")
    mapping = forms.FileField(label="Mapping file", required=False,
                              help_text="JSON or TOML describing the columns; needed for 'Other CSV'.")
    dry_run = forms.BooleanField(label="Dry run: check the file and show what would happen, import nothing",
                                 required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = core_selectors.agency_list(user=user)
        for action in IMPORT_ACTIONS:  # only agencies where the user holds every right an import needs
            allowed = core_selectors.agencies_where(user=user, module=Module.INCIDENTS, action=action)
            qs = qs.filter(pk__in=allowed.values("pk"))
        self.fields["agency"].queryset = qs  # type: ignore[attr-defined]
        choices = self.fields["agency"].queryset  # type: ignore[attr-defined]
        if choices.count() == 1:  # the usual case: an analyst imports for their own agency
            self.fields["agency"].initial = choices.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fmt") == "csv" and not data.get("mapping"):
            self.add_error("mapping", "Upload a mapping file to import a CSV in another layout.")
        return data


def _save(upload: UploadedFile[bytes], target: Path) -> None:
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


FAILURE_FIELDS = {"FILE": "file", "--mapping": "mapping", "--format": "fmt"}


def _form_field(failure: ImportFailure) -> str | None:
    head = failure.field.split(":")[0].strip()
    if head in FAILURE_FIELDS:
        return FAILURE_FIELDS[head]
    return "mapping" if head.startswith("mapping") or head == "--mapping" else None


@module_required(Module.INCIDENTS, *IMPORT_ACTIONS)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        token = secrets.token_urlsafe(16)
        folder = staging_dir() / token
        folder.mkdir()
        data = form.cleaned_data
        file_name = Path(data["file"].name).name
        file_path = folder / "upload.dat"
        _save(data["file"], file_path)
        mapping_path = None
        if data.get("mapping"):
            suffix = ".toml" if data["mapping"].name.lower().endswith(".toml") else ".json"
            mapping_path = folder / f"mapping{suffix}"
            _save(data["mapping"], mapping_path)
        opts = ImportOptions(path=file_path, agency=data["agency"], fmt=data["fmt"], mapping_path=mapping_path,
                             dry_run=True, actor=request.user, file_name=file_name, preview_rows=PREVIEW_ROWS,
                             keep_errors=PREVIEW_ERRORS)
        try:
            result = run_import(opts)
        except NotPermitted:
            shutil.rmtree(folder, ignore_errors=True)
            return render(request, "403.html", status=403)
        except ImportFailure as exc:
            shutil.rmtree(folder, ignore_errors=True)
            form.add_error(_form_field(exc), str(exc))
        else:
            if not data["dry_run"]:
                stage = request.session.get(SESSION_KEY, {})
                stage[token] = {"agency": data["agency"].pk, "fmt": data["fmt"], "file_name": file_name,
                                "mapping": str(mapping_path) if mapping_path else ""}
                request.session[SESSION_KEY] = stage
            else:
                shutil.rmtree(folder, ignore_errors=True)
            return render(request, "incidents/import_preview.html", {
                "result": result, "errors": sorted(result.errors, key=lambda e: e.line)[:PREVIEW_ERRORS],
                "more_errors": max(result.errors_total - PREVIEW_ERRORS, 0),
                "token": "" if data["dry_run"] else token, "agency": data["agency"], "fmt": data["fmt"],
                "file_name": file_name, "dry_run": data["dry_run"]})
    recent = selectors.import_batch_list(user=request.user)[:10]
    return render(request, "incidents/import_upload.html", {"form": form, "recent": recent},
                  status=400 if request.method == "POST" else 200)


@require_POST
@module_required(Module.INCIDENTS, *IMPORT_ACTIONS)
def commit(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    stage = request.session.get(SESSION_KEY, {})
    entry = stage.pop(token, None) if token else None
    request.session[SESSION_KEY] = stage
    folder = staging_dir() / token if token and "/" not in token and ".." not in token else None
    if entry is None or folder is None or not (folder / "upload.dat").exists():
        return render(request, "incidents/import_upload.html", {
            "form": UploadForm(user=request.user), "recent": [],
            "stale": True}, status=400)
    agency = core_selectors.agency_list(user=request.user).filter(pk=entry["agency"]).first()
    if agency is None:
        raise Http404("No such agency.")
    opts = ImportOptions(path=folder / "upload.dat", agency=agency, fmt=entry["fmt"],
                         mapping_path=Path(entry["mapping"]) if entry["mapping"] else None,
                         actor=request.user, file_name=entry["file_name"], keep_errors=0)
    try:
        result = run_import(opts)
    except NotPermitted:
        return render(request, "403.html", status=403)
    except ImportFailure as exc:
        return render(request, "incidents/import_upload.html", {
            "form": UploadForm(user=request.user), "recent": [], "failure": str(exc)}, status=400)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return redirect("incidents_import:result", batch_id=result.batch.pk)


def _batch_for(request: HttpRequest, batch_id: int) -> ImportBatch:
    try:
        return selectors.import_batch_get(user=request.user, batch_id=batch_id)
    except ImportBatch.DoesNotExist:
        raise Http404("No such import.") from None  # another agency's batch looks like no batch


@module_required(Module.INCIDENTS)
def result(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch_for(request, batch_id)
    page = Paginator(selectors.import_error_list(user=request.user, batch=batch), 100).get_page(
        request.GET.get("page"))
    more = max(batch.errors_total - page.paginator.count, 0)
    can_export = has_module(request.user, Module.INCIDENTS, EXPORT, batch.agency_id)
    return render(request, "incidents/import_result.html",
                  {"batch": batch, "page": page, "more_errors": more, "can_export": can_export})


@module_required(Module.INCIDENTS, EXPORT)
def errors_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The rejected rows with their raw source values: an export, so it needs `export` for the batch's agency."""
    batch = _batch_for(request, batch_id)
    if not has_module(request.user, Module.INCIDENTS, EXPORT, batch.agency_id):
        permission_denied(actor=request.user, what="incidents.import_errors", reason=request.path)
        return render(request, "403.html", status=403)
    purpose = f"import {batch.pk} ({batch.agency.ori}, {batch.file_name})"
    if batch.report_path.is_file():  # more errors than the database keeps: the full report
        record_export(actor=request.user, what="incidents.import_errors", rows=batch.errors_total, fmt="csv",
                      purpose=purpose)
        full = FileResponse(batch.report_path.open("rb"), content_type="text/csv; charset=utf-8")
        full["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
        return cast(HttpResponse, full)  # streamed: the report can be as large as the upload
    rows = [RowError(e.line, e.field, e.value, e.reason)
            for e in selectors.import_error_list(user=request.user, batch=batch)]
    body = error_report_csv(rows)
    record_export(actor=request.user, what="incidents.import_errors", rows=len(rows), fmt="csv", purpose=purpose)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    return response


urlpatterns = [
    path("", upload, name="upload"),
    path("commit/", commit, name="commit"),
    path("<int:batch_id>/", result, name="result"),
    path("<int:batch_id>/errors.csv", errors_csv, name="errors_csv"),
]
=======
app_name = INCIDENTS.url_namespace
urlpatterns = urls(INCIDENTS)
>>>>>>> kit-importer
