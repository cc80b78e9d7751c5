"""Error pages (HTML) and the one error envelope the API uses."""

from __future__ import annotations

import sys
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from safecity.core import dbbusy


def _api_or_page(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    try:
        return render(request, f"{status}.html", status=status)
    except Exception:  # noqa: BLE001  a broken template must not turn an error page into a traceback
        return HttpResponse(message, status=status, content_type="text/plain")


def error_body(code: str, message: str, fields: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or []}}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_or_page(request, 400, "bad_request", "The request could not be understood.")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_or_page(request, 403, "forbidden", "You do not have permission to do that.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_or_page(request, 404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so the exception is still at hand.
    if dbbusy.is_lock_timeout(sys.exc_info()[1]):
        return busy(request)
    return _api_or_page(request, 500, "server_error", "Something went wrong on our side; it has been logged.")


def busy(request: HttpRequest) -> HttpResponse:
    """503 + Retry-After for a lock timeout, wherever it surfaced (views, middleware, API handlers)."""
    response = _api_or_page(request, 503, "busy", "The database is busy with another change; "
                            f"try again in {dbbusy.RETRY_AFTER_SECONDS} seconds.")
    response["Retry-After"] = str(dbbusy.RETRY_AFTER_SECONDS)
    return response
