"""Factories for use-of-force and body-worn camera tests: state built through the policing actions."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from safecity.core.actors import SYSTEM
from safecity.core.models import Agency
from safecity.policing import actions
from safecity.policing.models import Camera, Officer, OfficerEvent, Recording, Stop, UseOfForceIncident

_serial = itertools.count(1)


def at(text: str) -> dt.datetime:
    """A local (aware) datetime from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=timezone.get_current_timezone())


def make_force(agency: Agency, officers: list[Officer] | Officer, *, when: str = "2025-03-10 14:00",
               injury: str = "minor", firearm: bool = False, case_number: str | None = None,
               subjects: list[Mapping[str, Any]] | None = None, **kwargs: Any) -> UseOfForceIncident:
    officer_list = officers if isinstance(officers, list) else [officers]
    return actions.force_incident_create(
        actor=SYSTEM, agency=agency, case_number=case_number or f"UOF-{next(_serial):05d}", occurred_at=at(when),
        subjects=subjects or [{"sex": "male", "race": "black", "age": 30, "injury": injury,
                               "force_types": ["hands"]}],
        officers=[{"officer": o, "force_types": ["firearm"] if firearm and n == 0 else ["hands"],
                   "firearm_discharged": firearm and n == 0} for n, o in enumerate(officer_list)],
        **kwargs)


def make_camera(agency: Agency, officer: Officer | None = None, *, since: str = "2024-01-01 00:00",
                serial: str | None = None) -> Camera:
    camera = actions.camera_create(actor=SYSTEM, agency=agency, serial=serial or f"BWC{next(_serial):05d}",
                                   model="Axon Body 3")
    if officer is not None:
        actions.camera_assign(actor=SYSTEM, camera=camera, officer=officer, started=at(since))
    return camera


def make_recording(agency: Agency, officer: Officer, start: str, end: str, *, category: str = "non_evidentiary",
                   camera: Camera | None = None, external_id: str | None = None) -> Recording:
    return actions.recording_create(actor=SYSTEM, agency=agency, officer=officer, camera=camera, started=at(start),
                                    ended=at(end), category=category,
                                    external_id=external_id or f"VID{next(_serial):06d}")


def make_stop(agency: Agency, officer: Officer, *, day: dt.date, time: dt.time | None) -> Stop:
    """One stop by the officer (`time` None: not recorded), through `stop_bulk_create`."""
    stop_id = f"S{next(_serial):06d}"
    added = actions.stop_bulk_create(actor=SYSTEM, agency=agency,
                                     rows=[{"stop_id": stop_id, "date": day, "time": time, "officer_id": officer.pk}])
    if added != 1:  # the action skips a stop id already stored; a test must not get someone else's stop
        raise ValueError(f"stop {stop_id} already exists in {agency.ori}")
    return Stop.objects.get(agency=agency, stop_id=stop_id)


def attend(agency: Agency, officer: Officer, **link: Any) -> OfficerEvent:
    kind = "stop" if "stop" in link else "incident" if "incident" in link else "force"
    return actions.officer_event_create(actor=SYSTEM, agency=agency, officer=officer, kind=kind, **link)
