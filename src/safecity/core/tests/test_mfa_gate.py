"""Finding 1 (CRITICAL): in CJI mode a password-only staff session, or a token it minted, opened everything.

The walks below cover every route in the URL conf and every operation in the OpenAPI document, so a page
or endpoint added later cannot slip past the second step unnoticed.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safecity.conftest import PASSWORD
from safecity.core import actions
from safecity.core.actors import CLI
from safecity.core.models import ApiToken, User
from safecity.core.tests.routes import all_api_operations, all_url_paths

pytestmark = pytest.mark.django_db

# What a signed-in staff member who has not passed the second step may still open (besides /static/).
# The complainant's status lookup is public by design (a reference code shows a stage and dates, nothing else).
ALLOWED_BEFORE_MFA = {"core:login", "core:mfa_verify", "core:mfa_setup", "core:logout",
                      "core:healthz", "core:readyz", "core:open", "policing_complaints:status"}
MFA_SETUP = "/accounts/mfa/setup/"


def _address(i: int) -> dict[str, str]:
    # one source address per request, so per-address rate limits never stand in for the refusal under test
    return {"REMOTE_ADDR": f"198.18.{i // 250}.{i % 250 + 1}"}


def _call(client: Client, method: str, path: str, i: int, **extra: Any) -> Any:
    body = b"{}" if method.lower() != "get" else None
    return client.generic(method.upper(), path, data=body or b"", content_type="application/json",
                          **_address(i), **extra)


def _password_only(username: str) -> Client:
    client = Client(REMOTE_ADDR="198.51.100.7")  # not 127.0.0.1: leave other tests their sign-in rate budget
    resp = client.post("/accounts/login/", {"username": username, "password": PASSWORD, "acknowledge": "on"})
    assert resp.status_code == 302 and resp["Location"] == MFA_SETUP
    return client


def _pre_fix_token(user: User) -> str:
    """A token row exactly as the old Account page wrote it for a password-only session (no origin)."""
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name="bypass", prefix=prefix, key_hash=actions.hash_token_secret(secret),
                            expires_at=timezone.now() + dt.timedelta(days=90))
    return f"{actions.TOKEN_PREFIX}{prefix}_{secret}"


def _is_api_refusal(resp: Any) -> bool:
    try:
        body = resp.json()
    except ValueError:
        return False
    return resp.status_code in (401, 403) and set(body.get("error", {})) == {"code", "message", "fields"}


def test_password_only_session_reaches_only_mfa_sign_out_and_public_pages(olivia_officer: User) -> None:
    client = _password_only("olivia")
    routes = all_url_paths()
    assert {r.name for r in routes} >= ALLOWED_BEFORE_MFA
    leaks = []
    i = 0
    for route in routes:
        if route.name in ALLOWED_BEFORE_MFA:
            continue
        for method in ("get", "post"):
            i += 1
            resp = _call(client, method, route.path, i)
            if route.path.startswith("/api/"):
                ok = _is_api_refusal(resp)
            else:
                ok = resp.status_code == 302 and resp["Location"] == MFA_SETUP
            if not ok:
                leaks.append(f"{method.upper()} {route.path} -> {resp.status_code}")
    for op in all_api_operations(Client()):
        i += 1
        resp = _call(client, op.method, op.path, i)
        if not _is_api_refusal(resp):
            leaks.append(f"{op.method.upper()} {op.path} -> {resp.status_code}")
    assert leaks == []
    # still the same half-signed-in session: refusals were the policy, not a lost session
    assert client.session["_auth_user_id"] == str(olivia_officer.pk)
    assert not ApiToken.objects.filter(user=olivia_officer).exists()


def test_token_minted_before_the_fix_is_refused_everywhere(olivia_officer: User) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {_pre_fix_token(olivia_officer)}"}
    leaks = []
    anonymous = Client()  # no session: the bearer token is the only credential sent
    ops = all_api_operations(anonymous)
    assert len(ops) >= 20
    for i, op in enumerate(ops):
        resp = _call(anonymous, op.method, op.path, i, **auth)
        if not _is_api_refusal(resp):
            leaks.append(f"{op.method.upper()} {op.path} -> {resp.status_code}")
    for i, route in enumerate(all_url_paths(), start=len(ops)):
        for method in ("get", "post"):
            resp = _call(anonymous, method, route.path, i, **auth)
            if route.path.startswith("/api/"):
                # a method the operation does not have is refused before authentication (405); the real
                # methods were all tried above
                ok = (_is_api_refusal(resp) or resp.status_code == 405
                      or route.name in {"api-v1:openapi-json", "api-v1:openapi-view"}
                      or (route.pattern == "api/v1/" and resp.status_code == 404))
            else:
                # pages ignore bearer tokens: the caller is anonymous, so only public pages answer
                ok = route.name in ALLOWED_BEFORE_MFA or resp.status_code in (302, 401, 403, 405)
                if resp.status_code == 302:
                    ok = ok and resp["Location"].startswith("/accounts/login/")
            if not ok:
                leaks.append(f"{method.upper()} {route.path} -> {resp.status_code}")
    assert leaks == []


def test_the_reported_bypass_no_longer_mints_a_token(olivia_officer: User) -> None:
    client = _password_only("olivia")
    page = client.post("/accounts/", {"name": "bypass", "days": "30"})
    assert page.status_code == 302 and page["Location"] == MFA_SETUP
    api = client.post("/api/v1/tokens", data=json.dumps({"name": "bypass", "days": 30}),
                      content_type="application/json")
    assert api.status_code == 401 and api.json()["error"]["code"] == "mfa_required"
    assert not ApiToken.objects.filter(user=olivia_officer).exists()
    # and the action itself refuses a staff actor that has not passed the second step
    from safecity.core.permissions import NotPermitted

    with pytest.raises(NotPermitted, match="two-step"):
        actions.api_token_create(actor=olivia_officer, name="direct", days=30)


def test_tokens_record_their_origin_and_the_account_page_shows_it(
        olivia_officer: User, alice_admin: User, signed_in: Any) -> None:
    client = signed_in(olivia_officer)
    assert client.post("/accounts/", {"name": "etl", "days": "30"}).status_code == 200
    web = ApiToken.objects.get(user=olivia_officer, name="etl")
    assert (web.created_via, web.created_by_id) == ("session", olivia_officer.pk)
    api = client.post("/api/v1/tokens", data=json.dumps({"name": "cron", "days": 30}),
                      content_type="application/json")
    assert api.status_code == 201
    assert ApiToken.objects.get(name="cron").created_via == "session"
    made, _ = actions.api_token_create(actor=_verified(alice_admin), owner=olivia_officer, name="taxii", days=10)
    assert (made.created_via, made.created_by_id) == ("admin", alice_admin.pk)
    cli, _ = actions.api_token_create(actor=CLI, owner=olivia_officer, name="load", days=5)
    assert (cli.created_via, cli.created_by_id) == ("cli", None)
    _pre_fix_token(olivia_officer)
    page = client.get("/accounts/").content.decode()
    for shown in ("Account page or API session", "Administrator alice", "Command line",
                  "Before origins were recorded"):
        assert shown in page


def _verified(user: User) -> User:
    """The user as the OTP middleware presents it after the second step (what a verified request carries)."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    user.otp_device = device  # type: ignore[attr-defined]
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    return user


