"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint is one JSON line: `{"v": 1, "seq": N, "head": "<hash of event N>", "time": "<UTC>",
"key_id": "<key id>", "sig": "<HMAC-SHA-256>"}`, signed with the chain's current key. `safecity tasks daily`
and `safecity audit checkpoint` send it to every sink in `SAFECITY_AUDIT_CHECKPOINT_SINKS`:

* `file` (default): append to `SAFECITY_AUDIT_CHECKPOINT_FILE` (O_APPEND, 0600); `file:/path` for another file;
* `syslog://host[:port]` (UDP, default port 514) or `syslog:/dev/log` (a local socket), facility authpriv;
* `http://…` or `https://…`: an external witness that receives the line as a JSON POST.

`verify_chain` reads a checkpoint file and fails when a line's signature is bad or the chain is shorter than,
or differs from, a checkpoint. Someone with SQL access can rewrite the database but not these copies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

from safecity.core import audit_keys

_SIG_LABEL = b"safecity audit checkpoint\n"
_SYSLOG_TAG = "safecity-audit-checkpoint"
HTTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    time: str
    key_id: str
    sig: str = ""

    def payload(self) -> bytes:
        body = {"v": 1, "seq": self.seq, "head": self.head, "time": self.time, "key_id": self.key_id}
        return _SIG_LABEL + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> str:
        return json.dumps({"v": 1, "seq": self.seq, "head": self.head, "time": self.time, "key_id": self.key_id,
                           "sig": self.sig}, sort_keys=True, separators=(",", ":"))


def sign(seq: int, head: str, key: audit_keys.AuditKey, now: dt.datetime | None = None) -> Checkpoint:
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    unsigned = Checkpoint(seq, head, moment, key.key_id)
    sig = hmac.new(key.secret, unsigned.payload(), hashlib.sha256).hexdigest()
    return Checkpoint(seq, head, moment, key.key_id, sig)


def signature_ok(checkpoint: Checkpoint, ring: dict[str, audit_keys.AuditKey]) -> bool:
    key = ring.get(checkpoint.key_id)
    if key is None:
        return False
    return hmac.compare_digest(hmac.new(key.secret, checkpoint.payload(), hashlib.sha256).hexdigest(),
                               checkpoint.sig)


def parse_line(text: str) -> Checkpoint:
    """One checkpoint line; ValueError saying what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("not a JSON checkpoint") from None
    if not isinstance(data, dict) or data.get("v") != 1:
        raise ValueError("not a version-1 checkpoint")
    seq, head, time, key_id, sig = (data.get(k) for k in ("seq", "head", "time", "key_id", "sig"))
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError("seq must be a whole number ≥ 0")
    if not all(isinstance(v, str) and v for v in (head, time, key_id, sig)):
        raise ValueError("head, time, key_id and sig must be non-empty strings")
    return Checkpoint(seq, str(head), str(time), str(key_id), str(sig))


@dataclass(frozen=True)
class Labelled:
    checkpoint: Checkpoint
    where: str


@dataclass(frozen=True)
class BadCheckpoint:
    where: str
    reason: str


def load(path: Path, ring: dict[str, audit_keys.AuditKey]) -> tuple[list[Labelled], BadCheckpoint | None]:
    """Every checkpoint in `path`, or the first line that is malformed or wrongly signed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], BadCheckpoint(f"checkpoint file {path}", f"cannot be read ({exc})")
    found: list[Labelled] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"checkpoint line {number} of {path}"
        try:
            checkpoint = parse_line(raw)
        except ValueError as exc:
            return found, BadCheckpoint(where, str(exc))
        if checkpoint.key_id not in ring:
            return found, BadCheckpoint(where, f"signed with key {checkpoint.key_id}, which is not in the keyring")
        if not signature_ok(checkpoint, ring):
            reason = f"the signature does not match: checkpoint #{checkpoint.seq} was altered"
            return found, BadCheckpoint(where, reason)
        found.append(Labelled(checkpoint, where))
    return found, None


# ---- sinks -------------------------------------------------------------------------------------------


class Sink(Protocol):
    name: str

    def write(self, line: str) -> None: ...


