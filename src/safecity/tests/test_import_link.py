"""The "Import … from a file" link is offered exactly to those the import pages let in: every right the record
type's import needs, in one active agency."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from safecity.conftest import make_persona
from safecity.core import actions, permissions
from safecity.core.actors import SYSTEM
from safecity.core.importing import spec
from safecity.core.models import Agency
from safecity.core.roles import Role
from safecity.core.templatetags.importing import can_import

pytestmark = pytest.mark.django_db

RECORD_TYPES = sorted(spec.names())


@pytest.mark.parametrize("role", list(Role))
def test_the_link_follows_the_rights_in_the_agency(role: Role, agency_a: Agency) -> None:
    user = make_persona(f"p_{role.value}", agency_a, role)
    for name in RECORD_TYPES:
        rt = spec.get(name)
        expected = all(permissions.has_module(user, rt.module, right, agency_a.pk) for right in rt.rights)
        assert can_import(user, name) is expected, (role, name)


def test_anonymous_superuser_and_inactive_agency(agency_a: Agency, ann_analyst) -> None:  # type: ignore[no-untyped-def]
    name = "incidents"
    assert can_import(AnonymousUser(), name) is False
    assert can_import(None, name) is False
    root = make_persona("root", agency_a, superuser=True)
    assert can_import(root, name) is True
    assert can_import(ann_analyst, name) is True
    actions.agency_update(actor=SYSTEM, agency=agency_a, is_active=False)
    assert can_import(type(ann_analyst).objects.get(pk=ann_analyst.pk), name) is False
