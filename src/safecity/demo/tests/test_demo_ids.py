"""Finding 12 (issue 6): demo public ids came from uuid5 of a namespace printed in the source, so anyone with
the source could compute the URL of every demo incident. Public ids are now random; tests that need the same
ids twice pass a seeded generator explicitly."""

from __future__ import annotations

import datetime as dt
import inspect
import random
import re
import uuid

import pytest

from safecity.core.models import Agency
from safecity.demo import build as demo_build
from safecity.demo import incidents as demo_incidents
from safecity.demo.build import POLICE_ORI, _agencies, _geography
from safecity.demo.incidents import generate_incidents
from safecity.incidents.models import Incident

END = dt.date(2026, 6, 30)
SCALE = 0.02


@pytest.fixture
def riverton(db) -> Agency:  # type: ignore[no-untyped-def]
    agencies = _agencies()
    _geography(agencies[POLICE_ORI], random.Random(2026))
    return agencies[POLICE_ORI]


def _ids(agency: Agency) -> dict[str, uuid.UUID]:
    return dict(Incident.objects.filter(agency=agency).values_list("incident_number", "public_id"))


def _derivable(number: str, ori: str, public_id: uuid.UUID) -> bool:
    """Could the id be computed from what the source and the page show (name-based UUIDs of any namespace
    that appears in the demo source, or of the standard ones)?"""
    source = inspect.getsource(demo_incidents) + inspect.getsource(demo_build)
    spaces = [uuid.UUID(m) for m in re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                                                 source)]
    spaces += [uuid.NAMESPACE_DNS, uuid.NAMESPACE_URL, uuid.NAMESPACE_OID, uuid.NAMESPACE_X500]
    names = [f"{ori}/{number}", number, f"{ori}{number}"]
    return any(public_id in (uuid.uuid5(ns, n), uuid.uuid3(ns, n)) for ns in spaces for n in names)


def test_default_demo_builds_get_different_unguessable_ids(riverton: Agency) -> None:
    generate_incidents(agency=riverton, seed=5, scale=SCALE, end=END)
    first = _ids(riverton)
    assert len(first) > 100
    for number, public_id in first.items():
        assert not _derivable(number, riverton.ori, public_id), f"{number}: {public_id} computed from the source"
        assert public_id.version == 4, public_id
    Incident.objects.filter(agency=riverton).delete()
    generate_incidents(agency=riverton, seed=5, scale=SCALE, end=END)  # same seed, same data …
    second = _ids(riverton)
    assert first.keys() == second.keys()
    shared = set(first.values()) & set(second.values())
    assert not shared, f"{len(shared)} of {len(first)} ids repeat across two builds"  # … but fresh ids


def test_seeded_ids_are_reproducible_when_a_test_asks(riverton: Agency) -> None:
    generate_incidents(agency=riverton, seed=5, scale=SCALE, end=END, ids=random.Random(42))
    first = _ids(riverton)
    Incident.objects.filter(agency=riverton).delete()
    generate_incidents(agency=riverton, seed=5, scale=SCALE, end=END, ids=random.Random(42))
    assert _ids(riverton) == first
    assert all(i.version == 4 for i in first.values())
    Incident.objects.filter(agency=riverton).delete()
    generate_incidents(agency=riverton, seed=5, scale=SCALE, end=END, ids=random.Random(43))
    assert not set(_ids(riverton).values()) & set(first.values())
