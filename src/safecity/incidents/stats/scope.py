"""Which agency and area a statistic covers, resolved against what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Max, QuerySet, When
from django.utils import timezone

from safecity.core import dataversion, resultcache
from safecity.core import selectors as core_selectors
from safecity.core.models import Agency, AgencyType, Beat, District
from safecity.core.permissions import ensure_module
from safecity.core.roles import AGGREGATE, Module
from safecity.incidents.models import Incident
from safecity.incidents.stats.coverage import Coverage

EARLIEST = dt.date(1900, 1, 1)
# The agency parameter's value for the roll-up. An ORI is always nine characters, so it cannot be one.
ALL = "ALL"


def visible_agencies(user: Any) -> QuerySet[Agency]:
    """Agencies whose incidents the user may view (superusers: every active agency)."""
    return core_selectors.agencies_where(user=user, module=Module.INCIDENTS, action="view")


def default_agency(user: Any) -> Agency | None:
    """The home agency when it holds incidents the user can see; else the first that does, police first (a
    city government's staff land on the city's police department, not on an empty page for the city)."""
    agencies = visible_agencies(user)
    seen = Incident.objects.restrict(user, "view")
    home = getattr(user, "home_agency_id", None)
    if home and agencies.filter(pk=home).exists() and seen.filter(agency_id=home).exists():
        return agencies.get(pk=home)
    with_data = agencies.filter(pk__in=seen.values("agency_id")[:1000]).order_by(
        Case(When(agency_type=AgencyType.POLICE, then=0), default=1), "name")
    return with_data.first() or (agencies.get(pk=home) if home and agencies.filter(pk=home).exists()
                                 else agencies.first())


def rollup_members(user: Any) -> tuple[Agency, ...]:
    """The agencies of the roll-up: those the user may see that hold incidents the user may see.

    Agencies without incidents (the city government, the fire department) would add nothing to the counts
    but their population to the rates, so they are left out.
    """
    seen = Incident.objects.restrict(user, AGGREGATE)
    return tuple(a for a in visible_agencies(user) if seen.filter(agency=a).exists())


def prefers_rollup(user: Any) -> bool:
    """City roles (a user whose home agency is the city government) start from the roll-up: a mayor's or a
    city administrator's question is the whole city, and their home agency holds no incidents of its own."""
    home = getattr(user, "home_agency", None)
    return home is not None and home.agency_type == AgencyType.CITY


@dataclass(frozen=True)
class Scope:
    """An agency, optionally narrowed to one district or one beat; or the roll-up of several agencies.

    For the roll-up ``members`` lists the agencies summed and ``agency`` is the first of them (so code that
    needs one agency's geography still has one); everything that counts reads ``agencies``.
    """

    agency: Agency
    district: District | None = None
    beat: Beat | None = None
    members: tuple[Agency, ...] = ()

    @property
    def is_rollup(self) -> bool:
        return bool(self.members)

    @property
    def agencies(self) -> tuple[Agency, ...]:
        return self.members or (self.agency,)

    @property
    def ori(self) -> str:
        """The agency parameter that selects this scope (an ORI, or ``ALL`` for the roll-up)."""
        return ALL if self.is_rollup else self.agency.ori

    def population(self, year: int) -> int | None:
        """Residents covered in ``year``: the area's figure, the agency's for the year, or the roll-up's sum.

        None when any part has no figure: a rate over part of the population would be wrong, not rough."""
        if self.beat is not None:
            return self.beat.population
        if self.district is not None:
            return self.district.population
        total = 0
        for agency in self.agencies:
            pop = agency.population(year)
            if not pop:
                return None
            total += pop
        return total

    def area_name(self, area: Any) -> str:
        """An area's name; in the roll-up with its agency, since two agencies may both have a "North District"."""
        return f"{area.name}, {area.agency.name}" if self.is_rollup else str(area.name)

    @property
    def label(self) -> str:
        if self.is_rollup:
            return "All agencies you can see (" + ", ".join(a.name for a in self.members) + ")"
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

    def incidents(self, user: Any, action: str = AGGREGATE) -> QuerySet[Incident]:
        """The restricted incident queryset for this scope — the start of every aggregate (what the user may
        count: ``core.roles.ROLE_AGGREGATE_CLEARANCES``). Analyses that draw single incidents (map points)
        pass ``view``: a point is a record."""
        qs = Incident.objects.restrict(user, action)
        if self.is_rollup:
            return qs.filter(agency__in=[a.pk for a in self.members]).order_by()
        qs = qs.filter(agency=self.agency)
        if self.beat is not None:
            qs = qs.filter(beat=self.beat)
        elif self.district is not None:
            qs = qs.filter(district=self.district)
        return qs.order_by()

    @property
    def sub_level(self) -> str | None:
        """The "by area" rule: the roll-up by agency, an agency by district, a district by beat, a beat not at all."""
        if self.is_rollup:
            return "agency"
        if self.beat is not None:
            return None
        return "beat" if self.district is not None else "district"

    def areas(self, level: str) -> QuerySet[Any]:
        """The districts or beats (``level``) that lie in this scope or contain it, by code."""
        # Published boundaries: read through core's selectors, which need no user for one agency.
        if self.is_rollup:
            if level not in ("district", "beat"):
                raise ValueError(f"unknown area level {level!r}")
            parts = [Scope(a).areas(level) for a in self.members]
            combined = parts[0]
            for part in parts[1:]:
                combined = combined | part
            return combined.order_by("agency__name", "code")
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


