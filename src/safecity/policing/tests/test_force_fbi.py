"""The FBI use-of-force file against what published material says of its layout (docs/policing.md, "FBI export").

The specification's own example construction could not be read, so the golden values here are the ones the
sources state: the submission wrapper (Data Elements 1–3: `Action`, `ActionTime` as MM/DD/YYYY HH:MM:SS, the
payload under `Incident` or `ZeroReport`), the Incident segment's I1 `agency_ori`, I2 `agency_case_number`,
I3 `incident_date` (MM/DD/YYYY), and the subject and officer segments nested inside the Incident. The register
of elements (`fbi.ELEMENTS`) must match what is emitted and the table in the docs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import safecity
from safecity.conftest import verified_client
from safecity.incidents.codes import current_codes, load_code_table
from safecity.policing import fbi, selectors
from safecity.policing.tests.factories import make_officer
from safecity.policing.tests.factories_force import make_force

pytestmark = pytest.mark.django_db

# The moment of the export, fixed so the golden ActionTime is exact (a UTC instant; it is written in UTC).
EXPORTED = dt.datetime(2025, 4, 1, 13, 5, 9, tzinfo=dt.UTC)
DOCS = Path(safecity.__file__).resolve().parents[2] / "docs" / "policing.md"


@pytest.fixture(autouse=True)
def code_table(db: Any) -> None:
    if not current_codes():
        load_code_table()


def _march(agency: Any, user: Any) -> list[dict[str, Any]]:
    make_force(agency, [make_officer(agency), make_officer(agency)], when="2025-03-02 01:00", injury="death",
               case_number="UOF-2025-0001", most_serious_offense="13A")
    return selectors.fbi_month(user=user, ori=agency.ori, year=2025, month=3, now=EXPORTED)


def test_an_incident_submission_has_the_published_wrapper_and_first_elements(agency_a: Any,
                                                                            alice_admin: Any) -> None:
    doc = _march(agency_a, alice_admin)
    assert len(doc) == 1
    submission = doc[0]
    assert list(submission) == ["Action", "ActionTime", "Incident"]  # Data Elements 1, 2, 3
    assert submission["Action"] == "Add"
    assert submission["ActionTime"] == "04/01/2025 13:05:09"
    incident = submission["Incident"]
    assert list(incident)[:3] == ["agency_ori", "agency_case_number", "incident_date"]  # I1, I2, I3
    assert (incident["agency_ori"], incident["agency_case_number"], incident["incident_date"]) == (
        agency_a.ori, "UOF-2025-0001", "03/02/2025")
    assert len(incident["agency_ori"]) == 9
    # the subject and officer segments sit inside the Incident segment, not beside it
    assert len(incident["Subject"]) == 1 and len(incident["Officer"]) == 2
    assert not {"Subject", "Officer"} & set(submission)


def test_a_zero_report_has_the_published_wrapper(agency_a: Any, alice_admin: Any) -> None:
    doc = selectors.fbi_month(user=alice_admin, ori=agency_a.ori, year=2025, month=2, now=EXPORTED)
    assert len(doc) == 1
    assert list(doc[0]) == ["Action", "ActionTime", "ZeroReport"]
    assert (doc[0]["Action"], doc[0]["ActionTime"]) == ("Add", "04/01/2025 13:05:09")


def _set(document: list[dict[str, Any]], path: tuple[str, ...], value: Any) -> list[dict[str, Any]]:
    copy: list[dict[str, Any]] = json.loads(json.dumps(document))
    target: Any = copy[0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


@pytest.mark.parametrize(("path", "value", "conforms"), [
    (("ActionTime",), "12/31/2025 23:59:59", True),
    (("ActionTime",), "2025-04-01T13:05:09Z", False),  # ISO 8601 is not the published layout
    (("ActionTime",), "13/01/2025 10:00:00", False),  # month first
    (("Action",), "Remove", True),
    (("Action",), "Update", False),
    (("Incident", "incident_date"), "03/02/2025", True),
    (("Incident", "incident_date"), "2025-03-02", False),
    (("Incident", "agency_ori"), "ZZ00001", False),  # I1 is 9 characters
])
def test_the_schema_holds_the_published_formats_of_an_incident(agency_a: Any, alice_admin: Any,
                                                               path: tuple[str, ...], value: str,
                                                               conforms: bool) -> None:
    problems = fbi.validate(_set(_march(agency_a, alice_admin), path, value))
    assert (problems == []) is conforms, problems


@pytest.mark.parametrize(("action", "conforms"), [("AddOnly", True), ("Add", True), ("Remove", True),
                                                  ("Replace", False)])
def test_the_schema_takes_the_published_zero_report_actions(agency_a: Any, alice_admin: Any, action: str,
                                                            conforms: bool) -> None:
    doc = selectors.fbi_month(user=alice_admin, ori=agency_a.ori, year=2025, month=2, now=EXPORTED)
    assert (fbi.validate(_set(doc, ("Action",), action)) == []) is conforms


def _emitted(doc: list[dict[str, Any]]) -> set[str]:
    paths: set[str] = set()
    for submission in doc:
        for key, value in submission.items():
            paths.add(key)
            if key in ("Incident", "ZeroReport"):
                paths |= {f"{key}.{name}" for name in value}
                for segment in ("Subject", "Officer"):
                    for row in value.get(segment, []):
                        paths |= {f"{segment}.{name}" for name in row}
    return paths


def test_the_element_register_matches_the_file_and_the_docs_table(agency_a: Any, alice_admin: Any) -> None:
    doc = _march(agency_a, alice_admin) + selectors.fbi_month(user=alice_admin, ori=agency_a.ori, year=2025,
                                                              month=2, now=EXPORTED)
    assert _emitted(doc) == {e.path for e in fbi.ELEMENTS}
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("### FBI export"):text.index("## Complaints")]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    for element in fbi.ELEMENTS:
        row = next((r for r in rows if f"| `{element.path}` |" in r), None)
        assert row is not None, f"docs/policing.md 'FBI export' has no row for {element.path}"
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0] == (element.spec or "—") and cells[4] == element.status, row


def test_a_record_the_schema_refuses_is_named_not_a_server_error(agency_a: Any, alice_admin: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fbi, "validate", lambda document: ["0/Incident/agency_case_number: too long"])
    client = verified_client(alice_admin)
    api = client.get(f"/api/v1/policing/force/fbi?agency={agency_a.ori}&month=2025-03")
    assert api.status_code == 422 and "agency_case_number" in api.content.decode()
    page = client.get(f"/m/policing/force/fbi/?agency={agency_a.ori}&month=2025-03")
    assert page.status_code == 400 and "agency_case_number" in page.content.decode()
