"""Scheduled work of the policing module, run by `safecity tasks daily` (registered in apps.py)."""

from __future__ import annotations
