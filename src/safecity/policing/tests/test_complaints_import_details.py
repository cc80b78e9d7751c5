"""`safecity import complaints`, the optional per-complaint details: `summary`, `location`, `district` and
`investigator_employee_id` stored on the complaint; unknown or refused values located by line and column while
the file's other complaints go in; the summary (which may identify the complainant) never in an error, the
preview, the audit trail or the change history; re-runs idempotent, a changed summary re-imported; a file
without the columns leaves what was recorded; a mapping renames them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from safecity.core.actors import SYSTEM
from safecity.core.models import ObjectChange
from safecity.policing import actions
from safecity.policing.actions import ImportedAllegation, ImportedComplaint
from safecity.policing.importers_complaints import FINGERPRINT_PURPOSE, district_spellings, fingerprint
from safecity.policing.models import Complaint, ComplaintEvent, ComplaintImportRowError
from safecity.policing.tests.factories import make_officer
from safecity.policing.tests.factories_community import make_district
from safecity.policing.tests.factories_complaints import make_complaint
from safecity.policing.tests.test_complaints_import import everything_audited, run, write

pytestmark = pytest.mark.django_db
# A summary that names the complainant, with a comma and a quote (so it is a quoted CSV cell).
SUMMARY = 'Robin Quillfeather says the officer pushed her, then said "move along".'
CHANGED = "Robin Quillfeather now also reports a second push at the corner."
HEADER = "complaint_number,received_on,source,employee_id,category,finding,status,summary,location,district," \
         "investigator_employee_id\n"


def cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


GOOD = (f"C-300,2026-01-05,internal,E1,excessive_force,,,{cell(SUMMARY)},400 block of Oak Street,1,E5\n"
        "C-300,,,E2,discourtesy,,,,,,\n"  # the same complaint: its details given on one row only
        "C-301,2026-02-01,internal,E2,discourtesy,unfounded,,,Riverside Park, district 2 ,E5\n"  # by name
        "C-302,2026-02-03,anonymous,E1,discourtesy,,,,,,\n")  # no details at all


@pytest.fixture
def roster(agency_a: Any, agency_b: Any) -> dict[str, Any]:
    return {"e1": make_officer(agency_a, employee_id="E1"), "e2": make_officer(agency_a, employee_id="E2"),
            "e5": make_officer(agency_a, employee_id="E5"), "e9": make_officer(agency_b, employee_id="E9"),
            "d1": make_district(agency_a, "1"), "d2": make_district(agency_a, "2"),
            "d7": make_district(agency_b, "7")}




def errors_of(result: Any) -> dict[tuple[int, str, str], str]:
    return {(e.line, e.field, e.value): e.reason for e in result.errors}


def test_the_details_are_stored_and_an_investigator_means_assigned(agency_a: Any, roster: dict[str, Any],
                                                                   tmp_path: Path) -> None:
    preview = run(write(tmp_path, HEADER + GOOD), agency_a, dry_run=True, preview_rows=10)
    assert (preview.imported, preview.exit_code) == (3, 0) and len(preview.preview) == 3
    assert "Quillfeather" not in json.dumps(preview.preview, default=str)
    first = next(row for row in preview.preview if row["key"] == "C-300")
    assert (first["location"], first["investigator"]) == ("400 block of Oak Street", "E5")
    assert first["district"].startswith("1 — ")
    result = run(write(tmp_path, HEADER + GOOD), agency_a)
    assert (result.imported, result.rejected, result.exit_code) == (3, 0, 0)
    c300 = Complaint.objects.get(agency=agency_a, external_number="C-300")
    assert (c300.summary, c300.location, c300.district_id, c300.investigator_id) == (
        SUMMARY, "400 block of Oak Street", roster["d1"].pk, roster["e5"].pk)
    # The workflow names the investigator on assignment, so that is where a complaint without findings stands.
    assert c300.status == "assigned"
    assert list(ComplaintEvent.objects.filter(complaint=c300).order_by("id").values_list("to_status", "on")) == [
        ("received", dt.date(2026, 1, 5)), ("assigned", dt.date(2026, 1, 5))]
    c301 = Complaint.objects.get(external_number="C-301")  # the district by its name, any case and spacing
    assert (c301.status, c301.summary, c301.location, c301.district_id, c301.investigator_id) == (
        "investigating", "", "Riverside Park", roster["d2"].pk, roster["e5"].pk)
    c302 = Complaint.objects.get(external_number="C-302")
    assert (c302.status, c302.summary, c302.location, c302.district_id, c302.investigator_id) == (
        "received", "", "", None, None)
    assert "Quillfeather" not in everything_audited()


def test_bad_details_are_located_and_the_other_complaints_kept(agency_a: Any, roster: dict[str, Any],
                                                               tmp_path: Path) -> None:
    long_place = "x" * 201
    long_summary = "Robin Quillfeather " + "y" * 5000
    bad = ("C-400,2026-01-05,internal,E1,discourtesy,,,,,North,\n"  # 6: no such district
           "C-401,2026-01-05,internal,E1,discourtesy,,,,,7,\n"  # 7: a district of another agency
           "C-402,2026-01-05,internal,E1,discourtesy,,,,,,E404\n"  # 8: no such officer
           "C-403,2026-01-05,internal,E1,discourtesy,,,,,,E9\n"  # 9: an officer of another agency
           "C-404,2026-01-05,internal,E1,discourtesy,,,,,,E2\n"  # 10: the investigator ...
           "C-404,2026-01-05,internal,E2,excessive_force,,,,,,\n"  # 11: ... is accused here
           f"C-405,2026-01-05,internal,E1,discourtesy,,,,{long_place},,\n"  # 12: location too long
           f"C-406,2026-01-05,internal,E1,discourtesy,,,{cell(long_summary)},,,\n"  # 13: summary too long
           f"C-407,2026-01-05,internal,E1,discourtesy,,,{cell(SUMMARY)},,1,\n"  # 14: a good row of a complaint ...
           f"C-407,2026-01-05,internal,E2,discourtesy,,,{cell(CHANGED)},,2,\n"  # 15: ... giving other values
           "C-408,2026-01-05,internal,E1,discourtesy,,received,,,,E5\n")  # 16: received, yet an investigator
    result = run(write(tmp_path, HEADER + GOOD + bad), agency_a)
    assert (result.imported, result.exit_code) == (3, 1)
    assert sorted(Complaint.objects.values_list("external_number", flat=True)) == ["C-300", "C-301", "C-302"]
    found = errors_of(result)
    assert found[(6, "district", "North")] == "no district with this code or name at ZZ0000001"
    assert found[(7, "district", "7")] == "no district with this code or name at ZZ0000001"
    assert found[(8, "investigator_employee_id", "E404")] == "no officer with this employee id at ZZ0000001"
    assert found[(9, "investigator_employee_id", "E9")] == "no officer with this employee id at ZZ0000001"
    assert found[(10, "investigator_employee_id", "E2")] == \
        "an accused officer cannot investigate the complaint (accused on line 11)"
    assert found[(11, "complaint_number", "C-404")].startswith("complaint not imported: fix line 10")
    assert found[(12, "location", long_place)] == "at most 200 characters (this one has 201)"
    assert found[(13, "summary", "(withheld)")] == f"at most 5000 characters (this one has {len(long_summary)})"
    assert found[(15, "summary", "(withheld)")] == "differs from line 14 of the same complaint"
    assert found[(15, "district", "2")] == "differs from line 14 of the same complaint"
    assert found[(14, "complaint_number", "C-407")].startswith("complaint not imported: fix line 15")
    assert found[(16, "status", "received")].startswith("a complaint with an investigator is at least assigned")
    assert len(found) == len(result.errors) == 12
    shown = json.dumps([[e.line, e.field, e.value, e.reason] for e in result.errors])
    stored = json.dumps(list(ComplaintImportRowError.objects.values_list("line", "field", "value", "reason")))
    assert not any("Quillfeather" in text for text in (shown, stored, everything_audited()))


def test_a_line_that_cannot_be_split_is_not_shown_when_the_file_has_summaries(agency_a: Any, roster: dict[str, Any],
                                                                             tmp_path: Path) -> None:
    # The summary's comma unquoted: the line has one column too many, and its text may name the complainant.
    torn = "C-500,2026-01-05,internal,E1,discourtesy,,,Robin Quillfeather, pushed,,,\n"
    result = run(write(tmp_path, HEADER + GOOD + torn), agency_a)
    assert (result.imported, result.exit_code) == (3, 1)
    (error,) = result.errors
    assert (error.line, error.field, error.value) == (6, "row", "(withheld)")
    assert "Quillfeather" not in error.reason + everything_audited()


def test_rerun_changes_nothing_and_a_changed_summary_is_updated_without_its_text_in_history(
        agency_a: Any, roster: dict[str, Any], tmp_path: Path) -> None:
    run(write(tmp_path, HEADER + GOOD), agency_a)
    c300 = Complaint.objects.get(external_number="C-300")
    hashes = dict(Complaint.objects.values_list("external_number", "import_hash"))
    history, events = ObjectChange.objects.count(), ComplaintEvent.objects.count()
    again = run(write(tmp_path, HEADER + GOOD), agency_a)
    assert (again.imported, again.unchanged, again.exit_code) == (0, 3, 0)
    assert dict(Complaint.objects.values_list("external_number", "import_hash")) == hashes
    assert (ObjectChange.objects.filter(content_type__model="complaint").count(), ComplaintEvent.objects.count()) \
        == (0, events) and ObjectChange.objects.count() == history

    third = run(write(tmp_path, HEADER + GOOD.replace(cell(SUMMARY), cell(CHANGED))), agency_a)
    assert (third.imported, third.unchanged, third.exit_code) == (1, 2, 0)
    c300.refresh_from_db()
    assert (c300.summary, c300.status, c300.investigator_id) == (CHANGED, "assigned", roster["e5"].pk)
    change = ObjectChange.objects.get(content_type__model="complaint", object_id=str(c300.pk), action="update")
    assert change.before is not None and change.after is not None
    before, after = change.before["summary"], change.after["summary"]
    assert before.startswith("(withheld ") and after.startswith("(withheld ") and before != after
    assert "Quillfeather" not in everything_audited()


def test_a_file_without_the_detail_columns_keeps_what_was_recorded(agency_a: Any, roster: dict[str, Any],
                                                                   tmp_path: Path) -> None:
    run(write(tmp_path, HEADER + GOOD), agency_a)
    plain = ("complaint_number,received_on,source,employee_id,category,finding\n"
             "C-300,2026-01-05,internal,E1,excessive_force,\n"
             "C-300,2026-01-05,internal,E2,discourtesy,sustained\n")  # a finding now: the complaint changed
    result = run(write(tmp_path, plain), agency_a)
    assert (result.imported, result.exit_code) == (1, 0)
    c300 = Complaint.objects.get(external_number="C-300")
    assert (c300.status, c300.summary, c300.location, c300.district_id, c300.investigator_id) == (
        "investigating", SUMMARY, "400 block of Oak Street", roster["d1"].pk, roster["e5"].pk)
    # A file that has the columns but leaves them empty says there are none: the file wins.
    empty = HEADER + "C-300,2026-01-05,internal,E1,excessive_force,,,,,,\nC-300,,,E2,discourtesy,sustained,,,,,\n"
    assert run(write(tmp_path, empty), agency_a).imported == 1
    c300.refresh_from_db()
    assert (c300.summary, c300.location, c300.district_id, c300.investigator_id) == ("", "", None, None)


def test_fingerprints_of_complaints_without_details_are_as_before(agency_a: Any, roster: dict[str, Any]) -> None:
    """A complaint without the details hashes as it did before they existed, so re-importing a file imported
    then counts it unchanged; a summary then moves the fingerprint."""
    plain = ImportedComplaint(number="C-1", fingerprint="", received_on=dt.date(2026, 1, 5), source="internal",
                              allegations=[ImportedAllegation(officer_id=roster["e1"].pk, category="discourtesy")])
    data = dataclasses.asdict(plain)
    for name in ("fingerprint", "summary", "location", "district_id", "investigator_id", "fields_in_file"):
        data.pop(name)
    key = hmac.new(settings.SECRET_KEY.encode(), FINGERPRINT_PURPOSE, hashlib.sha256).digest()
    earlier = hashlib.blake2b(json.dumps(data, sort_keys=True, default=str, separators=(",", ":")).encode(),
                              key=key, digest_size=16).hexdigest()
    assert fingerprint(plain) == earlier
    assert fingerprint(dataclasses.replace(plain, summary="Pushed.")) != earlier
    assert fingerprint(dataclasses.replace(plain, fields_in_file=("summary",))) != earlier


def test_a_mapping_renames_the_detail_columns(agency_a: Any, roster: dict[str, Any], tmp_path: Path) -> None:
    mapping = write(tmp_path, json.dumps({"columns": {
        "summary": "Narrative", "location": "Place", "district": "Area", "investigator_employee_id": "IA"}}),
        "mapping.json")
    text = ("complaint_number,received_on,source,employee_id,category,Narrative,Place,Area,IA\n"
            f"C-600,2026-01-05,internal,E1,discourtesy,{cell(SUMMARY)},Oak Street,District 1,E5\n"
            "C-601,2026-01-05,internal,E1,discourtesy,,,Nowhere,\n")
    result = run(write(tmp_path, text), agency_a, mapping_path=mapping)
    assert (result.imported, result.exit_code) == (1, 1)
    c600 = Complaint.objects.get(external_number="C-600")
    assert (c600.summary, c600.location, c600.district_id, c600.investigator_id) == (
        SUMMARY, "Oak Street", roster["d1"].pk, roster["e5"].pk)
    assert errors_of(result) == {(3, "Area", "Nowhere"): "no district with this code or name at ZZ0000001"}


def test_district_spellings_codes_names_and_shared_names() -> None:
    found = district_spellings([(1, "1", "North"), (2, "2", "South  Side"), (3, "3", "north"), (4, "North", "X")])
    assert (found["1"], found["south side"], found["x"]) == (1, 2, 4)
    assert found["north"] == 4  # a code wins over other districts' names
    assert district_spellings([(1, "1", "North"), (3, "3", "NORTH")])["north"] is None  # shared: ambiguous


def test_intake_keeps_the_summary_out_of_the_change_history(agency_a: Any, roster: dict[str, Any]) -> None:
    complaint = make_complaint(agency_a, [roster["e1"]], summary=SUMMARY, location="Oak Street",
                               district=roster["d1"])
    created = ObjectChange.objects.get(content_type__model="complaint", object_id=str(complaint.pk), action="create")
    assert created.after is not None and created.after["summary"].startswith("(withheld ")
    assert created.after["location"] == "Oak Street"  # only the withheld field is hidden
    assert "Quillfeather" not in everything_audited()


def test_the_action_refuses_what_the_importer_refuses(agency_a: Any, roster: dict[str, Any]) -> None:
    """`complaints_import` checks the investigator and the district itself, as `complaint_transition` and intake
    do, whoever prepared the complaints."""
    base = ImportedComplaint(number="C-1", fingerprint="x", received_on=dt.date(2026, 1, 5), source="internal",
                             allegations=[ImportedAllegation(officer_id=roster["e1"].pk, category="discourtesy")],
                             steps=[("assigned", dt.date(2026, 1, 5))])
    for given, field, message in [
            (dataclasses.replace(base, investigator_id=roster["e1"].pk), "investigator",
             "An accused officer cannot investigate the complaint."),
            (dataclasses.replace(base, investigator_id=roster["e9"].pk), "investigator",
             "The investigator is not an officer of this agency."),
            (dataclasses.replace(base, investigator_id=roster["e5"].pk, steps=[]), "status",
             "A complaint with an investigator is at least assigned."),
            (dataclasses.replace(base, district_id=roster["d7"].pk), "district", "Not a district of this agency."),
            (dataclasses.replace(base, location="x" * 201), "location", "At most 200 characters.")]:
        with pytest.raises(ValidationError) as refused:
            actions.complaints_import(actor=SYSTEM, agency=agency_a, new=[given], changed={})
        assert refused.value.message_dict == {f"complaint C-1: {field}": [message]}
    assert not Complaint.objects.exists()
