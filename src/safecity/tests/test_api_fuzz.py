"""Schemathesis drives every operation in the OpenAPI schema; no input may produce a server error."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from safecity.conftest import make_persona
from safecity.core import actions
from safecity.core.actors import SYSTEM
from safecity.core.roles import Role
from safecity.incidents.actions import OffenseIn, incident_create
from safecity.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_test_connection() -> object:
    """Schemathesis calls the WSGI app directly, which closes "old" connections at the end of each request;
    inside the test's transaction that would close PostgreSQL's connection (Django's test client avoids it
    the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(agency_a) -> str:  # type: ignore[no-untyped-def]
    user = make_persona("fuzzer", agency_a, Role.ADMIN)
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    d = actions.district_save(actor=SYSTEM, agency=agency_a, code="1", name="One", geometry=square)
    actions.beat_save(actor=SYSTEM, district=d, code="101", name="Beat 101", geometry=square)
    incident_create(actor=SYSTEM, agency=agency_a, incident_number="F-1",
                    occurred_from=dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC), offenses=[OffenseIn(code="13A")],
                    latitude=0.5, longitude=0.5)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="fuzz", confirmed=True)  # CJI mode: staff tokens need a device
    _, secret = actions.api_token_create(actor=SYSTEM, owner=user, name="fuzz", days=1)
    return secret


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, token: str) -> None:  # type: ignore[no-untyped-def]
    from safecity.core import ratelimit

    ratelimit.clear()  # keep the API rate limit from turning a long fuzz run into 429s
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
