"""Security headers, the acting context for audit events, and the CJIS session policy."""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import LazyObject, empty

from safecity.core import context, dataversion, proxies

Handler = Callable[[HttpRequest], HttpResponse]

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


@functools.cache
def content_security_policy(tile_url: str) -> str:
    """The policy, opened to one more origin only when the city configured its own tile server.

    MapLibre fetches tiles with fetch() (connect-src) and may decode them as images (img-src); its worker is a
    module loaded from our static files, which script-src 'self' already allows (docs/maps.md).
    """
    if not tile_url:
        return CSP
    parts = urlsplit(tile_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return (CSP.replace("img-src 'self' data:;", f"img-src 'self' data: {origin};")
            .replace("connect-src 'self';", f"connect-src 'self' {origin};"))

# Paths anyone may open without signing in (CJIS AC-14: document actions allowed without identification).
PUBLIC_PREFIXES = ("/static/", "/healthz", "/readyz", "/accounts/login/", "/open/", "/favicon.ico")
# What a staff session that has passed only the password step may also open in CJI mode: the second step
# itself and the way out. Everything else, the account page and the whole API included, waits for it.
SECOND_STEP_PREFIXES = ("/accounts/mfa/", "/accounts/logout/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(settings.BASEMAP_TILE_URL))
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the peer, or the right-most untrusted X-Forwarded-For hop behind our proxies."""
    return proxies.client_address(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR"),
                                  settings.TRUSTED_PROXIES)


class ProxyHeadersMiddleware:
    """Drop X-Forwarded-Proto unless the peer is a trusted proxy, so `request.is_secure()` (and with it the
    HTTPS redirect, HSTS and secure-cookie decisions) cannot be talked into anything by a client."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_PROTO" in request.META and not proxies.peer_is_trusted(
                request.META.get("REMOTE_ADDR"), settings.TRUSTED_PROXIES):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)


class NullCharacterGuardMiddleware:
    """Refuse NUL characters in the URL, query or JSON body: no database text field can store them, so they
    are always an error, and saying so here is clearer than failing deep in a query."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = None
        if "\x00" in request.path:
            bad = "path"
        else:
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    bad = key.replace("\x00", "")
                    break
        if bad is None and request.content_type == "application/json" and b"\\u0000" in request.body:
            bad = "body"
        if bad is None:
            return self.get_response(request)
        from django.http import HttpResponseBadRequest, JsonResponse

        from safecity.core.errors import error_body

        message = f"{bad}: contains a NUL character, which is not allowed."
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("invalid", message, [{"field": bad, "message": message}]), status=400)
        return HttpResponseBadRequest(message, content_type="text/plain")


class RequestContextMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = context.ActingContext(
            source_ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            request_id=request.META.get("HTTP_X_REQUEST_ID", "")[:36] or str(uuid.uuid4()),
            purpose=request.META.get("HTTP_X_PURPOSE", "")[:200],
            channel="web",
        )
        with context.acting(ctx), dataversion.remembered():
            response = self.get_response(request)
        response.headers["X-Request-ID"] = ctx.request_id
        return response


ACTIVITY_STEP_SECONDS = 30


class SessionPolicyMiddleware:
    """Idle timeout (AC-11), 12-hour re-authentication (IA-11), MFA for staff in CJI mode (IA-2)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            # Hand the rest of the request the user itself, not the lazy wrappers of the authentication and
            # OTP middleware: every attribute read through them raised and caught an AttributeError, and a
            # page's permission checks and templates read the user hundreds of times (~2 ms of CPU a page).
            request.user = user = _unwrapped(user)
            now = time.time()
            session = request.session
            last = session.get("last_activity", now)
            auth_time = session.get("auth_time", now)
            if now - last > settings.SESSION_IDLE_SECONDS or now - auth_time > settings.SESSION_MAX_AGE_SECONDS:
                reason = "idle" if now - last > settings.SESSION_IDLE_SECONDS else "reauth"
                from safecity.core import audit

                audit.record(action="auth.session_end", actor=user, obj=user, extra={"reason": reason})
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return HttpResponseRedirect(f"{reverse('core:login')}?ended={reason}&next={request.path}")
            # Saved when it moved by ACTIVITY_STEP_SECONDS or more, not on every request: each save is a
            # database write (on SQLite one writer at a time), and a page of a busy meeting should not queue
            # behind 50 session updates. The idle limit can then end a session up to that much early, never late.
            if now - last >= ACTIVITY_STEP_SECONDS or "last_activity" not in session:
                session["last_activity"] = now
            session.setdefault("auth_time", now)
            if second_step_pending(request) and not request.path.startswith(PUBLIC_PREFIXES + SECOND_STEP_PREFIXES):
                return _second_step_required(request)
        return self.get_response(request)


def _unwrapped(user: Any) -> Any:
    """The object inside (nested) `LazyObject`s, which has been loaded by the time this is called."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def second_step_pending(request: HttpRequest) -> bool:
    """A staff session in CJI mode that has passed only the password step: it may open nothing but the second
    step and the way out (the page header shows it no module either)."""
    user = getattr(request, "user", None)
    if not settings.CJI_MODE or user is None or not user.is_authenticated:
        return False
    return not user.is_verified() and bool(user.is_staff_member)


def _second_step_required(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        from safecity.core.errors import error_body

        message = "Complete two-step sign-in (CJI mode) before using the API: open /accounts/mfa/setup/."
        return JsonResponse(error_body("mfa_required", message), status=401)
    return HttpResponseRedirect(reverse("core:mfa_setup"))
