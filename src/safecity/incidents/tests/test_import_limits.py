"""Finding 7 (disk exhaustion) and the import API parts of finding 10: size limits, broken bodies, the
mapping upload over the API, the cap on stored row errors, and expiring abandoned previews."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from tempfile import SpooledTemporaryFile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.test.client import encode_multipart

from safecity.core.models import Agency, AuditEvent, User
from safecity.incidents.models import ImportBatch, ImportRowError, Incident
from safecity.incidents.tests.test_import_formats import FIXTURES

pytestmark = [pytest.mark.django_db]
API = "/api/v1/imports/"
WEB = "/incidents/import/"
MB = 1024 * 1024


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def staging(tmp_path: Path, settings: Any) -> Path:
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.IMPORT_STAGING_DIR = tmp_path / "imports" / "staging"
    return Path(settings.IMPORT_STAGING_DIR)


# ---- size limit ----------------------------------------------------------------------------------------


def test_api_upload_over_the_default_limit_is_refused_with_413(
        ann_analyst: User, agency_a: Agency, api_token: Callable[[User], str], staging: Path) -> None:
    """A 101 MB upload (the finding: 135 MB was accepted) answers 413 at the default of 100 MB."""
    client = Client()
    big = SimpleUploadedFile("big.csv", b"x" * (101 * MB), content_type="text/csv")
    reply = client.post(API, {"agency": agency_a.ori, "format": "lapd", "file": big}, **_bearer(api_token(ann_analyst)))
    assert reply.status_code == 413, reply.content[:300]
    error = reply.json()["error"]
    assert error["code"] == "too_large" and "100 MB" in error["message"]
    assert error["fields"][0]["field"] == "file"
    assert not ImportBatch.objects.exists() and not any(staging.parent.rglob("*.dat"))


@override_settings(MAX_UPLOAD_MB=1)
def test_web_upload_over_the_limit_gets_a_page_saying_so(ann_analyst: User, agency_a: Agency,
                                                         signed_in: Callable[[User], Client], staging: Path) -> None:
    client = signed_in(ann_analyst)
    big = SimpleUploadedFile("big.csv", b"y" * (2 * MB), content_type="text/csv")
    reply = client.post(WEB, {"agency": agency_a.pk, "fmt": "lapd", "file": big})
    assert reply.status_code == 413
    body = reply.content.decode()
    assert "larger than the limit of 1 MB" in body and "safecity import incidents" in body
    assert not staging.exists() or not any(staging.iterdir())


@override_settings(MAX_UPLOAD_MB=1)
def test_understated_content_length_is_caught_while_streaming() -> None:
    """Content-Length may be missing or understated (chunked transfer on ASGI): the upload handler counts
    the bytes that actually arrive and stops at the limit."""
    from safecity.core.uploads import UploadLimitMiddleware

    body, content_type = _multipart({"agency": "ZZ0000001", "format": "lapd",
                                     "file": SimpleUploadedFile("c.csv", b"z" * (3 * MB // 2))})
    stream = SpooledTemporaryFile()  # noqa: SIM115  (ASGIRequest owns and closes it)
    stream.write(body)
    stream.seek(0)
    scope = {"type": "http", "method": "POST", "path": API, "query_string": b"",
             "headers": [(b"content-type", content_type.encode()), (b"content-length", b"1000")]}
    request = ASGIRequest(scope, stream)
    reached: list[HttpRequest] = []

    def view(req: HttpRequest) -> HttpResponse:
        reached.append(req)
        return HttpResponse("accepted")

    reply = UploadLimitMiddleware(view)(request)
    assert reply.status_code == 413 and not reached
    assert json.loads(reply.content)["error"]["code"] == "too_large"


def _multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    boundary = "BoUnDaRy"
    return encode_multipart(boundary, fields), f"multipart/form-data; boundary={boundary}"


def test_large_text_body_to_the_api_answers_413_not_500(ann_analyst: User, api_token: Callable[[User], str]) -> None:
    """A > 50 MB text/plain body made the API's catch-all answer 500 (RequestDataTooBig raised inside ninja)."""
    client = Client(raise_request_exception=False)
    reply = client.post("/api/v1/tokens", b"x" * (51 * MB), content_type="text/plain",
                        **_bearer(api_token(ann_analyst)))
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "too_large"


