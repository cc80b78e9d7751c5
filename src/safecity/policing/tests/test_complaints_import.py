"""`safecity import complaints`: rows grouped into complaints with allegations, the stage set from the findings
by the workflow's rules, the complainant walled off (never in an error, the report, the preview or the audit
trail), idempotent re-runs, a changed complaint, located errors, a cross-agency officer, exit codes, the
personnel label on the batches, web and API."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safecity.conftest import make_api_token, verified_client
from safecity.core import cli as core_cli
from safecity.core.importing.errors import ImportFailure
from safecity.core.importing.runner import run_import
from safecity.core.importing.spec import ImportOptions
from safecity.core.models import AuditEvent, ObjectChange
from safecity.core.roles import Role
from safecity.policing import cli_complaints, complaint_rules
from safecity.policing.models import (
    Allegation,
    Complainant,
    Complaint,
    ComplaintEvent,
    ComplaintImportBatch,
    ComplaintImportRowError,
)
from safecity.policing.tests.factories import make_officer

pytestmark = pytest.mark.django_db
NAME = "Robin Quillfeather"  # a complainant: must never leave the complainant record
HEADER = ("complaint_number,received_on,source,employee_id,category,finding,finding_date,discipline,status,"
          "closed_on,complainant_name,complainant_contact,complainant_age\n")
GOOD = (f"C-100,2026-01-05,civilian,E1,excessive_force,sustained,2026-03-01,Written reprimand,closed,2026-03-10,"
        f"{NAME},555-0100,34\n"
        "C-101,2026-02-01,anonymous,E2,Discourtesy,,,,,,,,\n"
        "C-100,,,E2,discourtesy,unfounded,2026-02-20,,,,,,\n"  # the same complaint further down the file
        "C-102,2026-02-10,third party,E1,improper_search,not sustained,2026-04-01,,,,Sam Witness,,\n")


@pytest.fixture
def officers(agency_a: Any, agency_b: Any) -> dict[str, Any]:
    return {"e1": make_officer(agency_a, employee_id="E1"), "e2": make_officer(agency_a, employee_id="E2"),
            "e9": make_officer(agency_b, employee_id="E9")}


def write(tmp_path: Path, text: str, name: str = "complaints.csv") -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def run(path: Path, agency: Any, **kwargs: Any) -> Any:
    return run_import("complaints", ImportOptions(path=path, agency=agency, fmt="csv", **kwargs))


def everything_audited() -> str:
    """Every audit event and change-history row, as text."""
    events = [[e.action, e.object_repr, e.purpose, e.extra] for e in AuditEvent.objects.all()]
    changes = [[c.object_repr, c.before, c.after] for c in ObjectChange.objects.all()]
    return json.dumps([events, changes], default=str)


def test_rows_become_complaints_with_allegations_and_stages(agency_a: Any, officers: dict[str, Any],
                                                            tmp_path: Path) -> None:
    result = run(write(tmp_path, HEADER + GOOD), agency_a)
    assert (result.rows_read, result.imported, result.rejected, result.exit_code) == (3, 3, 0, 0)
    c100 = Complaint.objects.get(agency=agency_a, external_number="C-100")
    assert (c100.status, c100.closed_on, c100.stage_started_on, c100.due_on) == \
        ("closed", dt.date(2026, 3, 10), dt.date(2026, 3, 10), None)
    assert c100.discipline_limit_on == dt.date(2027, 1, 5)  # 12 calendar months from receipt (rule pack)
    assert c100.reference != "C-100" and len(c100.reference) == 19  # the public code is still random
    found = {(a.officer.employee_id, a.category, a.finding, a.finding_date, a.discipline)
             for a in c100.allegations.select_related("officer")}
    assert found == {("E1", "excessive_force", "sustained", dt.date(2026, 3, 1), "Written reprimand"),
                     ("E2", "discourtesy", "unfounded", dt.date(2026, 2, 20), "")}
    steps = list(ComplaintEvent.objects.filter(complaint=c100).order_by("id").values_list("to_status", "on"))
    assert steps == [("received", dt.date(2026, 1, 5)), ("assigned", dt.date(2026, 1, 5)),
                     ("investigating", dt.date(2026, 1, 5)), ("review", dt.date(2026, 3, 1)),
                     ("closed", dt.date(2026, 3, 10))]
    person = Complainant.objects.get(complaint=c100)
    assert (person.name, person.contact, person.age) == (NAME, "555-0100", 34)
    assert c100.sensitivity & 32 and person.sensitivity & 32  # personnel label, set by the action
    c101 = Complaint.objects.get(external_number="C-101")
    assert (c101.status, c101.source, c101.due_on) == ("received", "anonymous", dt.date(2026, 2, 11))
    assert not Complainant.objects.filter(complaint=c101).exists()
    c102 = Complaint.objects.get(external_number="C-102")
    # A finding is recorded from the investigation on, so that is where the complaint stands.
    assert (c102.status, c102.source, c102.stage_started_on) == ("investigating", "third_party", dt.date(2026, 2, 10))
    assert c102.due_on == complaint_rules.stage_due("investigating", received=dt.date(2026, 2, 10),
                                                    stage_start=dt.date(2026, 2, 10)) == dt.date(2026, 8, 10)
    assert Complainant.objects.get(complaint=c102).name == "Sam Witness"
    assert NAME not in everything_audited()


def test_rerun_creates_nothing_and_a_changed_complaint_follows_the_file(agency_a: Any, officers: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    source = write(tmp_path, HEADER + GOOD)
    run(source, agency_a)
    counts = (Complaint.objects.count(), Allegation.objects.count(), ComplaintEvent.objects.count(),
              Complainant.objects.count())
    again = run(source, agency_a)
    assert (again.imported, again.unchanged, again.exit_code) == (0, 3, 0)
    assert (Complaint.objects.count(), Allegation.objects.count(), ComplaintEvent.objects.count(),
            Complainant.objects.count()) == counts == (3, 4, 9, 2)
    c101 = Complaint.objects.get(external_number="C-101")
    changed = write(tmp_path, HEADER + GOOD.replace("C-101,2026-02-01,anonymous,E2,Discourtesy,,,,,,,,",
                                                    "C-101,2026-02-01,anonymous,E2,Discourtesy,exonerated,"
                                                    "2026-03-02,,,,,,"))
    third = run(changed, agency_a)
    assert (third.imported, third.unchanged) == (1, 2)
    c101.refresh_from_db()
    assert (c101.status, c101.stage_started_on) == ("investigating", dt.date(2026, 2, 1))
    assert Complaint.objects.count() == 3  # updated in place, same reference
    step = ComplaintEvent.objects.filter(complaint=c101).order_by("-id").first()
    assert step is not None and (step.from_status, step.to_status) == ("received", "investigating")
    allegation = Allegation.objects.get(complaint=c101)
    assert (allegation.finding, allegation.finding_date) == ("exonerated", dt.date(2026, 3, 2))
    history = ObjectChange.objects.get(object_id=str(allegation.pk), action="update")
    assert history.before is not None and history.after is not None
    assert (history.before["finding"], history.after["finding"]) == ("pending", "exonerated")
    assert ObjectChange.objects.filter(object_id=str(c101.pk), action="update", after__status="investigating").exists()


def test_bad_rows_are_located_good_complaints_kept_and_the_name_never_shown(agency_a: Any, officers: dict[str, Any],
                                                                            tmp_path: Path) -> None:
    n = NAME
    bad = (f"C-200,2026-01-05,civilian,E9,excessive_force,,,,,,{n},,\n"  # 6: officer of another agency
           f"C-201,2026-01-05,anonymous,E1,discourtesy,,,,,,{n},,\n"  # 7: anonymous with a name
           f"C-202,2026-01-05,civilian,E1,parking,,,,,,{n},,\n"  # 8: unknown category
           f"C-203,2026-01-05,civilian,E1,discourtesy,sustained,2026-02-01,,received,,{n},,\n"  # 9: stage too low
           f"C-204,2026-01-05,civilian,E1,discourtesy,,,,closed,2026-02-01,{n},,\n"  # 10: closed, no finding
           f"C-205,2026-01-05,civilian,{n},discourtesy,,,,,,{n},,\n"  # 11: the name typed as the officer
           f"C-206,2026-01-05,civilian,E1,discourtesy,,,,,,{n},,\n"  # 12: good row of a complaint ...
           f"C-206,2026-01-05,civilian,E2,bad_category,,,,,,{n},,\n"  # 13: ... whose other row is bad
           f"C-207,2026-01-05,civilian,E1,discourtesy,,,,,,{n},,extra,columns\n"  # 14: cannot be split
           f"C-208,2026-01-05,civilian,E1,discourtesy,,,,,,{n},,250\n"  # 15: age out of range
           f"C-209,2026-01-05,civilian,E1,discourtesy,,,,,,,,\n")  # 16: named complaint without a name
    result = run(write(tmp_path, HEADER + GOOD + bad), agency_a)
    assert (result.imported, result.exit_code) == (3, 1)
    assert sorted(Complaint.objects.values_list("external_number", flat=True)) == ["C-100", "C-101", "C-102"]
    found = {(e.line, e.field, e.value): e.reason for e in result.errors}
    assert found[(6, "employee_id", "E9")] == "no officer with this employee id at ZZ0000001"  # cross-agency
    assert found[(7, "complainant_name", "(withheld)")].startswith("an anonymous complaint keeps no identity")
    reason = found[(8, "category", "parking")]
    assert reason.startswith("unknown allegation category; use one of ") and "excessive_force" in reason
    assert "at least under investigation" in found[(9, "status", "received")]
    assert "every allegation needs a finding" in found[(10, "finding", "")]
    assert found[(11, "employee_id", "(withheld)")] == f"no officer with this employee id at {agency_a.ori}"
    assert (13, "category", "bad_category") in found
    assert found[(12, "complaint_number", "C-206")].startswith("complaint not imported: fix line 13")
    assert (14, "row", "(withheld)") in found and "may identify the complainant" in found[(14, "row", "(withheld)")]
    assert (15, "complainant_age", "(withheld)") in found
    assert "needs the complainant's name" in found[(16, "complainant_name", "")]
    assert NAME not in json.dumps([[e.line, e.field, e.value, e.reason] for e in result.errors])
    stored = list(ComplaintImportRowError.objects.values_list("line", "field", "value", "reason"))
    assert len(stored) == len(result.errors) and NAME not in json.dumps(stored)
    assert NAME not in everything_audited()


def test_command_line_exit_codes_and_a_report_without_the_name(agency_a: Any, officers: dict[str, Any],
                                                               tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    parser: argparse.ArgumentParser = core_cli.build_parser(core_cli.register, cli_complaints.register)
    bad = write(tmp_path, HEADER + GOOD + f"C-201,2026-01-05,anonymous,E1,discourtesy,,,,,,{NAME},,\n"
                                          f"C-205,2026-01-05,civilian,{NAME},discourtesy,,,,,,{NAME},,\n")
    assert core_cli.run(parser, ["import", "complaints", str(bad), "--agency", "ZZ0000001"]) == 1
    out = capsys.readouterr()
    report = (tmp_path / "complaints.csv.errors.csv").read_text()
    assert "3 imported" in out.out and report.count("\n") == 3  # header + two errors
    assert NAME not in report + out.out + out.err
    assert core_cli.run(parser, ["import", "complaints", str(write(tmp_path, HEADER + GOOD)),
                                 "--agency", "ZZ0000001"]) == 0
    assert not (tmp_path / "complaints.csv.errors.csv").exists()
    missing = write(tmp_path, "complaint_number,received_on\nC-1,2026-01-05\n")
    assert core_cli.run(parser, ["import", "complaints", str(missing), "--agency", "ZZ0000001"]) == 2
    assert "column 'source' is missing" in capsys.readouterr().err


def test_identity_columns_need_the_name_column(agency_a: Any, officers: dict[str, Any], tmp_path: Path) -> None:
    text = ("complaint_number,received_on,source,employee_id,category,complainant_contact\n"
            "C-1,2026-01-05,internal,E1,discourtesy,555-0100\n")
    with pytest.raises(ImportFailure) as refused:
        run(write(tmp_path, text), agency_a)
    assert "need the 'complainant_name' column" in refused.value.message
    # Without identity columns at all, named complaints go in without a complainant record.
    plain = "complaint_number,received_on,source,employee_id,category\nC-1,2026-01-05,civilian,E1,discourtesy\n"
    assert run(write(tmp_path, plain), agency_a).exit_code == 0
    assert not Complainant.objects.exists()


def test_web_upload_api_and_the_batches_are_personnel_files(agency_a: Any, agency_b: Any, officers: dict[str, Any],
                                                            persona: Any) -> None:
    command = persona(Role.COMMAND)
    client = verified_client(command)
    assert "Import complaints from a file" in client.get("/m/policing/complaints/").content.decode()
    preview = client.post("/m/policing/complaints/import/", {
        "agency": agency_a.pk, "fmt": "csv", "file": SimpleUploadedFile("c.csv", (HEADER + GOOD).encode())})
    page = preview.content.decode()
    assert preview.status_code == 200 and "3 would be imported" in page
    assert "E1: excessive_force (sustained)" in page and NAME not in page
    done = client.post("/m/policing/complaints/import/commit/", {"token": preview.context["token"]})
    assert done.status_code == 302 and Complaint.objects.count() == 3
    batch = ComplaintImportBatch.objects.get()
    assert batch.sensitivity == 32
    assert client.get(f"/m/policing/complaints/import/{batch.pk}/").status_code == 200
    # An analyst may read policing records of the agency but is not cleared for complaint files.
    analyst = persona(Role.ANALYST)
    assert verified_client(analyst).get(f"/m/policing/complaints/import/{batch.pk}/").status_code == 404
    analyst_token = make_api_token(analyst)
    assert Client().get(f"/api/v1/policing/complaints/imports/{batch.pk}",
                        HTTP_AUTHORIZATION=f"Bearer {analyst_token}").status_code == 404
    other = verified_client(persona(Role.COMMAND, agency=agency_b))
    assert other.get(f"/m/policing/complaints/import/{batch.pk}/").status_code == 404
    token = make_api_token(command)
    api = Client().post("/api/v1/policing/complaints/imports/", {
        "agency": agency_a.ori, "format": "csv", "dry_run": "true",
        "file": SimpleUploadedFile("c.csv", (HEADER + GOOD).encode())}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200, api.content
    assert (api.json()["unchanged"], api.json()["imported"]) == (3, 0)
    detail = Client().get(f"/api/v1/policing/complaints/imports/{batch.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert detail.status_code == 200 and detail.json()["rows_imported"] == 3