def resolve_scope(user: Any, agency: str = "", area: str = "", *, rollup_allowed: bool = True) -> Scope:
    """Resolve ?agency=ORI|ALL&area=district:CODE|beat:CODE. Unknown or invisible → ValidationError (422)."""
    ensure_module(user, Module.INCIDENTS, "view")
    agencies = visible_agencies(user)
    agency = (agency or "").strip().upper()
    if not agency and rollup_allowed and prefers_rollup(user):
        agency = ALL
    if agency == ALL:
        if not rollup_allowed:
            raise ValidationError({"agency": "This analysis covers one agency at a time: choose one."})
        if (area or "").strip():
            raise ValidationError({"area": "Choose one agency to narrow to a district or beat."})
        members = rollup_members(user)
        if not members:
            raise ValidationError({"agency": "You may not see any agency's incidents."})
        return Scope(members[0], members=members)
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


def area_choices(agency: Agency | None) -> list[tuple[str, str]]:
    if agency is None:  # the roll-up: areas belong to one agency each
        return [("", "Whole agency")]
    # Every analysis page builds this list: kept in this process's memory under the agency's data version,
    # which every change to its districts and beats raises (building it compiled two joined queries).
    version = ".".join(str(n) for row in dataversion.versions([agency.pk]) for n in row)
    return list(resultcache.get_or_compute_local(f"area-choices:{agency.pk}:{version}",
                                                 lambda: _area_choices(agency)))


def _area_choices(agency: Agency) -> list[tuple[str, str]]:
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
    ids = sorted(a.pk for a in scope.agencies)

    def compute() -> dt.date | None:
        return Incident.objects.restrict(user, AGGREGATE).filter(
            agency__in=ids, occurred_date__lte=today()).aggregate(m=Max("occurred_date"))["m"]

    # Every analysis page without an as-of asks this; on PostgreSQL the MAX over the visible incidents was a
    # sixth of a warm CompStat request. Keyed like the analyses (visibility, data versions, day).
    latest = resultcache.cached(user=user, module=Module.INCIDENTS, analysis="latest-date",
                                params={"agencies": ids}, compute=compute)
    return latest or today()


def as_of_bounds() -> tuple[dt.date, dt.date]:
    """The dates an analysis may be run for (tomorrow allowed: an agency ahead of the server's time zone)."""
    return EARLIEST, today() + dt.timedelta(days=1)


def coverage_of(user: Any, scope: Scope) -> Coverage:
    """The agency's data coverage as the user sees it (per agency, also for a district or beat scope)."""
    from safecity.incidents.selectors import data_coverage

    if scope.is_rollup:
        return Coverage.combine([(a.name, data_coverage(user=user, agency_id=a.pk)) for a in scope.members])
    return data_coverage(user=user, agency_id=scope.agency.pk)


def check_as_of(as_of: dt.date | None, user: Any, scope: Scope) -> dt.date:
    """The chosen date, or the latest date with data. A date outside the agency's coverage is refused (naming
    ``as_of`` and the window): every period ending then would be "no data", which reads like a city with no
    crime. The calendar bounds are checked with the other parameters."""
    if as_of is None:
        return latest_date(user, scope)
    coverage = coverage_of(user, scope)
    if not coverage.empty and not coverage.contains(as_of):
        raise ValidationError({"as_of": f"No data on file for {scope.label} on {as_of.isoformat()}: its "
                                        f"incidents run from {coverage.window}. Choose a date in that window."})
    return as_of
