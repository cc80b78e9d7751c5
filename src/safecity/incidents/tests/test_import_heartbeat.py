"""Finding 11: an import killed midway stayed `running` forever. Batches now beat; a silent one is shown as
interrupted (web list, result page, API) and the re-run of the same file links to it."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from safecity.core.models import Agency, User
from safecity.incidents.importers import ImportOptions, run_import
from safecity.incidents.models import ImportBatch, Incident
from safecity.incidents.tests.test_import_formats import FIXTURES

pytestmark = [pytest.mark.django_db]
SAMPLE = FIXTURES / "lapd_sample.csv"


def _killed(batch: ImportBatch, minutes_ago: int) -> None:
    """What a SIGKILL leaves: status still `running`, last sign of life `minutes_ago`."""
    then = timezone.now() - dt.timedelta(minutes=minutes_ago)
    left = {"status": "running", "finished_at": None, "started_at": then}
    if any(f.name == "heartbeat" for f in ImportBatch._meta.fields):  # (so this also runs on the code before)
        left["heartbeat"] = then
    ImportBatch.objects.filter(pk=batch.pk).update(**left)


def test_a_batch_that_stopped_beating_is_shown_as_interrupted(
        ann_analyst: User, agency_a: Agency, signed_in: Callable[[User], Client],
        api_token: Callable[[User], str], settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_DIR = tmp_path
    batch = run_import(ImportOptions(path=SAMPLE, agency=agency_a, fmt="lapd", actor=ann_analyst)).batch
    _killed(batch, 60)  # the default threshold is 10 minutes
    web = signed_in(ann_analyst)
    listing = web.get("/incidents/import/").content.decode()
    assert '"Status">interrupted</td>' in listing and ">running</td>" not in listing
    page = web.get(f"/incidents/import/{batch.pk}/").content.decode()
    assert "— interrupted" in page and "stopped without finishing" in page
    api = Client().get(f"/api/v1/imports/{batch.pk}", HTTP_AUTHORIZATION=f"Bearer {api_token(ann_analyst)}")
    assert api.json()["status"] == "interrupted"


def test_a_running_batch_with_a_recent_heartbeat_is_still_running(ann_analyst: User, agency_a: Agency,
                                                                  settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_DIR = tmp_path
    batch = run_import(ImportOptions(path=SAMPLE, agency=agency_a, fmt="lapd", actor=ann_analyst)).batch
    _killed(batch, 0)
    batch.refresh_from_db()
    assert batch.shown_status == "running" and not batch.is_interrupted


def test_the_rerun_of_an_interrupted_file_links_to_it(ann_analyst: User, agency_a: Agency,
                                                      signed_in: Callable[[User], Client], settings: Any,
                                                      tmp_path: Path) -> None:
    settings.IMPORT_DIR = tmp_path
    first = run_import(ImportOptions(path=SAMPLE, agency=agency_a, fmt="lapd", actor=ann_analyst)).batch
    _killed(first, settings.IMPORT_STALE_MINUTES + 5)
    client = signed_in(ann_analyst)
    preview = client.post("/incidents/import/", {"agency": agency_a.pk, "fmt": "lapd",
                                                 "file": SimpleUploadedFile("again.csv", SAMPLE.read_bytes())})
    client.post("/incidents/import/commit/", {"token": preview.context["token"]})
    second = ImportBatch.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert second.rerun_of == first and first.status == "interrupted"
    assert (second.rows_unchanged, second.rows_imported) == (12, 0)  # idempotent: nothing twice
    assert Incident.objects.filter(agency=agency_a).count() == 12
    assert "Re-run as <a" in client.get(f"/incidents/import/{first.pk}/").content.decode()
    assert "Re-run of the interrupted" in client.get(f"/incidents/import/{second.pk}/").content.decode()
    other_file = run_import(ImportOptions(path=FIXTURES / "bad_rows_chicago.csv", agency=agency_a, fmt="chicago",
                                          actor=ann_analyst)).batch
    assert other_file.rerun_of is None


def test_heartbeat_is_written_while_a_long_batch_is_parsed(agency_a: Agency, settings: Any,
                                                           tmp_path: Path) -> None:
    """Between commits (one batch can take minutes) the run still beats every IMPORT_HEARTBEAT_SECONDS."""
    settings.IMPORT_DIR = tmp_path
    settings.IMPORT_HEARTBEAT_SECONDS = 0
    source = tmp_path / "many.csv"
    source.write_text(_lapd_rows(2500), encoding="utf-8")
    beats: list[tuple[int, dt.datetime]] = []

    def progress(done: int) -> None:
        batch = ImportBatch.objects.order_by("-pk").first()
        if batch is not None:
            beats.append((batch.rows_total, batch.heartbeat))

    # strict: a first pass validates every row before anything is committed, and reports progress per row
    result = run_import(ImportOptions(path=source, agency=agency_a, fmt="lapd", strict=True, progress=progress))
    assert result.imported == 2500
    before_any_commit = {beat for total, beat in beats if total == 0}
    assert len(before_any_commit) >= 3  # the start, then a beat after row 1000 and after row 2000


def _lapd_rows(count: int, start: int = 250000000) -> str:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header, row = lines[0], lines[1].split(",", 1)[1]
    return header + "\n" + "".join(f"{start + i},{row}\n" for i in range(count))


@pytest.mark.slow
def test_sigkill_mid_import_then_rerun(tmp_path: Path) -> None:
    """The real thing: `safecity import incidents` on a file database, killed with SIGKILL after its first
    batches, leaves a `running` batch; once silent it is interrupted and the re-run links to it."""
    env = {**os.environ, "SAFECITY_VAR_DIR": str(tmp_path), "SAFECITY_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
           "SAFECITY_IMPORT_STALE_MINUTES": "0", "CI": "1"}
    env.pop("DATABASE_URL", None)
    cli = [str(Path(sys.executable).parent / "safecity")]
    subprocess.run([*cli, "manage", "migrate", "-v0"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "manage", "shell", "-c",
                    "from safecity.core import actions; from safecity.core.actors import SYSTEM; "
                    "actions.agency_create(actor=SYSTEM, ori='ZZ0000001', "
                    "name='Alpha', agency_type='police', jurisdiction='Alpha', state='ZZ')"],
                   env=env, check=True, capture_output=True)
    source = tmp_path / "big.csv"
    source.write_text(_lapd_rows(40000), encoding="utf-8")
    command = [*cli, "import", "incidents", str(source), "--agency", "ZZ0000001", "--format", "lapd",
               "--batch-size", "500"]
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    db = sqlite3.connect(tmp_path / "db.sqlite3", timeout=30)
    deadline = time.monotonic() + 120
    committed = 0
    while time.monotonic() < deadline and run.poll() is None:
        row = db.execute("SELECT rows_total FROM incidents_importbatch ORDER BY id DESC LIMIT 1").fetchone()
        committed = row[0] if row else 0
        if committed >= 1000:
            run.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    first_id, status = db.execute("SELECT id, status FROM incidents_importbatch").fetchone()
    assert status == "running"  # what a kill leaves behind; shown as interrupted once the heartbeat is stale
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert done.returncode == 0, done.stderr
    rows = db.execute("SELECT id, status, rerun_of_id, rows_imported, rows_unchanged FROM incidents_importbatch "
                      "ORDER BY id").fetchall()
    assert rows[0][:2] == (first_id, "interrupted")
    second = rows[1]
    assert second[1:3] == ("done", first_id) and second[3] + second[4] == 40000 and second[4] >= 1000
    assert db.execute("SELECT COUNT(*) FROM incidents_incident").fetchone()[0] == 40000
    db.close()