# ---- broken bodies ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("content_type", "body", "says"), [
    ("multipart/form-data", b"garbage", "boundary"),
    ("multipart/form-data; boundary=\u00e9", b"garbage", "non-ASCII"),
])
def test_api_import_with_a_broken_multipart_body_answers_400(
        ann_analyst: User, api_token: Callable[[User], str], content_type: str, body: bytes, says: str) -> None:
    client = Client(raise_request_exception=False)
    reply = client.post(API, body, content_type=content_type, **_bearer(api_token(ann_analyst)))
    assert reply.status_code == 400, reply.content
    error = reply.json()["error"]
    assert error["code"] == "bad_request" and says in error["message"] and error["fields"][0]["field"] == "body"


def test_bad_content_length_answers_400(ann_analyst: User, api_token: Callable[[User], str]) -> None:
    client = Client(raise_request_exception=False)
    reply = client.post(API, b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH="lots",
                        **_bearer(api_token(ann_analyst)))
    assert reply.status_code == 400 and "Content-Length" in reply.json()["error"]["message"]


# ---- mapping over the API ------------------------------------------------------------------------------


def test_api_csv_import_with_a_mapping(ann_analyst: User, agency_a: Agency, api_token: Callable[[User], str],
                                       staging: Path) -> None:
    client = Client()
    auth = _bearer(api_token(ann_analyst))
    reply = client.post(API, {
        "agency": agency_a.ori, "format": "csv",
        "file": SimpleUploadedFile("custom.csv", (FIXTURES / "custom_sample.csv").read_bytes()),
        "mapping": SimpleUploadedFile("m.json", (FIXTURES / "custom_mapping.json").read_bytes())}, **auth)
    assert reply.status_code == 201, reply.content
    assert reply.json()["imported"] == 12 and Incident.objects.filter(agency=agency_a).count() == 12
    toml = client.post(API, {
        "agency": agency_a.ori, "format": "csv", "dry_run": "true",
        "file": SimpleUploadedFile("custom.csv", (FIXTURES / "custom_sample.csv").read_bytes()),
        "mapping": SimpleUploadedFile("m.toml", (FIXTURES / "custom_mapping.toml").read_bytes())}, **auth)
    assert toml.status_code == 200, toml.content
    assert (toml.json()["rows_read"], toml.json()["rejected"]) == (12, 0)
    bad = client.post(API, {
        "agency": agency_a.ori, "format": "csv",
        "file": SimpleUploadedFile("custom.csv", (FIXTURES / "custom_sample.csv").read_bytes()),
        "mapping": SimpleUploadedFile("m.json", b'{"incident_number": "report_no"}')}, **auth)
    assert bad.status_code == 422
    field = bad.json()["error"]["fields"][0]
    assert field["field"] == "mapping" and "occurred_from: this setting is required" in field["message"]


def test_openapi_documents_the_mapping_upload() -> None:
    from safecity.api import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/imports/"]["post"]
    assert not [p for p in operation.get("parameters", []) if p["name"] == "mapping"]  # not a query parameter
    form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "mapping" in form["properties"] and "mapping" not in form.get("required", [])
    assert "file" in form["required"]


# ---- stored row errors ---------------------------------------------------------------------------------


def _many_bad_rows(count: int) -> bytes:
    # One good row first: a file none of whose rows can be read is refused whole ("this does not look like…").
    header, good = (FIXTURES / "lapd_sample.csv").read_text(encoding="utf-8").splitlines()[:2]
    width = header.count(",")
    return (header + "\n" + good + "\n" + "".join("bad" + "," * (width - 1) + "\n" for _ in range(count))).encode()


@override_settings(IMPORT_MAX_STORED_ERRORS=25)
def test_stored_row_errors_are_capped_and_the_full_report_is_a_file(
        ann_analyst: User, agency_a: Agency, api_token: Callable[[User], str], signed_in: Callable[[User], Client],
        staging: Path) -> None:
    client = Client()
    reply = client.post(API, {"agency": agency_a.ori, "format": "lapd",
                              "file": SimpleUploadedFile("bad.csv", _many_bad_rows(130))},
                        **_bearer(api_token(ann_analyst)))
    assert reply.status_code == 201, reply.content
    body = reply.json()
    assert body["rejected"] == 130 and body["errors_truncated"] and len(body["errors"]) == 100
    assert body["more_errors"].startswith(f"{body['errors_total'] - 100} more errors in the full report")
    batch = ImportBatch.objects.get(pk=body["batch"]["id"])
    stored = ImportRowError.objects.filter(batch=batch).count()
    assert stored == 25 and batch.errors_total > stored
    assert body["batch"]["errors_total"] == batch.errors_total and body["batch"]["errors_stored"] == 25
    report = batch.report_path
    assert report.is_file()
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "line,field,value,reason" and len(lines) == batch.errors_total + 1
    web = signed_in(ann_analyst)
    page = web.get(f"{WEB}{batch.pk}/").content.decode()
    assert f"{batch.errors_total - 25} more errors in the full report" in page
    download = web.get(f"{WEB}{batch.pk}/errors.csv")
    assert len(b"".join(download).decode().splitlines()) == batch.errors_total + 1


