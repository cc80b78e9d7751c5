"""Every rate limit in one place, counted in a store all worker processes share.

A limit is a fixed window: the key (`signin:203.0.113.9`) and the window number (Unix time // window) name
a counter, each request adds one, and the request is refused once the count passes the limit. Counters live
in the database by default (`RateLimitCounter`, one atomic upsert per request, so two workers can never
both see "first") or in Redis when `SAFECITY_REDIS_URL` is set (INCR + EXPIRE in one MULTI/EXEC). Stale
windows are deleted by the request that opens a new window (database) or expire on their own (Redis).

Limits in force: sign-in attempts per client address (`core.views.sign_in`), API requests per client
address for every way of authenticating (`ApiRateLimitMiddleware`), failed bearer tokens per address
(`core.api_auth`), complaint status lookups per address (`policing.views.complaints.complaint_status`).
"""

from __future__ import annotations

import hashlib
import logging
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
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def limited(self) -> bool:
        return self.count > self.limit


class Store(Protocol):
    def incr(self, bucket: str, expires_at: int, now: float) -> int: ...

    def clear(self) -> None: ...


class DatabaseStore:
    """Counters in `core_ratelimitcounter`, incremented by one INSERT … ON CONFLICT DO UPDATE … RETURNING
    (SQLite ≥ 3.35 and PostgreSQL): the database serializes concurrent increments of one row."""

    def incr(self, bucket: str, expires_at: int, now: float) -> int:
        table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
        upsert = (f"INSERT INTO {table} (bucket, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608  (quoted name)
                  f"ON CONFLICT (bucket) DO UPDATE SET count = {table}.count + 1 RETURNING count")

        def attempt() -> int:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(upsert, [bucket, expires_at])
                count = int(cursor.fetchone()[0])
                if count == 1:
                    # The first request of a new window clears every expired window, so the table holds
                    # about one row per active key and needs no scheduled job.
                    cursor.execute(f"DELETE FROM {table} WHERE expires_at < %s", [int(now)])  # noqa: S608
            return count

        return dbbusy.retry_outermost(attempt)

    def clear(self) -> None:
        RateLimitCounter.objects.all().delete()


class RedisStore:
    def __init__(self, url: str, prefix: str) -> None:
        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def incr(self, bucket: str, expires_at: int, now: float) -> int:
        key = self.prefix + bucket
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expireat(key, expires_at + 5)
        count, _ = pipe.execute()
        return int(count)

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


def hit(key: str, limit: int, *, window: int = WINDOW_SECONDS) -> Verdict:
    """Count one request for `key`; the verdict says whether it is over `limit` in this window."""
    now = time.time()
    number = int(now // window)
    expires_at = (number + 1) * window
    bucket = _bucket(key, number)
    chosen = store()
    try:
        count = chosen.incr(bucket, expires_at, now)
    except redis.RedisError as exc:
        # Redis down must not take sign-in down with it: count in the database until it is back.
        log.warning("rate-limit store unavailable, counting in the database: %s", exc)
        count = DatabaseStore().incr(bucket, expires_at, now)
    return Verdict(count=count, limit=limit, retry_after=max(1, expires_at - int(now)))


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
