"""Real worker processes for tests that must cross a process boundary (shared rate limits, database locks).

`run_workers` starts one OS process per worker (`python -m safecity.core.tests.workers SPEC`), each a
complete Django site on the same database as the test (the PostgreSQL test database, or a file copy of the
SQLite one) and the same rate-limit store. Each worker warms up, says it is ready, waits until every file in
`wait_for` exists (a barrier, so the workers' requests overlap) and then sends its requests with Django's
test client, printing `[[status, Retry-After], ...]` as JSON.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve()


def database_env(tmp_path: Path) -> dict[str, str]:
    """Environment that points a worker at the test's database (call inside a transactional test)."""
    from django.db import connection

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SAFECITY_SQLITE_PATH"}}
    env["DJANGO_SETTINGS_MODULE"] = "safecity.settings"
    env.update(_audit_env())
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings_dict.get("USER") or "")
        password = quote(settings_dict.get("PASSWORD") or "")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        env["DATABASE_URL"] = (f"postgres://{auth}{settings_dict.get('HOST') or '127.0.0.1'}:"
                               f"{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}")
        return env
    connection.ensure_connection()
    if connection.is_in_memory_db():
        path = tmp_path / "shared.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
    else:
        path = Path(settings_dict["NAME"])
    env["SAFECITY_SQLITE_PATH"] = str(path)
    return env


def _audit_env() -> dict[str, str]:
    """The test's audit key, keyring and checkpoint file: a worker signing with a key of its own would find
    the chain signed by a key it does not hold and refuse every audited write."""
    from django.conf import settings

    return {"SAFECITY_AUDIT_KEY": settings.AUDIT_KEY, "SAFECITY_AUDIT_KEY_FILE": str(settings.AUDIT_KEY_FILE),
            "SAFECITY_AUDIT_KEYRING": str(settings.AUDIT_KEYRING_DIR),
            "SAFECITY_AUDIT_CHECKPOINT_FILE": str(settings.AUDIT_CHECKPOINT_FILE)}


def start_worker(env: dict[str, str], name: str, barrier: Path, wait_for: list[str],
                 requests: list[dict[str, Any]], frozen_at: float | None = None,
                 login_as: str = "") -> subprocess.Popen[str]:
    spec = {"name": name, "barrier": str(barrier), "wait_for": wait_for, "requests": requests,
            "frozen_at": frozen_at, "login_as": login_as}
    return subprocess.Popen([sys.executable, "-m", "safecity.core.tests.workers", json.dumps(spec)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def result(proc: subprocess.Popen[str], timeout: float = 180) -> list[list[Any]]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"worker failed ({proc.returncode}): {err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])


def wait_for_file(path: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"timed out waiting for {path.name}"
        time.sleep(0.02)


def _main(spec: dict[str, Any]) -> None:
    import django

    django.setup()
    from django.test import Client

    client = Client()
    if spec["login_as"]:
        from safecity.conftest import verified_client
        from safecity.core.models import User

        client = verified_client(User.objects.get(username=spec["login_as"]))
    client.raise_request_exception = False  # answer as a server would, not by raising in the test
    client.get("/healthz")  # load URL conf, middleware and templates before the barrier
    barrier = Path(spec["barrier"])
    (barrier / f"ready-{spec['name']}").touch()
    for name in spec["wait_for"]:
        wait_for_file(barrier / name)
    results: list[list[Any]] = []

    def send() -> None:
        for req in spec["requests"]:
            resp = getattr(client, req["method"])(req["path"], req.get("data") or {}, **req.get("headers", {}))
            results.append([resp.status_code, resp.get("Retry-After"), resp.content.decode(errors="replace")[:20000]])

    if spec["frozen_at"] is not None:
        import time_machine

        with time_machine.travel(spec["frozen_at"], tick=True):
            send()
    else:
        send()
    (barrier / f"done-{spec['name']}").touch()
    print(json.dumps(results))


if __name__ == "__main__":
    _main(json.loads(sys.argv[1]))
