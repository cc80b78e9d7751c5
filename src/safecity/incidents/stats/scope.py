"""Which agency and area a statistic covers, resolved against what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.utils import timezone

from safecity.core import selectors as core_selectors
from safecity.core.models import Agency, Beat, District
from safecity.core.permissions import ensure_module
from safecity.core.roles import Module
from safecity.incidents.models import Incident
from safecity.incidents.stats.coverage import Coverage

EARLIEST = dt.date(1900, 1, 1)


def visible_agencies(user: Any) -> QuerySet[Agency]:
    """Agencies whose incidents the user may view (superusers: every active agency)."""
    return core_selectors.agencies_where(user=user, module=Module.INCIDENTS, action="view")


def default_agency(user: Any) -> Agency | None:
    agencies = visible_agencies(user)
    home = getattr(user, "home_agency_id", None)
    if home and agencies.filter(pk=home).exists():
        return agencies.get(pk=home)
    with_data = agencies.filter(pk__in=Incident.objects.restrict(user, "view").values("agency_id")[:1000])
    return with_data.first() or agencies.first()


@dataclass(frozen=True)
class Scope:
    """An agency, optionally narrowed to one district or one beat."""

    agency: Agency
    district: District | None = None
    beat: Beat | None = None

    @property
    def label(self) -> str:
        if self.beat is not None:
            return f"{self.agency.name}, {self.beat.name}"
        if self.district is not None:
            return f"{self.agency.name}, {self.district.name}"
        return f"{self.agency.name} (agency-wide)"

    @property
    def area_param(self) -> str:
        if self.beat is not None:
            return f"beat:{self.beat.code}"
        if self.district is not None:
            return f"district:{self.district.code}"
        return ""

    def incidents(self, user: Any) -> QuerySet[Incident]:
        """The restricted incident queryset for this scope — the start of every aggregate."""
        qs = Incident.objects.restrict(user, "view").filter(agency=self.agency)
        if self.beat is not None:
            qs = qs.filter(beat=self.beat)
        elif self.district is not None:
            qs = qs.filter(district=self.district)
        return qs.order_by()

    @property
    def sub_level(self) -> str | None:
        """The "by area" rule: an agency is broken down by district, a district by beat, a beat not at all."""
        if self.beat is not None:
            return None
        return "beat" if self.district is not None else "district"

    def areas(self, level: str) -> QuerySet[Any]:
        """The districts or beats (``level``) that lie in this scope or contain it, by code."""
        # Published boundaries: read through core's selectors, which need no user for one agency.
        if level == "district":
            qs: QuerySet[Any] = core_selectors.district_list(user=None, agency=self.agency)
            if self.district is not None:
                qs = qs.filter(pk=self.district.pk)
        elif level == "beat":
            qs = core_selectors.beat_list(user=None, agency=self.agency)
            if self.beat is not None:
                qs = qs.filter(pk=self.beat.pk)
            elif self.district is not None:
                qs = qs.filter(district=self.district)
        else:
            raise ValueError(f"unknown area level {level!r}")
        return qs.order_by("code")


def resolve_scope(user: Any, agency: str = "", area: str = "") -> Scope:
    """Resolve ?agency=ORI&area=district:CODE|beat:CODE. Unknown or invisible → ValidationError (422)."""
    ensure_module(user, Module.INCIDENTS, "view")
    agencies = visible_agencies(user)
    if agency:
        found = agencies.filter(ori=agency.strip().upper()[:9]).first()
        if found is None:
            raise ValidationError({"agency": "Unknown agency, or you may not see its incidents."})
    else:
        found = default_agency(user)
        if found is None:
            raise ValidationError({"agency": "You may not see any agency's incidents."})
    scope = Scope(found)
    area = (area or "").strip()
    if area:
        kind, _, code = area.partition(":")
        if kind == "district":
            d = core_selectors.district_list(user=user, agency=found).filter(code=code[:20]).first()
            if d is None:
                raise ValidationError({"area": f"No district {code!r} in {found.ori}."})
            scope = Scope(found, district=d)
        elif kind == "beat":
            b = core_selectors.beat_list(user=user, agency=found).filter(code=code[:20]).first()
            if b is None:
                raise ValidationError({"area": f"No beat {code!r} in {found.ori}."})
            scope = Scope(found, district=b.district, beat=b)
        else:
            raise ValidationError({"area": "Use district:CODE or beat:CODE."})
    return scope


def area_choices(agency: Agency) -> list[tuple[str, str]]:
    choices = [("", "Whole agency")]
    # Names only: every analysis page builds this list, and decoding each polygon cost more than the page.
    for d in core_selectors.district_list(user=None, agency=agency).defer("geometry"):  # published: no user needed
        choices.append((f"district:{d.code}", d.name))
    for b in core_selectors.beat_list(user=None, agency=agency).defer("geometry", "district__geometry"):
        choices.append((f"beat:{b.code}", f"{b.name} ({b.district.name})"))
    return choices


def today() -> dt.date:
    return timezone.localdate()


def latest_date(user: Any, scope: Scope) -> dt.date:
    """Latest incident date the user can see in the agency (not after today); today when there is none."""
    latest = Incident.objects.restrict(user, "view").filter(
        agency=scope.agency, occurred_date__lte=today()).aggregate(m=Max("occurred_date"))["m"]
    return latest or today()


def as_of_bounds() -> tuple[dt.date, dt.date]:
    """The dates an analysis may be run for (tomorrow allowed: an agency ahead of the server's time zone)."""
    return EARLIEST, today() + dt.timedelta(days=1)


def coverage_of(user: Any, scope: Scope) -> Coverage:
    """The agency's data coverage as the user sees it (per agency, also for a district or beat scope)."""
    from safecity.incidents.selectors import data_coverage

    return data_coverage(user=user, agency_id=scope.agency.pk)


def check_as_of(as_of: dt.date | None, user: Any, scope: Scope) -> dt.date:
    """The chosen date, or the latest date with data. A date outside the agency's coverage is refused (naming
    ``as_of`` and the window): every period ending then would be "no data", which reads like a city with no
    crime. The calendar bounds are checked with the other parameters."""
    if as_of is None:
        return latest_date(user, scope)
    coverage = coverage_of(user, scope)
    if not coverage.empty and not coverage.contains(as_of):
        raise ValidationError({"as_of": f"No data on file for {scope.agency.name} on {as_of.isoformat()}: its "
                                        f"incidents run from {coverage.window}. Choose a date in that window."})
    return as_of