def test_token_of_staff_without_a_confirmed_device_is_refused(olivia_officer: User, alice_admin: User) -> None:
    _, secret = actions.api_token_create(actor=_verified(alice_admin), owner=olivia_officer, name="x", days=5)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    refused = Client().get("/api/v1/me", **auth)
    assert refused.status_code == 403 and "two-step" in refused.json()["error"]["message"]
    TOTPDevice.objects.create(user=olivia_officer, name="phone", confirmed=True)
    assert Client().get("/api/v1/me", **auth).status_code == 200


def test_token_from_before_origins_were_recorded_is_refused_for_staff(olivia_officer: User) -> None:
    secret = _pre_fix_token(olivia_officer)
    assert ApiToken.objects.get(user=olivia_officer).created_via == "legacy"
    TOTPDevice.objects.create(user=olivia_officer, name="phone", confirmed=True)
    refused = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 403 and "re-create" in refused.json()["error"]["message"]


def test_a_token_cannot_mint_another(olivia_officer: User, api_token: Any) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(olivia_officer)}"}
    assert Client().get("/api/v1/me", **auth).status_code == 200
    resp = Client().post("/api/v1/tokens", data=json.dumps({"name": "child", "days": 365}),
                         content_type="application/json", **auth)
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    assert not ApiToken.objects.filter(name="child").exists()


