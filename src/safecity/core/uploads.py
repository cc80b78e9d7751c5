"""Request-body limits for the web and the API: one size limit for uploads, clear 400/413 answers, no 500s.

`SAFECITY_MAX_UPLOAD_MB` (settings.MAX_UPLOAD_MB, default 100) bounds a multipart upload. Other bodies (JSON,
forms, text) are read into memory, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds those. The middleware
refuses early on Content-Length; for multipart bodies it also parses the upload itself with
`LimitedUploadHandler` first in line, which counts the bytes actually received and stops at the limit, so a
missing or understated Content-Length (chunked transfer on ASGI) cannot get past it. Parsing here, before
CSRF and the views, is also what turns a broken multipart body into a 400 naming the problem: Django raises
MultiPartParserError from wherever `request.POST` is first touched, and inside the API that was a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from safecity.core.errors import error_body

Handler = Callable[[HttpRequest], HttpResponse]
MB = 1024 * 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class UploadTooLarge(SuspiciousOperation):  # noqa: N818  (Django's own RequestDataTooBig sets the naming)
    """The body is over the limit; a SuspiciousOperation so that, uncaught, Django still answers 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The upload is larger than the limit of {limit // MB} MB.")
        self.limit = limit


def max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_MB) * MB


def too_large_message(limit: int) -> str:
    return (f"file: the upload is larger than the limit of {limit // MB} MB. Split the file, or import it "
            f"with the command line (safecity import incidents), which has no size limit.")


class LimitedUploadHandler(FileUploadHandler):
    """Counts every uploaded byte of the request and stops the upload once the total passes the limit."""

    def __init__(self, request: HttpRequest | None = None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes() if limit is None else limit
        self.received = 0

    def handle_raw_input(self, input_data: Any, META: dict[str, Any], content_length: int,  # noqa: N803
                         boundary: str, encoding: str | None = None) -> None:
        if content_length > self.limit:
            raise UploadTooLarge(self.limit)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge(self.limit)
        return raw_data  # the next handler (memory or temporary file) stores it

    def file_complete(self, file_size: int) -> None:
        return None


def _content_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    try:
        return int(raw) if raw else None
    except ValueError:
        return -1


def refuse(request: HttpRequest, status: int, message: str, field: str = "body") -> HttpResponse:
    """The API's error shape on /api/, the site's error page (with the message) elsewhere."""
    if request.path.startswith("/api/"):
        code = "too_large" if status == 413 else "bad_request"
        return JsonResponse(error_body(code, message, [{"field": field, "message": message}]), status=status)
    try:
        return render(request, "core/request_refused.html", {"message": message, "status_code": status},
                      status=status)
    except Exception:  # noqa: BLE001  the plain message is still a clear answer
        return HttpResponse(message, status=status, content_type="text/plain")


class UploadLimitMiddleware:
    """Place before anything that reads the body (the NUL guard, CSRF, sessions, views)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in BODY_METHODS:
            return self.get_response(request)
        length = _content_length(request)
        if length is not None and length < 0:
            return refuse(request, 400, "body: the Content-Length header is not a whole number.")
        multipart = request.content_type == "multipart/form-data"
        limit = max_upload_bytes()
        memory_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length is not None and length > limit:
            return refuse(request, 413, too_large_message(limit), "file")
        if not multipart:
            if memory_limit is not None and length is not None and length > memory_limit:
                return refuse(request, 413, f"body: larger than the limit of {memory_limit // MB} MB for a "
                                            f"request that is not a file upload.")
            return self.get_response(request)
        request.upload_handlers.insert(0, LimitedUploadHandler(request, limit))
        try:
            request.POST  # noqa: B018  parse now, so every problem with the body is answered here
        except (SuspiciousOperation, MultiPartParserError) as exc:
            # nothing may try to parse the rest of the body again
            request._mark_post_parse_error()  # type: ignore[attr-defined]
            return self._refused(request, exc, limit, memory_limit)
        return self.get_response(request)

    @staticmethod
    def _refused(request: HttpRequest, exc: Exception, limit: int, memory_limit: int | None) -> HttpResponse:
        if isinstance(exc, UploadTooLarge):
            return refuse(request, 413, too_large_message(limit), "file")
        if isinstance(exc, RequestDataTooBig):
            return refuse(request, 413, f"body: the form fields are larger than the limit of "
                                        f"{(memory_limit or 0) // MB} MB.")
        if isinstance(exc, MultiPartParserError):
            return refuse(request, 400, f"body: not a readable multipart/form-data upload ({exc}).")
        return refuse(request, 400, f"body: {exc}")  # too many fields or files
