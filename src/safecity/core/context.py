"""Who is acting, from where and why: set by the request middleware, the CLI and jobs."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ActingContext:
    source_ip: str | None = None
    user_agent: str = ""
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    purpose: str = ""
    channel: str = "system"


_current: ContextVar[ActingContext | None] = ContextVar("safecity_acting_context", default=None)


def current() -> ActingContext:
    return _current.get() or ActingContext()


@contextlib.contextmanager
def acting(ctx: ActingContext) -> Iterator[ActingContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
