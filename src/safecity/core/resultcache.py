"""Computed results (the crime analyses) cached under everything they depend on, so a hit is never stale or
seen by someone who could not have computed it.

The key of an entry is a digest of:

* the module and the analysis;
* the caller's exact visibility: `visibility_filter(user, module, "view")` flattened to sorted (agency id,
  clearance mask) pairs — the input of `restrict()`, so two users share an entry only when every query of
  the computation would have returned the same rows for both;
* the analysis's normalized parameters (resolved agency, area and day included);
* the data versions of the visible agencies (`core.dataversion`), raised inside every write that changes an
  agency's data — a write makes the old entries unreachable in the same commit;
* the code version (a digest of the package's source and rule files) and today's date (a relative period
  such as "the last 28 days" must not outlive midnight).

Entries live in two tiers: this process's memory (`memory`: the objects themselves, no copy, so a hit costs
a dictionary lookup), and ``results-shared`` (`settings.CACHES`), which every worker process of the server
reads (files under var/, or Redis when ``SAFECITY_REDIS_URL`` is set), so an analysis is computed once for
all workers. Concurrent misses
of one key compute once: the threads of a process wait on a lock, the processes of the machine on a file
lock, instead of stampeding the database after every import.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from safecity.core import dataversion
from safecity.core.permissions import visibility_filter
from safecity.core.roles import AGGREGATE

T = TypeVar("T")
SHARED = "results-shared"
LOCK_FILES = 256
_MISSING = object()
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@cache
def code_version() -> str:
    """A digest of the package's Python source and data files: a deploy that changes either starts afresh."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".csv", ".toml", ".json") and "tests" not in path.parts and path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def visibility_key(user: Any, module: str) -> tuple[tuple[int, int], ...] | None:
    """The caller's (agency id, clearance mask) pairs for `view` in the module, sorted; None = unrestricted.

    An agency appears twice when the caller counts more than it may open (`AGGREGATE`, e.g. the mayor), so two
    callers who see the same records but count different ones never share an entry."""
    grants = visibility_filter(user, module, "view")
    if grants is None:
        return None
    pairs = {(int(a), int(mask)) for mask, ids in grants.items() for a in ids}
    counted = visibility_filter(user, module, AGGREGATE) or {}
    pairs |= {(int(a), int(mask)) for mask, ids in counted.items() for a in ids}
    return tuple(sorted(pairs))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"parameter value {value!r} has no stable form for a cache key")


def key_for(*, user: Any, module: str, analysis: str, params: Mapping[str, Any]) -> str:
    visible = visibility_key(user, module)
    versions = dataversion.versions(None if visible is None else [a for a, _ in visible])
    parts = {
        "module": module, "analysis": analysis, "visible": visible, "params": _plain(params),
        "versions": versions, "code": code_version(), "today": timezone.localdate().isoformat(),
    }
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return f"result:{analysis}:{hashlib.sha256(blob.encode()).hexdigest()}"


def _lock(key: str) -> threading.Lock:
    with _locks_guard:
        lock = _locks.get(key)
        if lock is None:
            if len(_locks) > 1000:  # keys change with every write: drop the idle ones now and then
                for k in [k for k, v in _locks.items() if not v.locked()]:
                    del _locks[k]
            lock = _locks[key] = threading.Lock()
        return lock


def cached(*, user: Any, module: str, analysis: str, params: Mapping[str, Any], compute: Callable[[], T]) -> T:
    """`compute()`'s result for this caller, parameters and data, from the cache when it is there."""
    return get_or_compute(key_for(user=user, module=module, analysis=analysis, params=params), compute)


class _Memory:
    """This process's tier: the objects themselves, most recently used kept, each for at most `seconds`.

    Django's local-memory cache pickles what it stores, and unpickling the CompStat result on every request
    was most of a cached page's CPU time. Entries are shared by reference, so what the cache hands out is
    read-only: results are dataclasses nobody changes after computing them, and rendered markup is text."""

    def __init__(self, entries: int = 200, seconds: float = 3600) -> None:
        self.entries, self.seconds = entries, seconds
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._guard = threading.Lock()

    def get(self, key: str) -> Any:
        with self._guard:
            found = self._items.get(key)
            if found is None:
                return _MISSING
            if found[0] < time.monotonic():
                del self._items[key]
                return _MISSING
            self._items.move_to_end(key)
            return found[1]

    def set(self, key: str, value: Any) -> None:
        with self._guard:
            self._items[key] = (time.monotonic() + self.seconds, value)
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._guard:
            self._items.clear()


memory = _Memory()


def peek(key: str) -> bool:
    """Whether `key` is cached in this process or in the shared store (for tests and diagnostics)."""
    return memory.get(key) is not _MISSING or caches[SHARED].get(key, _MISSING) is not _MISSING


def get_or_compute(key: str, compute: Callable[[], T]) -> T:
    """The entry under `key` (made by `key_for`, or derived from such a key), computed once when missing.

    Something drawn from a cached result (a map) is cached under the result's key plus a suffix, computed
    from that very result: the key is read once, so a write in between cannot pair old numbers with a new
    version."""
    hit = memory.get(key)
    if hit is not _MISSING:
        return hit
    with _lock(key):
        hit = memory.get(key)
        if hit is not _MISSING:
            return hit
        shared = caches[SHARED]
        with _process_lock(key):
            hit = shared.get(key, _MISSING)
            if hit is _MISSING:
                hit = compute()
                shared.set(key, hit)
        memory.set(key, hit)
        return hit


def get_or_compute_local(key: str, compute: Callable[[], T]) -> T:
    """Like `get_or_compute`, in this process's memory only: for what is cheap to make again in each worker
    and may depend on this process's settings (a page's rendering of a cached result), so a restart with
    other settings never reads an old copy from the shared store."""
    hit = memory.get(key)
    if hit is not _MISSING:
        return hit
    with _lock(key):
        hit = memory.get(key)
        if hit is _MISSING:
            hit = compute()
            memory.set(key, hit)
        return hit


@contextlib.contextmanager
def _process_lock(key: str) -> Iterator[None]:
    """Hold one of LOCK_FILES lock files, chosen by the key: another worker missing the same key waits for this
    one's result instead of computing it too (two keys rarely share a file; then one waits a little)."""
    folder = Path(settings.VAR_DIR) / "cache" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % LOCK_FILES}.lock"
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
