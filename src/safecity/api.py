"""The JSON API at /api/v1/: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from safecity.core.api import router as core_router
from safecity.core.api_auth import SessionAuth, TokenAuth
from safecity.core.dbbusy import is_lock_timeout
from safecity.core.errors import busy, error_body
from safecity.incidents.api import router as incidents_router
from safecity.incidents.import_api import router as imports_router
from safecity.policing.api import router as policing_router

log = logging.getLogger("safecity.api")


class LocalSwagger(Swagger):
    """The Swagger page from our own static files (the CSP refuses a CDN). Ninja serves them itself only when
    "ninja" is an installed app, which settings.py avoids to keep command-line start-up fast."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        needs_csrf = any(getattr(a, "csrf", False) for a in api.auth or [])  # type: ignore[union-attr]
        return render(request, self.template, {"swagger_settings": json.dumps(self.settings, indent=1), "api": api,
                                               "add_csrf": needs_csrf})


api = NinjaAPI(
    title="safecity API",
    version="1",
    description="Public-safety data for a city. Authenticate with a bearer token (Account → API tokens) "
    "or a signed-in session (with CSRF token). Errors always have the shape "
    '{"error": {"code", "message", "fields": [{"field", "message"}]}}.',
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs=LocalSwagger(),
)


def _reply(request: HttpRequest, status: int, code: str, message: str,
           fields: list[dict[str, Any]] | None = None) -> HttpResponse:
    return api.create_response(request, error_body(code, message, fields), status=status)


def _loc(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "request"


@api.exception_handler(NinjaValidationError)
def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [{"field": _loc(e.get("loc", [])), "message": e.get("msg", "invalid")} for e in exc.errors]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return _reply(request, 422, "invalid", f"Invalid input — {summary}", fields)


@api.exception_handler(ValidationError)
def on_django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = [{"field": k, "message": " ".join(v)} for k, v in exc.message_dict.items()]
    else:
        fields = [{"field": "request", "message": m} for m in exc.messages]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return _reply(request, 422, "invalid", f"Invalid input — {summary}", fields)


@api.exception_handler(AuthenticationError)
def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _reply(request, 401, "unauthenticated", "Sign in or send a valid bearer token.")


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _reply(request, 403, "forbidden", str(exc) or "You do not have permission to do that.")


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _reply(request, 404, "not_found", "Not found (or you may not see it).")


@api.exception_handler(ObjectDoesNotExist)
def on_missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _reply(request, 404, "not_found", "Not found (or you may not see it).")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "rate_limited"}.get(
        exc.status_code, "error")
    response = _reply(request, exc.status_code, code, str(exc))
    if exc.status_code == 429:
        response["Retry-After"] = "60"  # limits are per minute (core.ratelimit)
    return response


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # An operation reading a body the upload middleware could not measure (no Content-Length) meets
    # Django's own limits here; they are the client's problem, not a 500.
    if isinstance(exc, RequestDataTooBig):
        return _reply(request, 413, "too_large", "body: larger than the limit for a request that is not a file "
                                                 "upload.", [{"field": "body", "message": str(exc)}])
    return _reply(request, 400, "bad_request", f"body: {exc}", [{"field": "body", "message": str(exc)}])


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if is_lock_timeout(exc):
        log.warning("database lock timeout on %s: %s", request.path, exc)
        return busy(request)
    log.exception("API error on %s", request.path)
    return _reply(request, 500, "server_error", "Something went wrong on our side; it has been logged.")


api.add_router("/", core_router)
api.add_router("/incidents", incidents_router)
api.add_router("/imports", imports_router)
api.add_router("/policing", policing_router)