@override_settings(IMPORT_MAX_STORED_ERRORS=25)
def test_run_import_keeps_only_the_cap_in_memory_for_web_and_api(agency_a: Agency, tmp_path: Path) -> None:
    from safecity.incidents.importers import ImportOptions, run_import

    source = tmp_path / "bad.csv"
    source.write_bytes(_many_bad_rows(60))
    result = run_import(ImportOptions(path=source, agency=agency_a, fmt="lapd", dry_run=True, keep_errors=25))
    assert len(result.errors) == 25 and result.errors_total >= 60
    everything = run_import(ImportOptions(path=source, agency=agency_a, fmt="lapd", dry_run=True))
    assert len(everything.errors) == everything.errors_total  # the command line still reports every row


# ---- abandoned previews --------------------------------------------------------------------------------


def test_abandoned_previews_expire_and_the_purge_is_audited(
        ann_analyst: User, agency_a: Agency, signed_in: Callable[[User], Client], staging: Path,
        settings: Any) -> None:
    from safecity.core.tasks import run_daily

    client = signed_in(ann_analyst)
    old = client.post(WEB, {"agency": agency_a.pk, "fmt": "lapd",
                            "file": SimpleUploadedFile("l.csv", (FIXTURES / "lapd_sample.csv").read_bytes())})
    fresh = client.post(WEB, {"agency": agency_a.pk, "fmt": "lapd",
                              "file": SimpleUploadedFile("l.csv", (FIXTURES / "lapd_sample.csv").read_bytes())})
    old_dir, fresh_dir = staging / old.context["token"], staging / fresh.context["token"]
    assert old_dir.is_dir() and fresh_dir.is_dir()
    stamp = time.time() - (settings.IMPORT_STAGING_MAX_AGE_HOURS + 1) * 3600
    for path in [old_dir, *old_dir.iterdir()]:
        os.utime(path, (stamp, stamp))
    report = run_daily()
    assert not old_dir.exists() and fresh_dir.is_dir()
    assert any("staged uploads removed: 1" in line for line in report.lines())
    event = AuditEvent.objects.filter(action="import.staging_purge").get()
    assert event.extra["removed"] == 1 and event.actor_name == "system:tasks"
    stale = client.post(f"{WEB}commit/", {"token": old.context["token"]})
    assert stale.status_code == 400 and "expired" in stale.content.decode()


def test_staging_purge_ignores_files_it_did_not_make(staging: Path, db: Any) -> None:
    from safecity.incidents.tasks import purge_staged_uploads

    staging.mkdir(parents=True)
    (staging / "README").write_text("not a staged upload")
    stamp = time.time() - 10 * 24 * 3600
    os.utime(staging / "README", (stamp, stamp))
    assert purge_staged_uploads(now=dt.datetime.now(dt.UTC)) == 0
    assert (staging / "README").exists()


def test_body_without_content_length_over_the_memory_limit_answers_413_in_the_api(
        ann_analyst: User, api_token: Callable[[User], str]) -> None:
    """Chunked on ASGI: no Content-Length for the middleware to check, so Django's own limit fires inside
    the API operation; that is the client's problem (413), not a 500 from the catch-all handler."""
    from django.urls import resolve

    stream = SpooledTemporaryFile()  # noqa: SIM115  (ASGIRequest owns and closes it)
    stream.write(b"x" * (51 * MB))
    stream.seek(0)
    scope = {"type": "http", "method": "POST", "path": "/api/v1/tokens", "query_string": b"",
             "headers": [(b"content-type", b"text/plain"),
                         (b"authorization", f"Bearer {api_token(ann_analyst)}".encode())]}
    request = ASGIRequest(scope, stream)
    match = resolve(request.path)
    reply = match.func(request, *match.args, **match.kwargs)
    assert reply.status_code == 413, reply.content
    assert json.loads(reply.content)["error"]["code"] == "too_large"
