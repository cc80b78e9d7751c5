"""Files served with HTTP range requests (RFC 9110 §14), for readers that fetch parts of a large file.

A PMTiles basemap is one file of hundreds of megabytes of which a map reads a few kilobytes at a time
(docs/maps.md). Django's FileResponse always sends the whole file, so this answers one byte range with 206,
an unsatisfiable one with 416 and anything else (no Range, several ranges, a malformed header, a stale
If-Range) with the whole file, as the RFC allows.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import http_date

# One "bytes=first-last", "bytes=first-" or "bytes=-suffix" range; several ranges are answered in full.
ONE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# A range is read into memory; larger requests get the first MAX_RANGE_BYTES, which Content-Range states.
MAX_RANGE_BYTES = 32 * 1024 * 1024


def ranged_file_response(request: HttpRequest, path: Path, content_type: str,
                         cache_seconds: int = 0) -> HttpResponse | FileResponse:
    stat = path.stat()
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    span = _requested_span(request, size, etag)
    response: HttpResponse | FileResponse
    if span is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    elif isinstance(span, str):  # unsatisfiable
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        start, end = span
        with path.open("rb") as handle:
            handle.seek(start)
            body = handle.read(end - start + 1)
        response = HttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(len(body))
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    if cache_seconds:
        response["Cache-Control"] = f"private, max-age={cache_seconds}"
    return response


def _requested_span(request: HttpRequest, size: int, etag: str) -> tuple[int, int] | str | None:
    header = request.headers.get("Range", "").strip()
    if_range = request.headers.get("If-Range")
    if not header or (if_range is not None and if_range != etag):
        return None
    match = ONE_RANGE.match(header)
    if match is None or match[1] == match[2] == "":
        return None
    if match[1] == "":
        suffix = int(match[2])
        if suffix == 0 or size == 0:
            return "unsatisfiable"
        start, end = max(0, size - suffix), size - 1
    else:
        start = int(match[1])
        end = int(match[2]) if match[2] else size - 1
        if end < start:
            return None  # not a valid range: ignore the header (RFC 9110 §14.2)
        if start >= size:
            return "unsatisfiable"
        end = min(end, size - 1)
    return start, min(end, start + MAX_RANGE_BYTES - 1)
