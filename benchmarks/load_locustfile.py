"""Locust users for `bench_load.py`: each is one signed-in person opening one page over and over.

Read from the environment (set by bench_load.py): BENCH_LOAD_SESSIONS (a JSON file of session cookies, one
per signed-in user, made through the real sign-in form), BENCH_LOAD_PATH (the page), BENCH_LOAD_WAIT_MIN and
BENCH_LOAD_WAIT_MAX (seconds a person spends on the page before the next request; 0 and 0 = back to back),
BENCH_LOAD_EXPECT (text the answer must contain). A redirect (to the sign-in page), an error status or a page
without the expected text counts as a failure.
"""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

SESSIONS: list[dict[str, str]] = json.loads(open(os.environ["BENCH_LOAD_SESSIONS"]).read())  # noqa: SIM115
PATH = os.environ["BENCH_LOAD_PATH"]
EXPECT = os.environ.get("BENCH_LOAD_EXPECT", "")
WAIT_MIN = float(os.environ.get("BENCH_LOAD_WAIT_MIN", "1"))
WAIT_MAX = float(os.environ.get("BENCH_LOAD_WAIT_MAX", "3"))
_next_session = itertools.count()


class SignedInUser(FastHttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX) if WAIT_MAX > 0 else constant(0)

    def on_start(self) -> None:
        cookies = SESSIONS[next(_next_session) % len(SESSIONS)]
        self.cookie_header = "; ".join(f"{k}={v}" for k, v in cookies.items())

    @task
    def open_page(self) -> None:
        headers: dict[str, Any] = {"Cookie": self.cookie_header}
        with self.client.get(PATH, headers=headers, name=PATH, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif EXPECT and EXPECT not in (response.text or ""):
                response.failure(f"page without {EXPECT!r}")
