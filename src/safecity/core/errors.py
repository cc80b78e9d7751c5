"""Error pages (HTML) and the one error envelope the API uses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


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
    return _api_or_page(request, 500, "server_error", "Something went wrong on our side; it has been logged.")
