"""Base model for agency-owned, permission-protected records and the restricted queryset they share."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models
from django.db.models import F, Q

from safecity.core.roles import Sensitivity

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from safecity.core.models.users import User


class RestrictedQuerySet(models.QuerySet[Any]):
    """Every selector starts here, so list views, detail views, API endpoints and exports agree."""

    def restrict(self, user: User | AnonymousUser | None, action: str = "view") -> Self:
        from safecity.core.permissions import visibility_filter

        model = self.model
        module: str = model.safecity_module
        agency_field: str = model.agency_field
        grants = visibility_filter(user, module, action)
        if grants is None:
            return self
        if not grants:
            return self.none()
        qs = self
        has_labels = any(f.name == "sensitivity" for f in model._meta.get_fields())
        q = Q()
        for cleared, agency_ids in grants.items():
            agency_q = Q(**{f"{agency_field}__in": sorted(agency_ids)})
            if has_labels:
                # A record is visible only if none of its labels falls outside the user's clearances.
                alias = f"_uncleared_{int(cleared)}"
                qs = qs.alias(**{alias: F("sensitivity").bitand(int(Sensitivity.all() & ~cleared))})
                agency_q &= Q(**{alias: 0})
            q |= agency_q
        return qs.filter(q)


class ProtectedModel(models.Model):
    """An agency-owned record carrying sensitivity labels, read only through `restrict()`."""

    safecity_module: ClassVar[str] = ""
    agency_field: ClassVar[str] = "agency"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sensitivity = models.PositiveSmallIntegerField(
        default=0, help_text="Bit mask of Sensitivity labels; every label narrows who may read the record."
    )
    created = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def sensitivity_labels(self) -> list[str]:
        return Sensitivity.labels(self.sensitivity)
