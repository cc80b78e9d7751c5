"""Which reverse proxies may tell us the client's address, and how to read X-Forwarded-For safely.

`SAFECITY_TRUSTED_PROXIES` is either a list of addresses/CIDRs (`10.0.0.0/8, 127.0.0.1`) or a hop count
(`1`: exactly one proxy in front, which the deployment guarantees by not exposing the app any other way).
Unset means no proxy is trusted and forwarded headers are ignored.

The client address is found the way Rails' `ActionDispatch::RemoteIp` and Werkzeug's `ProxyFix` do it
(re-implemented here, not copied): every proxy *appends* the address it received the request from, so only
the right-hand end of X-Forwarded-For was written by infrastructure we control. Walk it right to left,
starting at the immediate peer, while the hop is a trusted proxy; the first address that is not one is the
client. Anything further left was supplied by the client and is never believed.

Settings imports this module to validate the variable at start-up, so it must not import models.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SETTING = "SAFECITY_TRUSTED_PROXIES"


@dataclass(frozen=True)
class TrustedProxies:
    """Either `hops` proxies in front of the app (addresses unchecked) or the `networks` proxies live in."""

    networks: tuple[IPNetwork, ...] = ()
    hops: int = 0

    @property
    def enabled(self) -> bool:
        return bool(self.networks) or self.hops > 0

    def describe(self) -> str:
        if self.hops:
            return f"{self.hops} proxy hop(s)"
        return ", ".join(str(n) for n in self.networks) or "none"


def parse(raw: str | None) -> TrustedProxies:
    """Read the setting; raise ImproperlyConfigured naming the first entry that is not an address or CIDR."""
    text = (raw or "").strip()
    if not text or text.lower() == "none":
        return TrustedProxies()
    if text.isdigit():
        hops = int(text)
        if hops > 10:
            raise ImproperlyConfigured(f"{SETTING}: a hop count of {hops} is not plausible (use 0-10, or CIDRs)")
        return TrustedProxies(hops=hops)
    networks: list[IPNetwork] = []
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{SETTING}: {entry!r} is not an IP address or CIDR range (expected e.g. 10.0.0.0/8, "
                "127.0.0.1, fd00::/8, or a hop count such as 1)"
            ) from None
    return TrustedProxies(networks=tuple(networks))


def parse_address(value: str) -> IPAddress | None:
    """One X-Forwarded-For or REMOTE_ADDR entry as an address, or None if it is not one.

    Accepts what real proxies write: `203.0.113.7`, `203.0.113.7:51234` (Azure adds ports),
    `[2001:db8::1]:443`, `2001:db8::1`. IPv4-mapped IPv6 is reduced to IPv4 so one client has one key.
    """
    text = value.strip().strip('"')
    if not text or len(text) > 64:
        return None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return None
        text = text[1:end]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _split(forwarded_for: str) -> list[str]:
    return [part for part in (p.strip() for p in forwarded_for.split(",")) if part]


def peer_is_trusted(remote_addr: str | None, trusted: TrustedProxies) -> bool:
    """Is the immediate peer (the TCP connection) one of our proxies?"""
    if trusted.hops:
        return True
    peer = parse_address(remote_addr or "")
    return peer is not None and any(peer in net for net in trusted.networks)


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted: TrustedProxies) -> str | None:
    """The right-most address that is not a trusted proxy (see the module docstring)."""
    peer = parse_address(remote_addr or "")
    # A peer that is not an IP address (a Unix socket) has no address to report; the audit column is inet.
    current = str(peer) if peer is not None else None
    if not trusted.enabled or not forwarded_for or not peer_is_trusted(remote_addr, trusted):
        return current
    hops = _split(forwarded_for)
    if trusted.hops:
        if len(hops) < trusted.hops:
            # Fewer entries than proxies: the request did not come the way the deployment says; believe no one.
            return current
        # Each of the `hops` proxies appended one entry; the left-most of those is what the outermost proxy saw.
        for entry in reversed(hops[-trusted.hops:]):
            address = parse_address(entry)
            if address is None:
                # Our own proxy never writes garbage, so garbage here means the chain is not what we were
                # told; stop at the last hop we could read instead of believing anything further left.
                return current
            current = str(address)
        return current
    for entry in reversed(hops):
        address = parse_address(entry)
        if address is None:
            return current
        current = str(address)
        if not any(address in net for net in trusted.networks):
            return current
    # Every hop was a proxy (a client inside the proxy network): the left-most is the best we know.
    return current


@register(Tags.security)
def check_tls_without_proxies(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """TLS behind a proxy but no trusted proxy: X-Forwarded-Proto is ignored and every request redirects."""
    from django.conf import settings

    if settings.TLS and getattr(settings, "SECURE_SSL_REDIRECT", False) and not settings.TRUSTED_PROXIES.enabled:
        return [Warning(
            "SAFECITY_TLS is on but SAFECITY_TRUSTED_PROXIES is unset: X-Forwarded-Proto and X-Forwarded-For "
            "are ignored, so behind a TLS-terminating proxy every request is redirected to HTTPS again.",
            hint="Set SAFECITY_TRUSTED_PROXIES to the proxy's address or CIDR (or a hop count such as 1).",
            id="safecity.W001")]
    return []
