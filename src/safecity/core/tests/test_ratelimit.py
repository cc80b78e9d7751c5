"""Finding 8: rate limits are shared by every worker process (database by default, Redis when configured)
and cover session-authenticated API calls too."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from safecity.core import ratelimit
from safecity.core.models import RateLimitCounter, User
from safecity.core.tests import workers

REDIS_URL = os.environ.get("SAFECITY_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="SAFECITY_REDIS_URL is not set (CI runs these with Redis)")
STORES = ["database", pytest.param("redis", marks=needs_redis)]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """Configure this process for one store; Redis keys get a prefix of their own and are removed after."""
    if request.param == "redis":
        settings.REDIS_URL = REDIS_URL
        settings.RATE_LIMIT_REDIS_PREFIX = f"safecity-test:{uuid.uuid4().hex}:"
    else:
        settings.REDIS_URL = ""
    used = ratelimit.store()
    yield request.param
    used.clear()


def _worker_env(tmp_path: Path, store: str, settings: Any) -> dict[str, str]:
    env = workers.database_env(tmp_path)
    env["SAFECITY_REDIS_URL"] = settings.REDIS_URL
    env["SAFECITY_RATE_LIMIT_REDIS_PREFIX"] = settings.RATE_LIMIT_REDIS_PREFIX
    return env


def _failed_sign_in(n: int) -> dict[str, Any]:
    return {"method": "post", "path": "/accounts/login/",
            "data": {"username": f"nobody{n}", "password": "not-the-password-1", "acknowledge": "on"}}


@pytest.mark.django_db(transaction=True)
def test_sign_in_limit_holds_across_two_worker_processes(store: str, settings: Any, tmp_path: Path) -> None:
    env = _worker_env(tmp_path, store, settings)
    env["SAFECITY_RATE_LIMIT_SIGNIN_PER_MINUTE"] = "5"
    # Both workers live at the start of the same (next) minute, so the test cannot straddle two windows.
    frozen_at = (int(time.time()) // 60 + 1) * 60 + 1
    procs = [workers.start_worker(env, name, tmp_path, ["ready-a", "ready-b"],
                                  [_failed_sign_in(i) for i in range(6)], frozen_at) for name in ("a", "b")]
    codes = [status for proc in procs for status, _, _ in workers.result(proc)]
    # 12 attempts from one address against a limit of 5: exactly 5 get through, whichever worker served them.
    assert sorted(codes) == [400] * 5 + [429] * 7


@pytest.mark.django_db(transaction=True)
def test_api_limit_holds_across_two_worker_processes(store: str, settings: Any, tmp_path: Path) -> None:
    env = _worker_env(tmp_path, store, settings)
    env["SAFECITY_RATE_LIMIT_API_PER_MINUTE"] = "4"
    frozen_at = (int(time.time()) // 60 + 1) * 60 + 1
    requests = [{"method": "get", "path": "/api/v1/me"} for _ in range(4)]
    procs = [workers.start_worker(env, name, tmp_path, ["ready-a", "ready-b"], requests, frozen_at)
             for name in ("a", "b")]
    results = [r for proc in procs for r in workers.result(proc)]
    assert sorted(status for status, _, _ in results) == [401] * 4 + [429] * 4
    refused = [r for r in results if r[0] == 429]
    # Refused requests count too, so the wait can run into the next minute (at most two windows).
    assert all(retry_after and 1 <= int(retry_after) <= 120 for _, retry_after, _ in refused)
    assert all('"code": "rate_limited"' in body for _, _, body in refused)


@pytest.mark.django_db
def test_session_api_calls_are_limited(store: str, olivia_officer: User, signed_in: Any, settings: Any) -> None:
    settings.RATE_LIMIT_API_PER_MINUTE = 3
    client = signed_in(olivia_officer)
    responses = [client.get("/api/v1/me") for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert responses[-1].json()["error"]["code"] == "rate_limited"
    assert 1 <= int(responses[-1]["Retry-After"]) <= 120
    assert client.get("/api/v1/openapi.json").status_code == 200  # the static API description is not counted


@pytest.mark.django_db
def test_bearer_token_calls_are_limited(store: str, olivia_officer: User, signed_in: Any, api_token: Any,
                                        settings: Any) -> None:
    settings.RATE_LIMIT_API_PER_MINUTE = 2
    token = api_token(olivia_officer)
    codes = [Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.django_db
def test_failed_tokens_are_limited(store: str, settings: Any) -> None:
    settings.RATE_LIMIT_TOKEN_FAILURES_PER_MINUTE = 2
    responses = [Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer sc_nope_nope") for _ in range(4)]
    assert [r.status_code for r in responses] == [401, 401, 429, 429]
    assert responses[-1]["Retry-After"] == "60" and responses[-1].json()["error"]["code"] == "rate_limited"


@pytest.mark.django_db
def test_sign_in_429_says_when_to_retry(settings: Any) -> None:
    settings.RATE_LIMIT_SIGNIN_PER_MINUTE = 1
    client = Client()
    for _ in range(2):
        resp = client.post("/accounts/login/", {"username": "x", "password": "y", "acknowledge": "on"})
    assert resp.status_code == 429 and 1 <= int(resp["Retry-After"]) <= 120


@pytest.mark.django_db
def test_counts_are_per_key_and_per_window(store: str) -> None:
    assert [ratelimit.hit("k1", 2).limited for _ in range(3)] == [False, False, True]
    assert ratelimit.hit("k2", 2).count == 1
    assert ratelimit.hit("k1", 2, window=3600).count == 1  # another window length is another counter
    long_key = "x" * 1000
    assert [ratelimit.hit(long_key, 5).count for _ in range(2)] == [1, 2]


@pytest.mark.django_db
def test_a_burst_across_the_minute_boundary_is_still_limited(store: str) -> None:
    # A fixed window would allow 3 at 0:59 and 3 more at 1:01; the sliding estimate allows none of the second.
    start = (int(time.time()) // 60) * 60 + 600  # ahead of the clock, so Redis does not expire the keys
    assert [ratelimit.hit("edge", 3, now=start + 59.0).limited for _ in range(3)] == [False] * 3
    late = ratelimit.hit("edge", 3, now=start + 61.0)
    assert late.limited and late.estimate == pytest.approx(3 * 59 / 60 + 1)
    # Three quarters of the way through the next minute a quarter of the old burst still counts: 0.75 + 2.
    assert not ratelimit.hit("edge", 3, now=start + 105.0).limited


@pytest.mark.django_db
@pytest.mark.parametrize(("limit", "times"), [
    (3, [10.0, 20.0, 30.0, 40.0]),          # refused in the window that holds the burst
    (3, [50.0, 59.0, 61.0, 62.0]),          # refused because of the previous window's share
    (1, [5.0, 5.5]),
    (5, [0.5] * 9),                         # a client that keeps knocking waits longer
])
def test_retry_after_is_when_the_next_request_fits(store: str, limit: int, times: list[float]) -> None:
    base = (int(time.time()) // 60) * 60 + 600
    verdicts = [ratelimit.hit("wait-a", limit, now=base + t) for t in times]
    for t in times:
        ratelimit.hit("wait-b", limit, now=base + t)  # the same history under a second key
    told = verdicts[-1]
    assert told.limited
    assert not ratelimit.hit("wait-a", limit, now=base + times[-1] + told.retry_after).limited
    assert ratelimit.hit("wait-b", limit, now=base + times[-1] + told.retry_after - 1).limited


def test_retry_after_arithmetic() -> None:
    # 4 counted this window (limit 3), 20 s in: the rest of this minute, then until 4 × share ≤ 2 → 30 s more.
    assert ratelimit.retry_after(count=4, previous=0, elapsed=20.0, limit=3, window=60) == 40 + 30
    # 1 counted now, 6 in the previous minute, 6 s in: 6 × (1 − e/60) + 1 ≤ 2 at e = 50.
    assert ratelimit.retry_after(count=1, previous=6, elapsed=6.0, limit=3, window=60) == 44


@pytest.mark.django_db
def test_expired_windows_are_removed_on_write(settings: Any) -> None:
    settings.REDIS_URL = ""
    RateLimitCounter.objects.create(bucket="signin:192.0.2.1:1", count=9, expires_at=60)
    RateLimitCounter.objects.create(bucket="signin:192.0.2.1:future", count=9, expires_at=int(time.time()) + 600)
    ratelimit.hit("signin:192.0.2.2", 5)
    buckets = set(RateLimitCounter.objects.values_list("bucket", flat=True))
    assert "signin:192.0.2.1:1" not in buckets and "signin:192.0.2.1:future" in buckets and len(buckets) == 2


@pytest.mark.django_db
def test_redis_down_falls_back_to_the_database(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/15"  # nothing listens on port 1
    assert [ratelimit.hit("fallback", 1).limited for _ in range(2)] == [False, True]
    assert RateLimitCounter.objects.filter(bucket__startswith="fallback:").get().count == 2
