"""Finding 2: the client address comes from trusted proxies only (X-Forwarded-For read right to left)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from safecity.core import proxies
from safecity.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": "not-the-password-1",
                                            "acknowledge": "on"}, **headers)


def test_rotating_forwarded_for_does_not_defeat_the_sign_in_limit(olivia_officer: User, settings) -> None:  # type: ignore[no-untyped-def]
    # The attack as reported: SAFECITY_TLS on, a fresh X-Forwarded-For on every attempt, no proxy in between.
    settings.TLS = True
    settings.RATE_LIMIT_SIGNIN_PER_MINUTE = 3
    client = Client()
    codes = [_sign_in(client, "olivia", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(6)]
    assert codes == [400, 400, 400, 429, 429, 429]


def test_audit_log_records_the_peer_not_a_forged_address(olivia_officer: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TLS = True
    _sign_in(Client(), "olivia", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="192.0.2.10")
    event = AuditEvent.objects.filter(action="auth.login", outcome="failure").latest("seq")
    assert event.source_ip == "192.0.2.10"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(olivia_officer: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXIES = proxies.parse("10.0.0.0/8")
    settings.RATE_LIMIT_SIGNIN_PER_MINUTE = 2
    client = Client()
    codes = []
    for i in range(4):
        # The client prepends whatever it likes; nginx at 10.0.0.2 appends the real peer 203.0.113.9.
        resp = _sign_in(client, "olivia", REMOTE_ADDR="10.0.0.2",
                        HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.9")
        codes.append(resp.status_code)
    assert codes == [400, 400, 429, 429]
    assert set(AuditEvent.objects.filter(action="auth.login").values_list("source_ip", flat=True)) == {
        "203.0.113.9"}


@pytest.mark.parametrize(("trusted", "peer", "xff", "expected"), [
    ("", "192.0.2.1", "6.6.6.6", "192.0.2.1"),                           # default: headers ignored
    ("10.0.0.0/8", "192.0.2.1", "6.6.6.6", "192.0.2.1"),                 # peer is not our proxy
    ("10.0.0.0/8", "10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),   # right-most untrusted
    ("10.0.0.0/8", "10.0.0.2", "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two proxies
    ("10.0.0.0/8", "10.0.0.2", "10.0.0.9, 10.0.0.7", "10.0.0.9"),        # client inside the proxy network
    ("10.0.0.0/8", "10.0.0.2", "6.6.6.6, not-an-ip", "10.0.0.2"),        # garbage stops the walk
    ("10.0.0.0/8", "10.0.0.2", "", "10.0.0.2"),
    ("10.0.0.0/8", "10.0.0.2", " , ,", "10.0.0.2"),
    ("10.0.0.0/8", "10.0.0.2", "203.0.113.9:51234", "203.0.113.9"),      # port appended (Azure)
    ("10.0.0.0/8", "10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
    ("fd00::/8", "fd00::5", "2001:db8::7", "2001:db8::7"),
    ("127.0.0.1", "::ffff:127.0.0.1", "203.0.113.9", "203.0.113.9"),     # IPv4-mapped peer
    ("1", "192.0.2.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),           # one hop: the last entry
    ("2", "192.0.2.1", "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
    ("2", "192.0.2.1", "203.0.113.9", "192.0.2.1"),                      # fewer entries than hops
    ("1", "192.0.2.1", "x" * 500, "192.0.2.1"),
    ("0", "192.0.2.1", "6.6.6.6", "192.0.2.1"),
    ("10.0.0.0/8", "unix:/run/gunicorn.sock", "6.6.6.6", None),          # no address to report
])
def test_client_address(trusted: str, peer: str, xff: str, expected: str | None) -> None:
    assert proxies.client_address(peer, xff, proxies.parse(trusted)) == expected


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "10.0.0.0/8, nginx", "1.2.3", "99"])
def test_bad_trusted_proxies_name_the_entry(bad: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SAFECITY_TRUSTED_PROXIES"):
        proxies.parse(bad)


def test_bad_trusted_proxies_stop_start_up() -> None:
    env = {**os.environ, "SAFECITY_TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"}
    proc = subprocess.run([sys.executable, "-c", "import safecity.settings"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0
    assert "SAFECITY_TRUSTED_PROXIES: 'proxy.internal' is not an IP address or CIDR range" in proc.stderr


def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = proxies.parse("10.0.0.0/8")
    spoofed = Client().get("/healthz", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code == 301 and spoofed["Location"].startswith("https://")
    proxied = Client().get("/healthz", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


def test_tls_without_trusted_proxies_is_reported_by_check(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TLS = True
    settings.SECURE_SSL_REDIRECT = True
    assert [m.id for m in proxies.check_tls_without_proxies(None)] == ["safecity.W001"]
    settings.TRUSTED_PROXIES = proxies.parse("1")
    assert proxies.check_tls_without_proxies(None) == []
