"""Reads of incidents and import batches. Every one starts from `Model.objects.restrict(user, action)`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery

from safecity.core import resultcache
from safecity.core.roles import Module
from safecity.incidents.models import (
    Arrestee,
    CodeTableVersion,
    ImportBatch,
    ImportRowError,
    Incident,
    Offense,
    OffenseCode,
)
from safecity.incidents.stats.coverage import Coverage, SourceCoverage

# Clearance status of an incident (NIBRS Data Element 4, cleared exceptionally; an arrestee segment means
# cleared by arrest). Used by the incident list's `status` filter.
STATUS_CHOICES = [("open", "Open (not cleared)"), ("cleared-arrest", "Cleared by arrest"),
                  ("cleared-exceptionally", "Cleared exceptionally")]
NOT_CLEARED_EXCEPTIONALLY = ("", "N")


def incident_list(*, user: Any, agency_ori: str = "", action: str = "view") -> QuerySet[Incident]:
    """Incidents the user may `action`, newest first, each with `primary_offense_name` (from the code table
    in force) so lists, CSV and API show the name beside the code without a query per row. The area's boundary
    (a polygon per row) is never shown with an incident: it stays in the database."""
    current = CodeTableVersion.objects.order_by("-effective_from").values("pk")[:1]
    name = OffenseCode.objects.filter(version=Subquery(current), code=OuterRef("primary_offense")).values("name")[:1]
    qs = Incident.objects.restrict(user, action).select_related("agency", "district", "beat").defer(
        "district__geometry", "beat__geometry").annotate(primary_offense_name=Subquery(name))
    if agency_ori:
        qs = qs.filter(agency__ori=agency_ori.upper())
    # Newest first; occurred_date leads so the (agency, occurred_date) index gives the order (see kit.py).
    return qs.order_by("-occurred_date", "-occurred_from", "-id")


def incident_get(*, user: Any, public_id: Any, action: str = "view") -> Incident:
    """Raises Incident.DoesNotExist both for unknown ids and for records the user may not see."""
    return incident_list(user=user, action=action).prefetch_related("offenses__code", "victims").get(
        public_id=public_id)


SOURCES_CACHE_SECONDS = 300


def data_coverage(*, user: Any, agency_id: int) -> Coverage:
    """The first and last day with incidents the user may see in the agency, overall and per source.

    Read from the incidents themselves, so it is right however the data arrived: import, a record typed in
    by hand or the demo (see ``incidents.stats.coverage``). The window, which every analysis computes with,
    is two ordered reads on the (agency, occurred_date) index (about 1 ms on the 86,000-incident demo) and
    is never cached. The per-source breakdown is a grouped scan of the agency's rows (about 150 ms there) and
    is informational, so it is cached for a few minutes under the restricted query and the window: a new
    first or last day recomputes it at once, other changes show within ``SOURCES_CACHE_SECONDS``.
    """
    qs = Incident.objects.restrict(user, "view").filter(agency_id=agency_id).order_by()
    dates = qs.values_list("occurred_date", flat=True)
    first, last = dates.order_by("occurred_date").first(), dates.order_by("-occurred_date").first()
    if first is None or last is None:
        return Coverage(first=None, last=None, sources=[])
    key = "coverage-sources:" + hashlib.sha256(f"{qs.query}|{first}|{last}".encode()).hexdigest()
    sources: list[SourceCoverage] | None = cache.get(key)
    if sources is None:
        rows = qs.values("source").annotate(first=Min("occurred_date"), last=Max("occurred_date"), n=Count("pk"))
        sources = sorted((SourceCoverage(source=r["source"] or "unknown", first=r["first"], last=r["last"],
                                         incidents=r["n"]) for r in rows), key=lambda s: (s.first, s.source))
        cache.set(key, sources, SOURCES_CACHE_SECONDS)
    return Coverage(first=first, last=last, sources=sources)


def incident_counts_in_beats(
    *, user: Any, agency_id: int, beat_codes: Sequence[str], periods: Sequence[tuple[dt.date, dt.date]],
    offense_codes: Sequence[str] = (),
) -> list[int]:
    """How many incidents the user may view lie in these beats of one agency, one count per inclusive period.

    For other modules that assess a place (a problem-solving project's before/after counts): one grouped
    query over the (agency, beat, date) index. With `offense_codes`, an incident counts when any of its
    offenses has one of the codes (as the incident list's `offense` filter). No beats: zeros.
    """
    if not beat_codes or not periods:
        return [0] * len(periods)
    # Through the result cache: the key holds the caller's visibility and the agencies' data versions, so a
    # write to the incidents makes the entry unreachable at once (`core.resultcache`).
    params = {"agency": agency_id, "beats": sorted(beat_codes), "periods": [list(p) for p in periods],
              "offenses": sorted(c.upper() for c in offense_codes)}
    return resultcache.cached(user=user, module=Module.INCIDENTS, analysis="incidents.counts_in_beats",
                              params=params, compute=lambda: _counts_in_beats(user, agency_id, beat_codes,
                                                                              periods, offense_codes))


def _counts_in_beats(user: Any, agency_id: int, beat_codes: Sequence[str],
                     periods: Sequence[tuple[dt.date, dt.date]], offense_codes: Sequence[str]) -> list[int]:
    qs: QuerySet[Incident] = Incident.objects.restrict(user, "view").filter(agency_id=agency_id,
                                                                         beat__code__in=list(beat_codes))
    if offense_codes:
        qs = with_offenses(qs, list(offense_codes))
    counts = qs.order_by().aggregate(**{
        f"p{i}": Count("pk", filter=Q(occurred_date__gte=start, occurred_date__lte=end))
        for i, (start, end) in enumerate(periods)})
    return [int(counts[f"p{i}"] or 0) for i in range(len(periods))]


def with_offense(qs: QuerySet[Incident], code: str) -> QuerySet[Incident]:
    """Incidents with any offense of this NIBRS code (not only the primary one)."""
    return qs.filter(Exists(Offense.objects.filter(incident=OuterRef("pk"), code__code=code.upper())))


def _with_any_offense(qs: QuerySet[Incident], **code_lookup: Any) -> QuerySet[Incident]:
    return qs.filter(Exists(Offense.objects.filter(incident=OuterRef("pk"), **code_lookup)))


def with_offenses(qs: QuerySet[Incident], codes: list[str]) -> QuerySet[Incident]:
    """Incidents with any offense of these NIBRS codes (not only the primary one)."""
    return _with_any_offense(qs, code__code__in=[c.upper() for c in codes])


def with_offense_group(qs: QuerySet[Incident], group: str) -> QuerySet[Incident]:
    """Incidents with any Group A (or B) offense."""
    return _with_any_offense(qs, code__group=group)


def with_crime_against(qs: QuerySet[Incident], against: str) -> QuerySet[Incident]:
    """Incidents with any offense against persons / property / society."""
    return _with_any_offense(qs, code__crime_against=against)


def with_offense_category(qs: QuerySet[Incident], category: str) -> QuerySet[Incident]:
    """Incidents with any offense in this NIBRS offense category ("Assault Offenses" …)."""
    return _with_any_offense(qs, code__category=category)


# The firearm filter: NIBRS weapon/force codes (any offense) and the shooting flags derived at import.
FIREARM_CHOICES = [("yes", "Firearm involved"), ("no", "No firearm"),
                   ("shooting", "Shooting (firearm used against a person)"), ("fatal", "Fatal shooting")]


def with_firearm(qs: QuerySet[Incident], value: str) -> QuerySet[Incident]:
    if value == "yes":
        return qs.filter(is_firearm=True)
    if value == "no":
        return qs.filter(is_firearm=False)
    if value == "shooting":
        return qs.filter(is_shooting=True)
    return qs.filter(is_shooting=True, is_fatal=True)  # "fatal"


LOCATED_CHOICES = [("yes", "On the map (has coordinates)"), ("no", "Not on the map")]


def with_location(qs: QuerySet[Incident], value: str) -> QuerySet[Incident]:
    located = Q(latitude__isnull=False, longitude__isnull=False)
    return qs.filter(located if value == "yes" else ~located)


def _current_code_rows() -> list[tuple[str, str, str]]:
    from safecity.incidents.codes import current_code_rows

    return current_code_rows()


def offense_code_choices(user: Any = None) -> list[tuple[str, str]]:
    """(code, "code — name") of the code table in force: reference data every user may read."""
    return [(code, f"{code} — {name}") for code, name, _ in _current_code_rows()]


def offense_category_choices(user: Any = None) -> list[tuple[str, str]]:
    cats = sorted({category for _, _, category in _current_code_rows() if category})
    return [(c, c) for c in cats]


def with_status(qs: QuerySet[Incident], status: str) -> QuerySet[Incident]:
    arrested = Exists(Arrestee.objects.filter(incident=OuterRef("pk")))
    exceptionally = ~Q(cleared_exceptionally__in=NOT_CLEARED_EXCEPTIONALLY)
    if status == "cleared-arrest":
        return qs.filter(arrested)
    if status == "cleared-exceptionally":
        return qs.filter(exceptionally)
    return qs.filter(~arrested & ~exceptionally)  # "open"


def import_batch_list(*, user: Any, action: str = "view") -> QuerySet[ImportBatch]:
    """Import batches of the agencies where the user may `action` incidents, newest first."""
    return ImportBatch.objects.restrict(user, action).select_related("agency", "started_by").order_by(
        "-started_at", "-id")


def import_batch_get(*, user: Any, batch_id: int, action: str = "view") -> ImportBatch:
    """Raises ImportBatch.DoesNotExist both for unknown ids and for another agency's batches."""
    return import_batch_list(user=user, action=action).get(pk=batch_id)


def import_error_list(*, user: Any, batch: ImportBatch) -> QuerySet[ImportRowError]:
    """The stored rejected rows of a batch the caller has already fetched through `import_batch_get`."""
    visible = import_batch_list(user=user).filter(pk=batch.pk)
    return ImportRowError.objects.filter(batch__in=visible).order_by("line", "id")


def offense_codes_current() -> dict[str, OffenseCode]:
    """The offence-code table in force, by code. Reference data every user may read, so no `user` argument."""
    from safecity.incidents.codes import current_codes

    return current_codes()