def test_only_an_administrator_creates_tokens_for_others(olivia_officer: User, ann_analyst: User) -> None:
    from django.core.exceptions import ValidationError

    from safecity.core.permissions import NotPermitted

    with pytest.raises(NotPermitted):
        actions.api_token_create(actor=_verified(ann_analyst), owner=olivia_officer, name="x", days=5)
    with pytest.raises(ValidationError) as err:
        actions.api_token_create(actor=CLI, name="x", days=5)
    assert "owner" in err.value.message_dict
    assert not ApiToken.objects.filter(user=olivia_officer).exists()


def test_unverified_session_cannot_enrol_a_second_device(olivia_officer: User) -> None:
    client = _password_only("olivia")
    TOTPDevice.objects.create(user=olivia_officer, name="phone", confirmed=True)  # enrolled in another session
    resp = client.get(MFA_SETUP)
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")
    assert TOTPDevice.objects.filter(user=olivia_officer).count() == 1


def test_non_cji_mode_keeps_password_only_sessions(olivia_officer: User, settings: Any) -> None:
    settings.CJI_MODE = False
    client = Client(REMOTE_ADDR="198.51.100.8")
    client.post("/accounts/login/", {"username": "olivia", "password": PASSWORD, "acknowledge": "on"})
    assert client.get("/accounts/").status_code == 200


def test_administrator_creates_a_token_on_the_manage_page(olivia_officer: User, alice_admin: User,
                                                          signed_in: Any) -> None:
    TOTPDevice.objects.create(user=olivia_officer, name="phone", confirmed=True)
    admin = signed_in(alice_admin)
    assert f'id="token-name-{olivia_officer.pk}"' in admin.get("/manage/").content.decode()
    resp = admin.post(f"/manage/users/{olivia_officer.pk}/", {"op": "token", "name": "taxii", "days": "30"})
    assert resp.status_code == 200
    secret = resp.content.decode().split('id="new-token">', 1)[1].split("<", 1)[0]
    token = ApiToken.objects.get(user=olivia_officer)
    assert (token.created_via, token.created_by_id) == ("admin", alice_admin.pk)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["username"] == "olivia"
    bad = admin.post(f"/manage/users/{olivia_officer.pk}/", {"op": "token", "name": "", "days": "999"}, follow=True)
    page = bad.content.decode()
    assert "No token created for olivia" in page and "Token name" in page and "Expires after" in page
    assert ApiToken.objects.filter(user=olivia_officer).count() == 1
    # an officer's session reaches neither the page nor the operation
    officer = signed_in(olivia_officer)
    assert officer.post(f"/manage/users/{olivia_officer.pk}/", {"op": "token", "name": "x", "days": "1"}
                        ).status_code == 403
    assert ApiToken.objects.filter(user=olivia_officer).count() == 1


def test_second_step_page_offers_no_module_it_would_refuse(alice_admin: User, signed_in: Any) -> None:
    """The header of a password-only session lists no module and no account page: each would only bounce
    back to the second step. After it, the administrator sees them all."""
    page = _password_only("alice").get(MFA_SETUP).content.decode()
    assert 'aria-label="Main"' in page and "Sign out" in page
    for link in ('href="/incidents/"', 'href="/manage/"', 'href="/audit/"', 'href="/accounts/"'):
        assert link not in page, link
    home = signed_in(alice_admin).get("/").content.decode()
    assert 'href="/manage/"' in home and 'href="/accounts/"' in home
