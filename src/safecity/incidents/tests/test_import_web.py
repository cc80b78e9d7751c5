"""The upload → preview → commit → result flow, the error-report download, and the imports API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import include, path, reverse

from safecity.core.models import Agency, User
from safecity.incidents import import_api
from safecity.incidents.models import ImportBatch, Incident
from safecity.incidents.tests.test_import_formats import FIXTURES


def _api_urls() -> Any:
    """The router on an API with the site's auth and error handlers (whether or not it is wired yet)."""
    from ninja import NinjaAPI

    from safecity.api import api
    from safecity.core.api_auth import SessionAuth, TokenAuth

    test_api = NinjaAPI(urls_namespace="imports-test", auth=[TokenAuth(), SessionAuth()])
    for exc_class, handler in api._exception_handlers.items():
        test_api.add_exception_handler(exc_class, handler)
    test_api.add_router("/imports", import_api.router)
    return path("api/v1/", test_api.urls)


urlpatterns = [
    path("incidents/import/", include("safecity.incidents.import_views")),
    _api_urls(),
    path("", include("safecity.core.urls")),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def upload(client: Client, agency: Agency, name: str, fmt: str, **extra: Any) -> Any:
    data = {"agency": agency.pk, "fmt": fmt, "file": SimpleUploadedFile(name, (FIXTURES / name).read_bytes()),
            **extra}
    return client.post(reverse("incidents_import:upload"), data)


def test_upload_preview_commit_result(ann_analyst: User, agency_a: Agency,
                                      signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    page = client.get(reverse("incidents_import:upload"))
    assert page.status_code == 200 and b"Import incidents" in page.content
    preview = upload(client, agency_a, "bad_rows_chicago.csv", "chicago")
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "6 would be imported" in body and "6 rejected" in body
    assert "JH200001" in body and "truncated last line" in body
    assert not Incident.objects.exists()
    token = preview.context["token"]
    done = client.post(reverse("incidents_import:commit"), {"token": token})
    assert done.status_code == 302
    batch = ImportBatch.objects.get()
    assert done["Location"] == reverse("incidents_import:result", args=[batch.pk])
    assert (batch.rows_imported, batch.rows_rejected, batch.started_by) == (6, 6, ann_analyst)
    result = client.get(done["Location"])
    assert result.status_code == 200 and "6 imported" in result.content.decode()
    report = client.get(reverse("incidents_import:errors_csv", args=[batch.pk]))
    assert report["Content-Type"].startswith("text/csv")
    assert report.content.decode().splitlines()[0] == "line,field,value,reason"
    again = client.post(reverse("incidents_import:commit"), {"token": token})
    assert again.status_code == 400  # a preview commits once


def test_dry_run_checkbox_offers_no_commit(ann_analyst: User, agency_a: Agency,
                                           signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    preview = upload(client, agency_a, "lapd_sample.csv", "lapd", dry_run="on")
    assert preview.status_code == 200 and preview.context["token"] == ""
    assert "Dry run: nothing was imported" in preview.content.decode()


def test_csv_needs_a_mapping_and_bad_mapping_is_named(ann_analyst: User, agency_a: Agency,
                                                      signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    missing = upload(client, agency_a, "custom_sample.csv", "csv")
    assert missing.status_code == 400 and "Upload a mapping file" in missing.content.decode()
    bad = upload(client, agency_a, "custom_sample.csv", "csv",
                 mapping=SimpleUploadedFile("m.json", b'{"incident_number": "report_no"}'))
    assert bad.status_code == 400 and "occurred_from: this setting is required" in bad.content.decode()
    good = upload(client, agency_a, "custom_sample.csv", "csv",
                  mapping=SimpleUploadedFile("m.json", (FIXTURES / "custom_mapping.json").read_bytes()))
    assert good.status_code == 200 and "12 would be imported" in good.content.decode()


def test_other_agency_cannot_be_chosen_or_viewed(ann_analyst: User, agency_a: Agency, agency_b: Agency,
                                                 signed_in: Callable[[User], Client]) -> None:
    from safecity.conftest import make_persona
    from safecity.core.roles import Role

    client = signed_in(ann_analyst)
    refused = upload(client, agency_b, "lapd_sample.csv", "lapd")
    assert refused.status_code == 400 and "agency" in refused.context["form"].errors
    upload(client, agency_a, "lapd_sample.csv", "lapd")
    bea = make_persona("bea", agency_b, Role.ANALYST)
    other = signed_in(bea)
    token = client.post(reverse("incidents_import:upload"), {
        "agency": agency_a.pk, "fmt": "lapd",
        "file": SimpleUploadedFile("l.csv", (FIXTURES / "lapd_sample.csv").read_bytes())}).context["token"]
    assert other.post(reverse("incidents_import:commit"), {"token": token}).status_code == 400  # not her upload
    client.post(reverse("incidents_import:commit"), {"token": token})
    batch = ImportBatch.objects.get()
    assert other.get(reverse("incidents_import:result", args=[batch.pk])).status_code == 404


def test_api_import_batch_and_errors(ann_analyst: User, agency_a: Agency, api_token: Callable[[User], str],
                                     client: Client) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(ann_analyst)}"}
    url = "/api/v1/imports/"
    dry = client.post(url, {"agency": agency_a.ori, "format": "chicago", "dry_run": "true",
                            "file": SimpleUploadedFile("b.csv", (FIXTURES / "bad_rows_chicago.csv").read_bytes())},
                      **auth)
    assert dry.status_code == 200, dry.content
    assert dry.json()["batch"] is None and dry.json()["rejected"] == 6 and not Incident.objects.exists()
    made = client.post(url, {"agency": agency_a.ori, "format": "chicago",
                             "file": SimpleUploadedFile("b.csv", (FIXTURES / "bad_rows_chicago.csv").read_bytes())},
                       **auth)
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["imported"], body["rejected"], body["status"]) == (6, 6, "partial")
    batch_id = body["batch"]["id"]
    detail = client.get(f"{url}{batch_id}", **auth).json()
    assert (detail["agency"], detail["format"], detail["rows_imported"]) == (agency_a.ori, "chicago", 6)
    page = client.get(f"{url}{batch_id}/errors?limit=4&offset=0", **auth).json()
    assert page["count"] == 6 and len(page["items"]) == 4 and page["items"][0]["line"] == 5
    rest = client.get(f"{url}{batch_id}/errors?limit=4&offset=4", **auth).json()
    assert [e["line"] for e in rest["items"]] == [11, 13]


def test_api_refusals(ann_analyst: User, agency_a: Agency, agency_b: Agency, api_token: Callable[[User], str],
                      client: Client) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(ann_analyst)}"}
    url = "/api/v1/imports/"
    sample = (FIXTURES / "lapd_sample.csv").read_bytes()
    denied = client.post(url, {"agency": agency_b.ori, "format": "lapd",
                               "file": SimpleUploadedFile("l.csv", sample)}, **auth)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    unknown = client.post(url, {"agency": "ZZ9999999", "format": "lapd", "file": SimpleUploadedFile("l.csv", sample)},
                          **auth)
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"][0]["field"] == "agency"
    no_mapping = client.post(url, {"agency": agency_a.ori, "format": "csv",
                                   "file": SimpleUploadedFile("l.csv", sample)}, **auth)
    assert no_mapping.status_code == 422 and no_mapping.json()["error"]["fields"][0]["field"] == "mapping"
    assert client.get(f"{url}999999", **auth).status_code == 404
    assert client.post(url, {"agency": agency_a.ori, "format": "lapd",
                             "file": SimpleUploadedFile("l.csv", sample)}).status_code == 401
