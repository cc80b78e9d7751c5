"""The whole role × module × action matrix (issue 6, finding 5), walked over every URL and API operation.

Every view declares what it needs with `core.views.module_required(module, *actions)` and every API
operation with `core.api_guard.requires(module, *actions)`; both leave `safecity_requires = (module,
actions)` on the function. This module enumerates the URL conf and the OpenAPI document, reads those
declarations, and checks, for every role in `core.roles.Role`, that each endpoint answers exactly what
`ROLE_MODULES` says: allowed → 2xx/3xx (or 400/422 when only the empty test input is wrong), refused →
403/404. An endpoint with no declaration that is not in the explicit allow-lists below fails the test, so a
new module cannot forget to declare its rights.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from safecity.conftest import make_persona, verified_client
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, User
from safecity.core.permissions import MODULE_FROM_URL, STAFF
from safecity.core.roles import ROLE_CLEARANCES, STAFF_ROLES, Module, Role, Sensitivity, role_allows
from safecity.core.tests.routes import api_views, url_patterns

# Endpoints that need no module right, each with the reason. Anything else must declare (module, actions).
PUBLIC_URLS = {
    "core:home": "start page; anonymous visitors are sent to sign-in, signed-in users see their own modules",
    "core:healthz": "load-balancer probe, no data",
    "core:readyz": "load-balancer probe, no data",
    "core:login": "sign-in",
    "core:mfa_verify": "second sign-in step",
    "core:mfa_setup": "second sign-in step setup (own account)",
    "core:logout": "sign-out",
    "core:keepalive": "session idle timer",
    "core:account": "own account and own API tokens",
    "core:token_revoke": "revokes one of the caller's own tokens",
    "core:open": "open data landing page, public by design",
    "policing_complaints:status": "complainant's status lookup by reference code: stage and dates only, "
                                  "rate-limited and audited (issue 9)",
}
PUBLIC_OPERATIONS = {
    "safecity_core_api_me": "who am I",
    "safecity_core_api_agencies": "agency reference data (names, ORIs), not criminal-justice information",
    "safecity_core_api_agency": "agency reference data",
    "safecity_core_api_districts": "published district boundaries",
    "safecity_core_api_beats": "published beat boundaries",
    "safecity_core_api_locate": "point-in-polygon over published boundaries",
    "safecity_core_api_tokens": "the caller's own API tokens",
    "safecity_core_api_token_create": "the caller's own API tokens",
    "safecity_core_api_token_revoke": "the caller's own API tokens",
}
# Endpoints whose sample record carries sensitivity labels: a role the module table allows but whose clearance
# does not cover the labels gets the same 404 as for an unknown id (restrict() hides the record).
LABELLED_SAMPLES: dict[str, Sensitivity] = {
    name: Sensitivity.PERSONNEL for name in (
        "policing_complaints:detail", "policing_complaints:transition", "policing_complaints:extend",
        "policing_complaints:comment", "policing_complaints:finding",
        "safecity_policing_api_complaint_detail", "safecity_policing_api_complaint_transition",
        "safecity_policing_api_complaint_extend", "safecity_policing_api_complaint_comment",
        "safecity_policing_api_allegation_finding",
        # complaint import batches and their rejected rows are personnel files too
        "policing_complaints_import:result", "policing_complaints_import:errors_csv",
        "safecity_policing_complaints_import_detail", "safecity_policing_complaints_import_errors",
    )
}
API_NAMESPACE = "api-v1"  # the API's URLs are covered operation by operation through the OpenAPI document
ALLOWED = {200, 201, 204, 301, 302, 303}
VALIDATION = {400, 422}
REFUSED = {403, 404}
# Endpoints behind the personnel wall: a role with the module right but no personnel clearance (analysts) is
# refused, whatever the module table says. (The flag list API is not walled: it answers such a role with the
# flags restrict() lets it see, none.)
PERSONNEL_WALLED_PREFIXES = ("policing_eis:", "safecity_policing_api_ei_", "safecity_policing_api_flag_detail")
AS_OF = "2026-06-17"
FIXTURES = Path(__file__).resolve().parents[1] / "incidents" / "tests" / "fixtures"


@dataclass(frozen=True)
class Endpoint:
    name: str  # URL name (namespace:name) or OpenAPI operationId
    method: str
    path: str
    view: Callable[..., Any]
    kwargs: tuple[tuple[str, Any], ...] = ()

    @property
    def requires(self) -> tuple[str, frozenset[str]] | None:
        return getattr(self.view, "safecity_requires", None)


def url_endpoints(samples: dict[str, Any]) -> list[Endpoint]:
    """Every URL in the URL conf outside the API, with sample arguments filled in (one per module for `m/`)."""
    found = []
    for name, route, pattern in url_patterns(skip_namespaces=frozenset({API_NAMESPACE})):
        converters = list(pattern.pattern.converters)
        variants: list[dict[str, Any]] = [{}]
        if "module" in converters:
            variants = [{"module": m} for m in samples["modules"]]
        elif converters:
            variants = [{c: samples[f"{name}:{c}"] if f"{name}:{c}" in samples else samples[c] for c in converters}]
        for kwargs in variants:
            found.append(Endpoint(name, "GET", reverse(name, kwargs=kwargs) if kwargs else reverse(name),
                                  pattern.callback, tuple(sorted(kwargs.items()))))
        assert route is not None
    return found


def api_endpoints(client: Client, samples: dict[str, Any]) -> list[Endpoint]:
    """Every operation in the OpenAPI document served at /api/v1/openapi.json, joined to its view function."""
    views = api_views()
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200, doc.content[:300]
    found = []
    for path, ops in doc.json()["paths"].items():
        for method, op in ops.items():
            concrete = path
            for param in op.get("parameters", []):
                if param["in"] == "path":
                    own = f"{op['operationId']}:{param['name']}"  # a sample for this operation alone
                    value = samples[own] if own in samples else samples[param["name"]]
                    concrete = concrete.replace("{" + param["name"] + "}", str(value))
            found.append(Endpoint(op["operationId"], method.upper(), concrete, views[op["operationId"]]))
    return found


def expected(role: str, endpoint: Endpoint) -> bool | None:
    """True/False from the role table; None for the public allow-lists (no module right needed)."""
    if endpoint.name in PUBLIC_URLS or endpoint.name in PUBLIC_OPERATIONS:
        return None
    declared = endpoint.requires
    assert declared is not None, f"{endpoint.name} ({endpoint.path}) declares no (module, action) requirement"
    module, actions = declared
    if module == STAFF:  # pages every staff role may open (the rules page): any role but public
        return role in STAFF_ROLES and actions == frozenset({"view"})
    if module == MODULE_FROM_URL:
        module = dict(endpoint.kwargs)["module"]
    assert module in Module.values, f"{endpoint.name} declares unknown module {module!r}"
    labels = LABELLED_SAMPLES.get(endpoint.name, Sensitivity.NONE)
    if labels and labels & ~ROLE_CLEARANCES[role]:
        return False
    return all(role_allows(role, module, action) for action in actions)


# ---- the data every endpoint needs -------------------------------------------------------------------


@pytest.fixture
def world(agency_a: Agency, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """Agency A with geography, incidents, an import batch with rejected rows, a user to manage and a basemap."""
    from safecity.core import actions
    from safecity.incidents.importers import ImportOptions, run_import
    from safecity.incidents.tests.factories import geography, make_incident

    _, beat = geography(agency_a)
    basemap = tmp_path / "basemap.pmtiles"  # the basemap answers 404 until a city configures one
    basemap.write_bytes(b"PMTiles" + bytes(100))
    settings.BASEMAP_PMTILES = str(basemap)
    day = dt.date(2026, 6, 1)
    incident = None
    for i in range(4):
        incident = make_incident(agency_a, day + dt.timedelta(days=i), [("13A", ["12"])],
                                 [(["13A"], False, True)], beat=beat, lon=-89.695 + i * 0.001, lat=39.705)
    make_incident(agency_a, dt.date(2025, 6, 3), [("120", [])], beat=beat, lon=-89.69, lat=39.71)
    batch = run_import(ImportOptions(path=FIXTURES / "bad_rows_chicago.csv", agency=agency_a, fmt="chicago",
                                     file_name="bad_rows_chicago.csv")).batch
    target = actions.user_create(actor=SYSTEM, username="target", email="t@example.org", password=None,
                                 home_agency=agency_a)
    assert incident is not None
    from safecity.tests.policing_world import policing_world

    return {
        **policing_world(agency_a, beat, tmp_path),
        "public_id": incident.public_id, "incident_id": incident.public_id, "batch_id": batch.pk,
        "core:manage_user:pk": target.pk, "core:token_revoke:pk": 999_999, "token_id": 999_999,
        "ori": agency_a.ori, "modules": [m.value for m in Module if m not in (Module.INCIDENTS, Module.ADMIN,
                                                                              Module.AUDIT, Module.TRANSPARENCY)],
    }


def _call(client: Client, endpoint: Endpoint, agency: Agency) -> int:
    if endpoint.method == "GET":
        extra = {"lon": "-89.69", "lat": "39.71"} if endpoint.path.startswith("/api/") else {}
        status = client.get(endpoint.path, extra).status_code
        if status == 405:  # a POST-only view: an empty form is enough to reach the permission check
            status = client.post(endpoint.path, {}).status_code
        return status
    if endpoint.method == "POST" and endpoint.name == "safecity_incidents_import_api_import_create":
        upload = SimpleUploadedFile("c.csv", (FIXTURES / "chicago_sample.csv").read_bytes())
        return client.post(endpoint.path, {"agency": agency.ori, "format": "chicago", "dry_run": "true",
                                           "file": upload}).status_code
    if endpoint.method == "POST" and endpoint.name == "safecity_policing_stops_import_create":
        stops = Path(__file__).resolve().parents[1] / "policing" / "tests" / "fixtures" / "stops_opp.csv"
        upload = SimpleUploadedFile("s.csv", stops.read_bytes())
        return client.post(endpoint.path, {"agency": agency.ori, "format": "opp", "dry_run": "true",
                                           "file": upload}).status_code
    if endpoint.method == "POST" and endpoint.name == "safecity_policing_roster_import_create":
        upload = SimpleUploadedFile("r.csv", b"employee_id,last_name,first_name,badge_number,rank,unit_code,status,"
                                             b"hire_date,separation_date\nX1,A,B,,officer,,active,,\n")
        return client.post(endpoint.path, {"agency": agency.ori, "format": "csv", "dry_run": "true",
                                           "file": upload}).status_code
    if endpoint.method == "POST" and endpoint.name == "safecity_policing_training_import_create":
        upload = SimpleUploadedFile("t.csv", b"employee_id,course_code,completed_on,hours\nX,MATRIX,2026-01-01,4\n")
        return client.post(endpoint.path, {"agency": agency.ori, "format": "csv", "dry_run": "true",
                                           "file": upload}).status_code
    if endpoint.method == "POST" and endpoint.name == "safecity_policing_api_survey_import_create":
        upload = SimpleUploadedFile("s.csv", b"wave,district,item,n,agree\n2024-spring,1,trust,10,5\n")
        return client.post(endpoint.path, {"agency": agency.ori, "format": "csv", "dry_run": "true",
                                           "file": upload}).status_code
    if endpoint.method == "POST" and endpoint.name == "safecity_policing_recordings_import_create":
        upload = SimpleUploadedFile("r.csv", b"external_id,employee_id,started,ended,category\n"
                                             b"M-1,X,2026-01-01 10:00,2026-01-01 10:10,traffic\n")
        return client.post(endpoint.path, {"agency": agency.ori, "format": "csv", "dry_run": "true",
                                           "file": upload}).status_code
    if endpoint.method == "POST" and endpoint.name == "safecity_policing_complaints_import_create":
        upload = SimpleUploadedFile("c.csv", b"complaint_number,received_on,source,employee_id,category\n"
                                             b"M-1,2026-01-05,internal,X,other\n")
        return client.post(endpoint.path, {"agency": agency.ori, "format": "csv", "dry_run": "true",
                                           "file": upload}).status_code
    if endpoint.method == "POST":
        return client.post(endpoint.path, {"name": "matrix", "days": 7}, content_type="application/json").status_code
    return client.generic(endpoint.method, endpoint.path).status_code


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_endpoint_answers_what_the_role_table_says(role: str, agency_a: Agency, world: dict[str, Any]) -> None:
    user = make_persona(f"matrix_{role}", agency_a, role)
    client = verified_client(user)
    endpoints = url_endpoints(world) + api_endpoints(client, world)
    wrong = []
    for endpoint in endpoints:
        try:
            allowed = expected(role, endpoint)
        except AssertionError as exc:
            wrong.append(str(exc).splitlines()[0])
            continue
        if endpoint.name == "core:logout":
            continue  # would end the session the rest of the walk uses; it is in the public allow-list
        status = _call(client, endpoint, agency_a)
        if allowed is None:
            ok = status < 500 and status != 403
        elif allowed and endpoint.name.startswith(PERSONNEL_WALLED_PREFIXES) and not (
                ROLE_CLEARANCES[role] & Sensitivity.PERSONNEL):
            ok = status in REFUSED
        elif allowed:
            ok = status in ALLOWED | VALIDATION
        else:
            ok = status in REFUSED
        if not ok:
            need = endpoint.requires
            wrong.append(f"{endpoint.method} {endpoint.path} ({endpoint.name}) needs {need}: "
                         f"expected {'allowed' if allowed else 'refused'}, got {status}")
    assert not wrong, f"role {role}:\n" + "\n".join(wrong)


def test_walk_covers_the_exports_and_imports(agency_a: Agency, world: dict[str, Any]) -> None:
    """The enumeration reaches the endpoints this finding is about (so a broken walk cannot pass silently)."""
    names = {e.name for e in url_endpoints(world)}
    assert {"incidents:stats_compstat_csv", "incidents:stats_compstat_pdf", "incidents_import:errors_csv",
            "incidents_import:upload", "incidents_import:commit", "core:module",
            "incidents:export", "incidents:create", "incidents:edit"} <= names  # the module kit's pages
    ops = {e.name for e in api_endpoints(verified_client(make_persona("walker", agency_a, Role.ADMIN)), world)}
    assert {"safecity_incidents_import_api_import_create", "safecity_incidents_api_incident_list",
            "safecity_incidents_api_incident_detail"} <= ops


def test_downloads_declare_export(world: dict[str, Any]) -> None:
    """A file download (.csv, .pdf) must declare `export`, so a new one cannot slip through as a mere view."""
    downloads = [e for e in url_endpoints(world) if e.path.endswith((".csv", ".pdf"))]
    assert len(downloads) >= 8
    for e in downloads:
        assert e.requires is not None and "export" in e.requires[1], f"{e.name} does not declare export"


def test_an_undeclared_endpoint_fails_the_matrix() -> None:
    def undeclared_view(request: Any) -> Any:  # pragma: no cover  (never called)
        return None

    with pytest.raises(AssertionError, match="declares no"):
        expected(Role.ADMIN, Endpoint("newmodule:page", "GET", "/new/", undeclared_view))


def test_officers_cannot_import(olivia_officer: User, agency_a: Agency, signed_in: Callable[[User], Client]) -> None:
    """An import adds, replaces and deletes child records, so it needs add, change and delete (officers: no delete)."""
    from safecity.incidents.models import ImportBatch

    client = signed_in(olivia_officer)
    assert client.get(reverse("incidents_import:upload")).status_code == 403
    upload = SimpleUploadedFile("c.csv", (FIXTURES / "chicago_sample.csv").read_bytes())
    api = client.post("/api/v1/imports/", {"agency": agency_a.ori, "format": "chicago", "file": upload})
    assert api.status_code == 403
    assert not ImportBatch.objects.exists()
