"""Issue 8, item 12: the import page is linked for those who may import (only them), garbage files are
refused in plain words, a mapping problem names the user's uploaded file, and (issue 8, item 14) a clean
command-line run removes the stale error report of an earlier run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safecity.cli import main
from safecity.core.models import Agency, User
from safecity.incidents.models import ImportBatch, Incident
from safecity.incidents.tests.test_import_formats import FIXTURES

pytestmark = pytest.mark.django_db
UPLOAD = "/incidents/import/"


def _upload(client: Client, agency: Agency, name: str, fmt: str, content: bytes | None = None, **extra: Any) -> Any:
    data = {"agency": agency.pk, "fmt": fmt,
            "file": SimpleUploadedFile(name, content if content is not None else (FIXTURES / name).read_bytes()),
            **extra}
    return client.post(UPLOAD, data)


def test_incident_list_links_the_import_page_only_for_roles_that_may_import(
        ann_analyst: User, olivia_officer: User, otto_oversight: User, alice_admin: User,
        signed_in: Callable[[User], Client]) -> None:
    link = f'href="{UPLOAD}"'
    for user, shown in ((ann_analyst, True), (alice_admin, True), (olivia_officer, False), (otto_oversight, False)):
        page = signed_in(user).get("/incidents/")
        assert page.status_code == 200
        assert (link in page.content.decode()) is shown, user.username
        # The link never leads to a refusal: whoever sees it may open the page.
        assert (signed_in(user).get(UPLOAD).status_code == 200) is shown


def test_a_csv_uploaded_as_nibrs_is_called_what_it_is(ann_analyst: User, agency_a: Agency,
                                                      signed_in: Callable[[User], Client]) -> None:
    reply = _upload(signed_in(ann_analyst), agency_a, "chicago_sample.csv", "nibrs")
    body = reply.content.decode()
    assert reply.status_code == 400
    assert "chicago_sample.csv: this does not look like a NIBRS flat file" in body
    assert "Import 0 rows" not in body and "token" not in (reply.context or {})
    assert not ImportBatch.objects.exists() and not Incident.objects.exists()


def test_garbage_uploaded_as_a_city_csv_is_called_what_it_is(ann_analyst: User, agency_a: Agency,
                                                             signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    other_columns = _upload(client, agency_a, "nibrs_sample.txt", "chicago").content.decode()
    assert "this does not look like a CSV with the columns of mapping chicago.json" in other_columns
    # The right header over rows that are not CSV rows of that layout (a truncated or re-saved export).
    header = (FIXTURES / "chicago_sample.csv").read_text(encoding="utf-8").splitlines()[0]
    junk = (header + "\n" + "".join(f"garbage line {i}\n" for i in range(799))).encode()
    reply = _upload(client, agency_a, "export.csv", "chicago", content=junk)
    body = reply.content.decode()
    assert reply.status_code == 400 and "Import 0 rows" not in body and "skip 799" not in body
    assert "export.csv: this does not look like a CSV with the columns of mapping chicago.json: expected 22 " \
           "columns, found 1" in body


def test_a_file_whose_every_row_is_rejected_offers_nothing_to_import_and_says_why(
        ann_analyst: User, agency_a: Agency, agency_b: Agency, signed_in: Callable[[User], Client]) -> None:
    from safecity.conftest import make_persona
    from safecity.core.roles import Role

    analyst_b = make_persona("bea", agency_b, Role.ANALYST)
    reply = _upload(signed_in(analyst_b), agency_b, "nibrs_sample.txt", "nibrs")  # agency A's submission
    body = reply.content.decode()
    assert reply.status_code == 200
    assert "Nothing in this file can be imported" in body and "Import 0 rows" not in body
    assert "ORI ZZ0000001 does not match the agency being imported (ZZ0000002)" in body
    assert not reply.context["token"]  # nothing staged, nothing to commit


def test_a_mapping_problem_names_the_uploaded_mapping_not_a_command_line_flag(
        ann_analyst: User, agency_a: Agency, signed_in: Callable[[User], Client]) -> None:
    good = json.loads((FIXTURES / "custom_mapping.json").read_text())
    broken = SimpleUploadedFile("northside-rms.json", json.dumps({**good, "colour": "red"}).encode())
    reply = _upload(signed_in(ann_analyst), agency_a, "custom_sample.csv", "csv", mapping=broken)
    body = reply.content.decode()
    assert reply.status_code == 400
    assert "mapping file northside-rms.json: colour: unknown setting" in body
    assert "--mapping" not in body


def test_a_clean_command_line_run_removes_the_stale_error_report(agency_a: Agency, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "export.csv"
    report = tmp_path / "export.csv.errors.csv"
    source.write_bytes((FIXTURES / "bad_rows_chicago.csv").read_bytes())
    assert main(["import", "incidents", str(source), "--agency", "ZZ0000001", "--format", "chicago"]) == 1
    assert report.is_file()
    source.write_bytes((FIXTURES / "chicago_sample.csv").read_bytes())  # the fixed export, same name
    assert main(["import", "incidents", str(source), "--agency", "ZZ0000001", "--format", "chicago"]) == 0
    assert not report.exists(), "a report from an earlier run would describe problems this run does not have"
    assert "removed the earlier error report" in capsys.readouterr().out
    # A file that is not one of our reports is never removed, even when named as the report.
    other = tmp_path / "notes.csv"
    other.write_text("my own notes\n")
    assert main(["import", "incidents", str(source), "--agency", "ZZ0000001", "--format", "chicago",
                 "--error-report", str(other)]) == 0
    assert other.read_text() == "my own notes\n"


def test_the_command_line_offers_every_format_the_importer_reads() -> None:
    """The command keeps its own copy of the format names (it must not set Django up to build its parser)."""
    from safecity.incidents.cli import FORMATS as COMMAND_LINE
    from safecity.incidents.importers.pipeline import FORMATS, INCIDENTS

    assert COMMAND_LINE == FORMATS == tuple(f.code for f in INCIDENTS.formats)
