from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from safecity.core import actions
from safecity.core.actors import SYSTEM
from safecity.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_openapi_served(client: Client) -> None:
    body = client.get("/api/v1/openapi.json").json()
    assert body["info"]["title"] == "safecity API"
    assert "/api/v1/agencies" in body["paths"]


def test_health_endpoints_need_no_auth(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


def test_unauthenticated_api_gets_the_error_shape(client: Client) -> None:
    resp = client.get("/api/v1/agencies")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "unauthenticated"


def test_token_auth_and_revocation(ann_analyst, api_token, client: Client) -> None:
    secret = api_token(ann_analyst)
    ok = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ok.status_code == 200 and ok.json()["username"] == "ann"
    token = ApiToken.objects.get(user=ann_analyst)
    stored_secret = secret.split("_", 2)[2]
    assert stored_secret not in token.key_hash and token.key_hash == actions.hash_token_secret(stored_secret)
    actions.api_token_revoke(actor=ann_analyst, token=token)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_expired_and_forged_tokens_refused(ann_analyst, api_token, client: Client) -> None:
    secret = api_token(ann_analyst)
    ApiToken.objects.filter(user=ann_analyst).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer sc_deadbeef_nope").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer garbage").status_code == 401


def test_pagination_is_capped(ann_analyst, api_token, client: Client) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(ann_analyst)}"}
    for i in range(3):
        actions.agency_create(actor=SYSTEM, ori=f"ZZ000010{i}", name=f"Agency {i}", agency_type="police")
    page = client.get("/api/v1/agencies?limit=2", **auth).json()
    assert page["count"] >= 4 and len(page["items"]) == 2
    assert client.get("/api/v1/agencies?limit=500", **auth).status_code == 200
    huge = client.get("/api/v1/agencies?limit=100000", **auth)
    assert huge.status_code == 422 and huge.json()["error"]["fields"][0]["field"] == "limit"
    bad = client.get("/api/v1/agencies?limit=abc", **auth)
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "limit"


def test_token_create_validates_fields(ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    # tokens are created from a verified session (a token may not mint another: test_a_token_cannot_mint_another)
    client, auth = signed_in(ann_analyst), {}
    resp = client.post("/api/v1/tokens", data=json.dumps({"name": "", "days": 9999}),
                       content_type="application/json", **auth)
    assert resp.status_code == 422
    fields = {f["field"] for f in resp.json()["error"]["fields"]}
    assert fields == {"name", "days"}
    resp = client.post("/api/v1/tokens", data="{not json", content_type="application/json", **auth)
    assert resp.status_code in (400, 422) and "error" in resp.json()
    created = client.post("/api/v1/tokens", data=json.dumps({"name": "etl", "days": 30}),
                          content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["token"].startswith("sc_")


def test_locate_point_in_polygon(agency_a, ann_analyst, api_token, client: Client) -> None:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    d = actions.district_save(actor=SYSTEM, agency=agency_a, code="1", name="One", geometry=square)
    actions.beat_save(actor=SYSTEM, district=d, code="101", name="Beat 101", geometry=square)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(ann_analyst)}"}
    inside = client.get(f"/api/v1/agencies/{agency_a.ori}/locate?lon=0.5&lat=0.5", **auth).json()
    assert inside == {"district": "1", "beat": "101"}
    outside = client.get(f"/api/v1/agencies/{agency_a.ori}/locate?lon=2&lat=2", **auth).json()
    assert outside == {"district": None, "beat": None}
    bad = client.get(f"/api/v1/agencies/{agency_a.ori}/locate?lon=500&lat=2", **auth)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "lon"


def test_audit_endpoint_needs_audit_role(ann_analyst, otto_oversight, api_token, client: Client) -> None:
    denied = client.get("/api/v1/audit/events", HTTP_AUTHORIZATION=f"Bearer {api_token(ann_analyst)}")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    ok = client.get("/api/v1/audit/verify", HTTP_AUTHORIZATION=f"Bearer {api_token(otto_oversight)}")
    assert ok.status_code == 200 and ok.json()["ok"] is True


def test_nul_characters_are_refused_with_the_field_named(ann_analyst, api_token, client: Client) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(ann_analyst)}"}
    resp = client.get("/api/v1/incidents/?agency=ZZ%00", **auth)
    assert resp.status_code == 400 and resp.json()["error"]["fields"][0]["field"] == "agency"
    resp = client.post("/api/v1/tokens", data='{"name": "a\\u0000b"}', content_type="application/json", **auth)
    assert resp.status_code == 400 and resp.json()["error"]["fields"][0]["field"] == "body"
    assert client.get("/open/?q=%00").status_code == 400
