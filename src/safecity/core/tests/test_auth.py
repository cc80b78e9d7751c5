"""Sign-in, lockout, MFA, sessions and passwords (CJIS Security Policy 6.0 controls)."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safecity.conftest import PASSWORD, make_persona
from safecity.core import actions
from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent, User
from safecity.core.roles import Role

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, password: str, ack: bool = True):  # type: ignore[no-untyped-def]
    data = {"username": username, "password": password}
    if ack:
        data["acknowledge"] = "on"
    return client.post("/accounts/login/", data)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def test_passwords_use_argon2(olivia_officer: User) -> None:
    assert identify_hasher(olivia_officer.password).algorithm == "argon2"


def test_banner_must_be_acknowledged(olivia_officer: User, client: Client) -> None:
    resp = _sign_in(client, "olivia", PASSWORD, ack=False)
    assert resp.status_code == 400 and b"accept the conditions of use" in resp.content
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/login/").content.decode()
    for statement in ("restricted system", "monitored, recorded and audited", "criminal and civil penalties",
                      "consent"):
        assert statement in page


def test_unknown_user_and_wrong_password_look_the_same(olivia_officer: User) -> None:
    a = _sign_in(Client(), "nobody-here", "whatever-password-1")
    b = _sign_in(Client(), "olivia", "wrong-password-123")
    strip = lambda r: r.content.replace(b"nobody-here", b"").replace(b"olivia", b"")  # noqa: E731
    assert a.status_code == b.status_code == 400
    import re

    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", strip(a)) == token.sub(b"", strip(b))


def test_five_failures_lock_until_admin_releases(olivia_officer: User, alice_admin: User) -> None:
    client = Client()
    for _ in range(5):
        assert _sign_in(client, "olivia", "wrong-password-123").status_code == 400
    olivia_officer.refresh_from_db()
    assert olivia_officer.is_locked
    # the sixth attempt is refused even with the right password
    assert _sign_in(client, "olivia", PASSWORD).status_code == 400
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.lockout", object_id=str(olivia_officer.pk)).exists()
    actions.user_unlock(actor=alice_admin, user=olivia_officer)
    assert AuditEvent.objects.filter(action="user.unlock", actor_id=alice_admin.pk).exists()
    resp = _sign_in(client, "olivia", PASSWORD)
    assert resp.status_code == 302


def test_failures_outside_15_minutes_do_not_lock(olivia_officer: User, time_machine) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    time_machine.move_to("2026-01-01 08:00:00+00:00")
    for _ in range(4):
        _sign_in(client, "olivia", "wrong-password-123")
    time_machine.move_to("2026-01-01 08:16:00+00:00")
    _sign_in(client, "olivia", "wrong-password-123")
    olivia_officer.refresh_from_db()
    assert not olivia_officer.is_locked


def test_failed_and_successful_sign_ins_are_audited(olivia_officer: User) -> None:
    _sign_in(Client(), "olivia", "wrong-password-123")
    _sign_in(Client(), "olivia", PASSWORD)
    outcomes = list(AuditEvent.objects.filter(action="auth.login").values_list("outcome", flat=True))
    assert outcomes == ["failure", "success"]


def test_cji_mode_forces_mfa_enrolment_for_staff(olivia_officer: User, settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.CJI_MODE
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a failure; not under test here
    client = Client()
    assert _sign_in(client, "olivia", PASSWORD)["Location"] == "/accounts/mfa/setup/"
    # every other page sends the unverified staff user back to enrolment
    assert client.get("/incidents/")["Location"] == "/accounts/mfa/setup/"
    assert client.get("/api/v1/me").status_code == 401
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=olivia_officer)
    assert client.post("/accounts/mfa/setup/", {"token": "000000" if _code(device) != "000000" else "111111"}
                       ).status_code == 400
    assert client.post("/accounts/mfa/setup/", {"token": _code(device)}).status_code == 302
    assert client.get("/incidents/").status_code == 200


def test_totp_sign_in_and_replay_refused(olivia_officer: User) -> None:
    device = TOTPDevice.objects.create(user=olivia_officer, name="phone", confirmed=True)
    client = Client()
    assert _sign_in(client, "olivia", PASSWORD)["Location"] == "/accounts/mfa/"
    code = _code(device)
    assert client.post("/accounts/mfa/", {"token": code}).status_code == 302
    assert client.get("/incidents/").status_code == 200
    # the same code cannot be used again (IA-2(8) replay resistance)
    other = Client()
    _sign_in(other, "olivia", PASSWORD)
    resp = other.post("/accounts/mfa/", {"token": code})
    assert resp.status_code == 400 and "_auth_user_id" not in other.session


def test_idle_session_ends_after_30_minutes(olivia_officer: User, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    assert client.get("/incidents/").status_code == 200
    session = client.session
    session["last_activity"] = time.time() - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    resp = client.get("/incidents/")
    assert resp.status_code == 302 and "ended=idle" in resp["Location"]
    assert client.get("/incidents/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_end", extra__reason="idle").exists()


def test_activity_keeps_session_alive(olivia_officer: User, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    session = client.session
    session["last_activity"] = time.time() - settings.SESSION_IDLE_SECONDS + 60
    session.save()
    assert client.get("/incidents/").status_code == 200


def test_reauthentication_after_12_hours(olivia_officer: User, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    session = client.session
    session["auth_time"] = time.time() - 12 * 3600 - 60
    session["last_activity"] = time.time()
    session.save()
    resp = client.get("/incidents/")
    assert resp.status_code == 302 and "ended=reauth" in resp["Location"]


def test_role_change_ends_sessions(olivia_officer: User, alice_admin: User, agency_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    assert client.get("/incidents/").status_code == 200
    actions.role_grant(actor=alice_admin, user=olivia_officer, agency=agency_a, role=Role.ANALYST)
    assert client.get("/incidents/").status_code == 302


def test_sign_out_ends_session(olivia_officer: User, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    client.post("/accounts/logout/")
    assert client.get("/incidents/").status_code == 302


@pytest.mark.parametrize("password,message", [
    ("short", "too short"),
    ("password123456", "too common"),
    ("Password123!", "too short"),
    ("qwertyuiop", "too short"),
])
def test_weak_and_compromised_passwords_refused(agency_a, password: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        actions.user_create(actor=SYSTEM, username="weak", email="weak@example.org", password=password,
                            home_agency=agency_a)
    assert "password" in err.value.message_dict
    assert not User.objects.filter(username="weak").exists()


def test_breached_list_rejects_long_passwords_too(agency_a) -> None:
    with pytest.raises(ValidationError) as err:
        actions.user_create(actor=SYSTEM, username="breach", email="b@example.org",
                            password="correcthorsebatterystaple", home_agency=agency_a)
    assert "data breach" in " ".join(err.value.message_dict["password"])


def test_long_passphrases_with_spaces_accepted(agency_a) -> None:
    # (not one phrase typed twice: a doubled phrase is a repeat and is refused, see test_passwords.py)
    phrase = "a long pass phrase with spaces, then more words about the river ferry at dawn"
    user = actions.user_create(actor=SYSTEM, username="phrase", email="p@example.org",
                               password=phrase, home_agency=agency_a)
    assert user.check_password(phrase)


def test_sign_in_is_rate_limited(olivia_officer: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMIT_SIGNIN_PER_MINUTE = 3
    client = Client()
    codes = [_sign_in(client, f"x{i}", "nope-nope-nope").status_code for i in range(5)]
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]


def test_security_headers(client: Client) -> None:
    resp = client.get("/accounts/login/")
    assert "default-src 'self'" in resp["Content-Security-Policy"]
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "csrfmiddlewaretoken" in resp.content.decode()


def test_csrf_enforced_on_sign_in(olivia_officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    assert _sign_in(client, "olivia", PASSWORD).status_code == 403


def test_public_persona_sees_no_staff_modules(agency_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    pat = make_persona("pat", agency_a, Role.PUBLIC)
    client = signed_in(pat)
    assert client.get("/incidents/").status_code == 403
    home = client.get("/").content.decode()
    assert "Open data" in home and "Incidents &amp; crime analytics" not in home
