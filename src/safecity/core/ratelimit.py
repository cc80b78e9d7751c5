"""Every rate limit in one place, counted in a store all worker processes share.

A limit is a sliding window, estimated from two fixed windows as Cloudflare describes its rate limiter
("How we built rate limiting capable of scaling to millions of domains", 2017): the key
(`signin:203.0.113.9`) and the window number (Unix time // window) name a counter, each request adds one to
the current window's counter, and the request is refused once

    previous window's count × (share of the previous window still inside the last `window` seconds)
    + current window's count

passes the limit. A plain fixed window lets a client spend its whole allowance at the end of one minute and
again at the start of the next (twice the limit in two seconds) and makes a burst's verdict depend on where
the minute boundary falls; the estimate has neither fault.

Counters live in the database by default (`RateLimitCounter`, one atomic upsert per request, so two workers
can never both see "first") or in Redis when `SAFECITY_REDIS_URL` is set (INCR + EXPIRE in one MULTI/EXEC).
A counter is kept for two windows (it is the "previous" one during the second); stale counters are deleted by
the request that opens a new window (database) or expire on their own (Redis).

Limits in force: sign-in attempts per client address (`core.views.sign_in`), API requests per client
address for every way of authenticating (`ApiRateLimitMiddleware`), failed bearer tokens per address
(`core.api_auth`), complaint status lookups per address (`policing.views.complaints.complaint_status`).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import Protocol

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from safecity.core import dbbusy
from safecity.core.errors import error_body
from safecity.core.middleware import Handler, client_ip
from safecity.core.models import RateLimitCounter

log = logging.getLogger("safecity.ratelimit")

WINDOW_SECONDS = 60
_MAX_KEY = 160
DOCUMENTS = ("/openapi.json", "/docs", "/docs/")  # longer keys are hashed so a bucket name always fits the column


@dataclass(frozen=True)
class Verdict:
    count: int  # requests counted in the current fixed window, this one included
    estimate: float  # requests in the sliding window that ends now, this one included
    limit: int
    retry_after: int  # seconds until a request would be allowed again, if no more arrive

    @property
    def limited(self) -> bool:
        return self.estimate > self.limit


class Store(Protocol):
    def incr(self, bucket: str, previous: str, stale_at: int, now: float) -> tuple[int, int]:
        """Add one to `bucket` and return its new count with the count of the `previous` window's bucket."""
        ...

    def clear(self) -> None: ...


class DatabaseStore:
    """Counters in `core_ratelimitcounter`, incremented by one INSERT … ON CONFLICT DO UPDATE … RETURNING
    (SQLite ≥ 3.35 and PostgreSQL): the database serializes concurrent increments of one row."""

    def incr(self, bucket: str, previous: str, stale_at: int, now: float) -> tuple[int, int]:
        table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
        upsert = (f"INSERT INTO {table} (bucket, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608  (quoted name)
                  f"ON CONFLICT (bucket) DO UPDATE SET count = {table}.count + 1 RETURNING count")

        def attempt() -> tuple[int, int]:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(upsert, [bucket, stale_at])
                count = int(cursor.fetchone()[0])
                cursor.execute(f"SELECT count FROM {table} WHERE bucket = %s", [previous])  # noqa: S608
                row = cursor.fetchone()
                if count == 1:
                    # The first request of a new window clears every stale window, so the table holds
                    # about two rows per active key and needs no scheduled job.
                    cursor.execute(f"DELETE FROM {table} WHERE expires_at < %s", [int(now)])  # noqa: S608
            return count, int(row[0]) if row else 0

        return dbbusy.retry_outermost(attempt)

    def clear(self) -> None:
        RateLimitCounter.objects.all().delete()


class RedisStore:
    def __init__(self, url: str, prefix: str) -> None:
        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def incr(self, bucket: str, previous: str, stale_at: int, now: float) -> tuple[int, int]:
        key = self.prefix + bucket
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expireat(key, stale_at + 5)
        pipe.get(self.prefix + previous)
        count, _, before = pipe.execute()
        return int(count), int(before or 0)

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=self.prefix + "*", count=500))
        if keys:
            self.client.delete(*keys)


_redis_stores: dict[tuple[str, str], RedisStore] = {}


def store() -> Store:
    """Redis if `SAFECITY_REDIS_URL` is set (one client per process), else the database."""
    url = settings.REDIS_URL
    if not url:
        return DatabaseStore()
    key = (url, settings.RATE_LIMIT_REDIS_PREFIX)
    if key not in _redis_stores:
        _redis_stores[key] = RedisStore(url, settings.RATE_LIMIT_REDIS_PREFIX)
    return _redis_stores[key]


def _bucket(key: str, window_number: int) -> str:
    if len(key) > _MAX_KEY:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return f"{key}:{window_number}"


def retry_after(count: int, previous: int, elapsed: float, limit: int, window: int) -> int:
    """Seconds until one more request fits under `limit`, if none arrive meanwhile.

    Within this window the estimate falls only as the previous window's share shrinks; once this window is
    over, its own count becomes the previous one and shrinks the same way.
    """
    room = limit - 1  # the estimate the next request may find and still be allowed
    if count <= room:
        if previous == 0:
            return 1
        wait = window * (1 - (room - count) / previous) - elapsed
    else:
        wait = (window - elapsed) + window * (1 - room / count)
    return max(1, math.ceil(wait))


def hit(key: str, limit: int, *, window: int = WINDOW_SECONDS, now: float | None = None) -> Verdict:
    """Count one request for `key`; the verdict says whether it puts `key` over `limit` requests in the last
    `window` seconds (the sliding-window estimate described at the top of this module). `now` is the Unix
    time of the request (default: the clock)."""
    now = time.time() if now is None else now
    number = int(now // window)
    elapsed = now - number * window
    stale_at = (number + 2) * window  # still needed as the previous window during the next one
    bucket, previous = _bucket(key, number), _bucket(key, number - 1)
    chosen = store()
    try:
        count, before = chosen.incr(bucket, previous, stale_at, now)
    except redis.RedisError as exc:
        # Redis down must not take sign-in down with it: count in the database until it is back.
        log.warning("rate-limit store unavailable, counting in the database: %s", exc)
        count, before = DatabaseStore().incr(bucket, previous, stale_at, now)
    estimate = before * (1 - elapsed / window) + count
    return Verdict(count=count, estimate=estimate, limit=limit,
                   retry_after=retry_after(count, before, elapsed, limit, window))


def clear() -> None:
    """Forget every counter of the configured store (tests, and an operator lifting a mistaken block)."""
    store().clear()


def too_many(verdict: Verdict, message: str) -> HttpResponse:
    """The API's 429: the one error shape, and when to come back."""
    response = JsonResponse(error_body("rate_limited", message), status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


class ApiRateLimitMiddleware:
    """API requests per client address, however they authenticate (bearer token, session or none)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API's own description is a static public document, like /static/: not counted.
        if request.path.startswith("/api/") and not request.path.endswith(DOCUMENTS):
            verdict = hit(f"api:{client_ip(request)}", settings.RATE_LIMIT_API_PER_MINUTE)
            if verdict.limited:
                return too_many(verdict, "Too many requests; slow down and retry after a minute.")
        return self.get_response(request)
