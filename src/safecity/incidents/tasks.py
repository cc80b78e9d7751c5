"""Daily housekeeping for imports, run by `safecity tasks daily` (registered in apps.py)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from safecity.core.actions import audited
from safecity.core.actors import TASKS

# Staged folders are named by secrets.token_urlsafe(16) in import_views; anything else there is left alone.
STAGED_NAME = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _newest_change(folder: Path) -> float:
    return max([folder.stat().st_mtime, *(p.stat().st_mtime for p in folder.rglob("*"))])


def purge_staged_uploads(now: dt.datetime | None = None) -> int:
    """Remove previews nobody committed, older than IMPORT_STAGING_MAX_AGE_HOURS; audited when any went.

    An abandoned preview is a whole uploaded file (up to SAFECITY_MAX_UPLOAD_MB) holding CJI: left alone,
    they fill the disk and keep data nobody imported.
    """
    root = Path(settings.IMPORT_STAGING_DIR)
    if not root.is_dir():
        return 0
    max_age = dt.timedelta(hours=settings.IMPORT_STAGING_MAX_AGE_HOURS)
    cutoff = ((now or timezone.now()) - max_age).timestamp()
    removed: list[tuple[str, int]] = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.is_symlink() or not STAGED_NAME.fullmatch(folder.name):
            continue
        if _newest_change(folder) >= cutoff:
            continue
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append((folder.name[:6], size))
    if removed:
        with audited(actor=TASKS, action="import.staging_purge") as frame:
            frame.extra = {"removed": len(removed), "bytes": sum(size for _, size in removed),
                           "max_age_hours": settings.IMPORT_STAGING_MAX_AGE_HOURS,
                           "folders": [f"{prefix}…" for prefix, _ in removed][:100]}
    return len(removed)


def rebuild_deferred_indexes() -> list[str]:
    """Indexes (and, on PostgreSQL, foreign keys) a killed bulk import dropped and never rebuilt
    (core/importing/indexes.py); reads need the indexes, and the keys guard every later write."""
    from django.db import connection

    from safecity.incidents.importers.store import repair_deferred

    if connection.in_atomic_block:
        return []
    return repair_deferred()


def daily(now: dt.datetime) -> str:
    rebuilt = rebuild_deferred_indexes()
    return (f"staged uploads removed: {purge_staged_uploads(now)} "
            f"(previews older than {settings.IMPORT_STAGING_MAX_AGE_HOURS} hours)"
            + (f"; rebuilt indexes left out by an interrupted import: {', '.join(rebuilt)}" if rebuilt else ""))
