"""Parsing in a second process, overlapped with writing in this one.

An import is Python work that holds the GIL (parse, validate, derive, build row tuples) plus the
database's own insert time; in one process they take turns. A forked child runs the read → parse →
validate → encode loop and sends each batch as plain tuples (`store.Encoded`) through a pipe; the parent
only looks up existing numbers, assigns ids and inserts. The pipe holds one batch, so the child parses
batch N+1 while the parent writes batch N, and memory stays at about two batches.

Everything else stays in the parent: batches, their audit events and commits (so a kill leaves whole
batches, as before), the heartbeat (beaten while waiting for the child), progress and error storage.
The child never touches the database: it forgets the inherited connections, and the importer turns its
heartbeat off there. If the parent dies the child's next send fails and it exits; if the child dies the
parent stops with an ImportFailure naming it, and the batches written so far stay committed.

`fork` is used (the child inherits the prepared parser, validator and code tables instead of rebuilding
them); where it is unavailable, or for files under IMPORT_WORKER_MIN_BYTES, parsing stays in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from django.conf import settings

from safecity.incidents.importers.records import ImportFailure

POLL_SECONDS = 1.0  # how often the waiting parent beats (rate-limited further by IMPORT_HEARTBEAT_SECONDS)


def use_worker(size: int) -> bool:
    """Parse in a child process for files of at least IMPORT_WORKER_MIN_BYTES (negative: never)."""
    threshold = int(getattr(settings, "IMPORT_WORKER_MIN_BYTES", 1 << 20))
    return 0 <= threshold <= size and "fork" in multiprocessing.get_all_start_methods()


def _forget_connections() -> None:
    """The child shares the parent's database sockets; it must never speak on them (nor close them)."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.connection = None


def _run_child(produce: Callable[[], Iterator[Any]], send: Connection, receive: Connection) -> None:
    receive.close()
    _forget_connections()
    try:
        try:
            for item in produce():
                send.send_bytes(pickle.dumps(("batch", item), protocol=pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, ConnectionResetError):
            os._exit(0)  # the parent is gone (killed or failed); nothing is left to do
        except ImportFailure as exc:
            send.send_bytes(pickle.dumps(("failure", (exc.field, exc.message))))
        except BaseException:  # noqa: BLE001  reported to the parent, which raises it
            send.send_bytes(pickle.dumps(("error", traceback.format_exc())))
        else:
            send.send_bytes(pickle.dumps(("done", None)))
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)
    finally:
        send.close()


class ParseWorker:
    """`with ParseWorker(produce) as w: for item in w.batches(wait=beat): …` — produce() runs in a forked child."""

    def __init__(self, produce: Callable[[], Iterator[Any]]) -> None:
        self.produce = produce
        self.context = multiprocessing.get_context("fork")
        self.process: Any = None
        self.receive: Connection | None = None

    def __enter__(self) -> ParseWorker:
        receive, send = self.context.Pipe(duplex=False)
        self.process = self.context.Process(target=_run_child, args=(self.produce, send, receive),
                                            name="safecity-import-parser", daemon=True)
        self.process.start()
        send.close()  # only the child writes; its end closing is how the parent sees it die
        self.receive = receive
        return self

    def batches(self, wait: Callable[[], None]) -> Iterator[Any]:
        receive = self.receive
        assert receive is not None, "use ParseWorker as a context manager"
        while True:
            while not receive.poll(POLL_SECONDS):
                wait()
            try:
                kind, payload = pickle.loads(receive.recv_bytes())  # noqa: S301  from our own child process
            except EOFError:
                self.process.join(5)
                raise ImportFailure("worker", f"the parsing process stopped unexpectedly (exit code "
                                              f"{self.process.exitcode}); batches written so far are kept, "
                                              "run the import again to finish") from None
            if kind == "batch":
                yield payload
            elif kind == "done":
                return
            elif kind == "failure":
                raise ImportFailure(*payload)
            else:
                raise RuntimeError(f"the parsing process failed:\n{payload}")

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.receive is not None:
            self.receive.close()  # a child blocked on a send now fails and exits
        if self.process is not None:
            self.process.join(2)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