class FileSink:
    """Appends with O_APPEND, so concurrent writers never interleave or overwrite earlier lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"file:{path}"

    def write(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)


def _raising_syslog_handler(address: tuple[str, int] | str) -> logging.Handler:
    # Imported here, not at module level: `core.checks` imports this module at every command's start-up,
    # and the socket, syslog and HTTP machinery is needed only when a checkpoint is written.
    import logging.handlers
    import socket

    class RaisingSysLogHandler(logging.handlers.SysLogHandler):
        def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802  the stdlib's name
            raise  # noqa: PLE0704  called inside emit's except block: a lost checkpoint must not pass silently

    handler = RaisingSysLogHandler(address=address, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV,
                                   socktype=socket.SOCK_DGRAM if isinstance(address, tuple) else None)
    handler.append_nul = False  # the line stays exactly what `parse_line` reads back
    return handler


class SyslogSink:
    def __init__(self, address: tuple[str, int] | str, name: str) -> None:
        self.address = address
        self.name = name

    def write(self, line: str) -> None:
        handler = _raising_syslog_handler(self.address)
        try:
            handler.emit(logging.LogRecord(_SYSLOG_TAG, logging.WARNING, __file__, 0, f"{_SYSLOG_TAG}: {line}",
                                           None, None))
        finally:
            handler.close()


class HttpSink:
    """An external witness: the checkpoint line is POSTed as JSON; any answer but 2xx is a failure."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = url

    def write(self, line: str) -> None:
        import urllib.request

        request = urllib.request.Request(self.url, data=line.encode(), method="POST",  # noqa: S310  http(s) only
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise OSError(f"witness answered HTTP {response.status}")


def parse_sink(spec: str) -> Sink:
    """A sink from one entry of SAFECITY_AUDIT_CHECKPOINT_SINKS; ValueError naming the entry if malformed."""
    if spec == "file":
        return FileSink(Path(settings.AUDIT_CHECKPOINT_FILE))
    if spec.startswith("file:") and len(spec) > len("file:"):
        return FileSink(Path(spec.removeprefix("file:")))
    if spec.startswith("syslog://"):
        host, _, port = spec.removeprefix("syslog://").rstrip("/").partition(":")
        if not host or (port and not port.isdigit()):
            raise ValueError(f"SAFECITY_AUDIT_CHECKPOINT_SINKS: {spec!r} must look like syslog://host:514")
        return SyslogSink((host, int(port or 514)), spec)
    if spec.startswith("syslog:/"):
        return SyslogSink(spec.removeprefix("syslog:"), spec)
    if spec.startswith(("http://", "https://")):
        return HttpSink(spec)
    raise ValueError(f"SAFECITY_AUDIT_CHECKPOINT_SINKS: unknown sink {spec!r} "
                     "(use file, file:/path, syslog://host:port, syslog:/dev/log or an http(s) URL)")


def configured_sinks(out: Path | None = None) -> list[Sink]:
    """The configured sinks; `out` replaces the configured file(s) with that file."""
    sinks = [parse_sink(spec) for spec in settings.AUDIT_CHECKPOINT_SINKS]
    if out is not None:
        sinks = [FileSink(out), *(s for s in sinks if not isinstance(s, FileSink))]
    return sinks


@dataclass(frozen=True)
class WriteResult:
    checkpoint: Checkpoint
    written: list[str]
    failed: list[str]

    @property
    def ok(self) -> bool:
        return not self.failed


def write_checkpoint(out: Path | None = None) -> WriteResult:
    """Sign the chain's current head and send it to every sink; a failing sink does not stop the others."""
    from safecity.core import audit

    seq, head, key = audit.head_and_key()
    checkpoint = sign(seq, head, key)
    line = checkpoint.line()
    written, failed = [], []
    for sink in configured_sinks(out):
        try:
            sink.write(line)
        except (OSError, ValueError) as exc:
            failed.append(f"{sink.name}: {exc}")
        else:
            written.append(sink.name)
    return WriteResult(checkpoint, written, failed)


def describe(result: WriteResult) -> list[str]:
    lines = [f"audit checkpoint: #{result.checkpoint.seq} {result.checkpoint.head} written to "
             + (", ".join(result.written) or "no sink")]
    lines += [f"audit checkpoint FAILED for {failure}" for failure in result.failed]
    return lines
