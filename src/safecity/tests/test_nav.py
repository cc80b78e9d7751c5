"""The menu offers a page only to users the page would let in: module right, action and, for pages of
labelled records only (personnel files), the clearance."""

from __future__ import annotations

from typing import Any

import pytest

from safecity.core.nav import menu_for
from safecity.core.roles import Role

pytestmark = pytest.mark.django_db


def labels(user: Any) -> set[str]:
    return {link["label"] for group in menu_for(user, "/") for link in group["links"]}


def test_personnel_pages_are_offered_only_to_cleared_roles(persona: Any) -> None:
    analyst, oversight, command = persona(Role.ANALYST), persona(Role.OVERSIGHT), persona(Role.COMMAND)
    assert "Officers" in labels(analyst)  # the module right alone opens the roster
    assert "Early-intervention flags" not in labels(analyst)
    assert "Early-intervention evaluation" not in labels(analyst)
    assert {"Early-intervention flags", "Early-intervention evaluation"} <= labels(oversight)
    assert {"Early-intervention flags", "Early-intervention evaluation"} <= labels(command)
