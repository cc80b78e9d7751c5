"""Parsing in a second process, overlapped with writing in this one.

An import is Python work that holds the GIL (parse, validate, derive, build row tuples) plus the
database's own insert time; in one process they take turns. A forked child runs the read → parse →
validate → encode loop and sends each batch as plain tuples (`store.Encoded`) to the parent, which only
looks up existing numbers, assigns ids and inserts. The child waits for the parent to take batch N before
sending N+1, so it parses N+1 while the parent writes N, and memory stays at about two batches.

Everything else stays in the parent: batches, their audit events and commits (so a kill leaves whole
batches, as before), the heartbeat (beaten while waiting for the child), progress and error storage.
The child never touches the database: it forgets the inherited connections, and the importer turns its
heartbeat off there. If the parent dies the child's next send fails and it exits; if the child dies the
parent stops with an ImportFailure naming it, and the batches written so far stay committed.

`fork` is used (the child inherits the prepared parser, validator and code tables instead of rebuilding
them); where fork or memfd is unavailable, or for files under IMPORT_WORKER_MIN_BYTES, parsing stays
in-process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from multiprocessing import reduction
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from django.conf import settings

from safecity.core.importing.errors import ImportFailure

POLL_SECONDS = 1.0  # how often the waiting parent beats (rate-limited further by IMPORT_HEARTBEAT_SECONDS)


def use_worker(size: int) -> bool:
    """Parse in a child process for files of at least IMPORT_WORKER_MIN_BYTES (negative: never)."""
    threshold = int(getattr(settings, "IMPORT_WORKER_MIN_BYTES", 1 << 20))
    return (0 <= threshold <= size and "fork" in multiprocessing.get_all_start_methods()
            and hasattr(os, "memfd_create"))  # Linux; elsewhere parsing stays in-process


def _forget_connections() -> None:
    """The child shares the parent's database sockets; it must never speak on them (nor close them)."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.connection = None


def _send_batch(conn: Connection, item: Any) -> None:
    """A batch travels as an anonymous memory file (memfd) whose descriptor is passed over the socket.

    Through the pipe itself a 10 MB batch moves in 64 KB turns, each needing both processes scheduled;
    on a busy machine those hand-offs dominated (200,000 rows on the shared 2-core machine: 2.38x the bare
    baseline through the pipe, 1.71x with memfd). The memfd has no name on any file system, so nothing is
    left behind if either process is killed.
    """
    data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    fd = os.memfd_create("safecity-import-batch", os.MFD_CLOEXEC)
    try:
        view, written = memoryview(data), 0
        while written < len(data):
            written += os.write(fd, view[written:])
        conn.send(("batch", len(data)))
        reduction.send_handle(conn, fd, os.getppid())
    finally:
        os.close(fd)


def _receive_batch(conn: Connection, size: int) -> Any:
    fd = reduction.recv_handle(conn)
    try:
        parts, offset = [], 0
        while offset < size:
            part = os.pread(fd, size - offset, offset)
            if not part:
                break
            parts.append(part)
            offset += len(part)
    finally:
        os.close(fd)
    return pickle.loads(b"".join(parts))  # noqa: S301  written by our own child process


def _run_child(produce: Callable[[], Iterator[Any]], conn: Connection, parent_end: Connection) -> None:
    parent_end.close()
    _forget_connections()
    try:
        try:
            unacknowledged = False
            for item in produce():
                if unacknowledged:
                    conn.recv()  # the parent has taken the previous batch: at most two are ever in memory
                _send_batch(conn, item)
                unacknowledged = True
        except (BrokenPipeError, ConnectionResetError, EOFError):
            os._exit(0)  # the parent is gone (killed or failed); nothing is left to do
        except ImportFailure as exc:
            conn.send(("failure", (exc.field, exc.message)))
        except BaseException:  # noqa: BLE001  reported to the parent, which raises it
            conn.send(("error", traceback.format_exc()))
        else:
            conn.send(("done", None))
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)
    finally:
        conn.close()


class ParseWorker:
    """`with ParseWorker(produce) as w: for item in w.batches(wait=beat): …` — produce() runs in a forked child."""

    def __init__(self, produce: Callable[[], Iterator[Any]]) -> None:
        self.produce = produce
        self.context = multiprocessing.get_context("fork")
        self.process: Any = None
        self.conn: Connection | None = None

    def __enter__(self) -> ParseWorker:
        mine, theirs = self.context.Pipe(duplex=True)  # a socket pair: it can carry file descriptors
        self.process = self.context.Process(target=_run_child, args=(self.produce, theirs, mine),
                                            name="safecity-import-parser", daemon=True)
        self.process.start()
        theirs.close()  # only the child holds its end; that end closing is how the parent sees it die
        self.conn = mine
        return self

    def batches(self, wait: Callable[[], None]) -> Iterator[Any]:
        conn = self.conn
        assert conn is not None, "use ParseWorker as a context manager"
        while True:
            while not conn.poll(POLL_SECONDS):
                wait()
            try:
                kind, payload = conn.recv()
                if kind == "batch":
                    batch = _receive_batch(conn, payload)
                    # After its last batch the child may already have finished; its "done" is still to be read.
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        conn.send("ack")
            except (EOFError, ConnectionResetError, OSError):
                self.process.join(5)
                raise ImportFailure("worker", f"the parsing process stopped unexpectedly (exit code "
                                              f"{self.process.exitcode}); batches written so far are kept, "
                                              "run the import again to finish") from None
            if kind == "batch":
                yield batch
            elif kind == "done":
                return
            elif kind == "failure":
                raise ImportFailure(*payload)
            else:
                raise RuntimeError(f"the parsing process failed:\n{payload}")

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.conn is not None:
            self.conn.close()  # a child waiting to send or for an acknowledgement now fails and exits
        if self.process is not None:
            self.process.join(2)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
