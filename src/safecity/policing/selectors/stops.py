"""Stop reads: the stop list and record, import batches, and the equity analyses (through the result cache)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from safecity.analytics.errors import InputError
from safecity.analytics.stops import GroupRates, OutcomeRow, outcome_test, stop_rates
from safecity.analytics.veil import veil_of_darkness
from safecity.core import resultcache
from safecity.core.actors import is_system
from safecity.core.models import Agency, District
from safecity.core.roles import AGGREGATE, Module
from safecity.policing.models import Officer, Stop, StopImportBatch, StopType


def stop_list(*, user: Any, action: str = "view") -> QuerySet[Stop]:
    return Stop.objects.restrict(user, action).select_related("agency", "district", "beat", "officer").order_by(
        "-date", "-time", "-id")


def stop_get(*, user: Any, public_id: Any, action: str = "view") -> Stop:
    return stop_list(user=user, action=action).get(public_id=public_id)


def stop_import_batch_list(*, user: Any) -> QuerySet[StopImportBatch]:
    return StopImportBatch.objects.restrict(user, "view").select_related("agency")


def officer_ids_by_employee_id(*, actor: Any, agency: Agency) -> dict[str, int]:
    """employee id → officer pk for linking imported stops; a system actor (the command line) sees the roster
    of the agency it imports for, a person the officers they may see."""
    officers = Officer.objects.all() if is_system(actor) else Officer.objects.restrict(actor, "view")
    return dict(officers.filter(agency=agency).values_list("employee_id", "pk"))


# ---- equity analyses ------------------------------------------------------------------------------------

MIN_VEIL_STOPS = 300  # fewer Black/White stops than this in the window: the estimate is not shown
VEIL_MINORITY, VEIL_MAJORITY = "black", "white"
RACE_ORDER = ("white", "black", "hispanic", "asian/pacific islander", "other", "unknown")


@dataclass(frozen=True)
class VeilRow:
    """One veil-of-darkness fit (or why there is none): city-wide, city-wide with district effects, a district."""

    scope: str  # "city", "city_fe" or a district code
    label: str
    result: dict[str, Any] | None  # VeilResult.to_dict()
    note: str  # why there is no result, or ""


@dataclass(frozen=True)
class Equity:
    """Stop equity figures for the stops a user may count, in one district or all, over a period."""

    district: str  # "" = all districts
    district_name: str
    start: dt.date | None
    end: dt.date | None
    stops: int
    rates: list[GroupRates] = field(default_factory=list)
    outcome: list[OutcomeRow] = field(default_factory=list)
    veil: list[VeilRow] = field(default_factory=list)


def _districts(user: Any) -> QuerySet[District]:
    from safecity.core import selectors as core_selectors

    return core_selectors.district_list(user=user, module=Module.POLICING).defer("geometry")


def _race_key(name: str) -> int:
    return RACE_ORDER.index(name) if name in RACE_ORDER else len(RACE_ORDER)


def _stops(user: Any, start: dt.date | None, end: dt.date | None) -> QuerySet[Stop]:
    qs = Stop.objects.restrict(user, AGGREGATE)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs


def _rates_and_outcome(user: Any, district: str, start: dt.date | None,
                       end: dt.date | None) -> tuple[int, list[GroupRates], list[OutcomeRow]]:
    qs = _stops(user, start, end)
    if district:
        qs = qs.filter(district__code=district)
    rows = list(qs.values_list("subject_race", "search_conducted", "arrest_made", "contraband_found"))
    if not rows:
        return 0, [], []
    groups = [r[0] for r in rows]
    searched = [r[1] for r in rows]
    rates = stop_rates(groups, searched, [r[2] for r in rows])
    try:
        outcome = outcome_test(groups, searched, [r[3] for r in rows])
    except InputError:
        outcome = []  # no search at all: no hit rates to show
    rates.sort(key=lambda g: _race_key(g.group))
    outcome.sort(key=lambda o: _race_key(o.group))
    return len(rows), rates, outcome


def _veil_rows(user: Any, start: dt.date | None, end: dt.date | None) -> list[VeilRow]:
    from django.conf import settings

    qs = _stops(user, start, end).filter(
        type=StopType.VEHICULAR, time__isnull=False, lat__isnull=False, lng__isnull=False,
        subject_race__in=(VEIL_MINORITY, VEIL_MAJORITY))
    # The filter above excludes null times and coordinates.
    data: list[tuple[Any, ...]] = list(qs.values_list("date", "time", "subject_race", "lat", "lng",
                                                      "district__code"))
    names = dict(_districts(user).values_list("code", "name"))

    def fit(scope: str, label: str, idx: list[int] | None, effects: bool) -> VeilRow:
        rows = data if idx is None else [data[i] for i in idx]
        if effects:
            rows = [r for r in rows if r[5]]
        try:
            result = veil_of_darkness(
                [r[0] for r in rows], [r[1].hour * 60 + r[1].minute for r in rows], [r[2] for r in rows],
                [r[3] for r in rows], [r[4] for r in rows], minority=VEIL_MINORITY, majority=VEIL_MAJORITY,
                districts=[r[5] for r in rows] if effects else None, timezone=settings.TIME_ZONE)
        except InputError as exc:
            return VeilRow(scope, label, None, f"no estimate: {exc}")
        if result.n < MIN_VEIL_STOPS:
            return VeilRow(scope, label, None, f"not enough stops in the inter-twilight window (n={result.n}; "
                                               f"at least {MIN_VEIL_STOPS} needed)")
        return VeilRow(scope, label, result.to_dict(), "")

    out = [fit("city", "All districts", None, False),
           fit("city_fe", "All districts, with district fixed effects", None, True)]
    by_district: dict[str, list[int]] = {}
    for i, row in enumerate(data):
        if row[5]:
            by_district.setdefault(row[5], []).append(i)
    for code in sorted(by_district):
        out.append(fit(code, f"{names.get(code, code)} ({code})", by_district[code], False))
    return out


def stop_equity(*, user: Any, district: str = "", start: dt.date | None = None,
                end: dt.date | None = None, with_veil: bool = True) -> Equity:
    """Counts and shares by race, search and arrest rates, the outcome test and the veil of darkness, for the
    stops `user` may count (in one district when given), through the result cache: the key holds the user's
    visibility and the agencies' data versions, so an import or the demo makes older entries unreachable."""
    params = {"district": district, "start": start, "end": end}

    def rates() -> tuple[int, list[GroupRates], list[OutcomeRow]]:
        return _rates_and_outcome(user, district, start, end)

    count, group_rates, outcome = resultcache.cached(
        user=user, module=Module.POLICING, analysis="policing.stops.rates", params=params, compute=rates)
    veil: list[VeilRow] = []
    if with_veil:  # the model fits are the heavy part; the dashboard tile needs only the rates
        veil = resultcache.cached(user=user, module=Module.POLICING, analysis="policing.stops.veil",
                                  params={"start": start, "end": end}, compute=lambda: _veil_rows(user, start, end))
    if district:
        veil = [v for v in veil if v.scope in ("city", "city_fe", district)]
    name = _districts(user).filter(code=district).values_list("name", flat=True).first() if district else ""
    return Equity(district=district, district_name=name or "", start=start, end=end, stops=count,
                  rates=group_rates, outcome=outcome, veil=veil)


@dataclass(frozen=True)
class StopsTile:
    """The dashboard's stop-disparity figures: search rate by race with 95% Wilson intervals."""

    stops: int
    rows: list[GroupRates]


def dashboard_stops(*, user: Any) -> StopsTile:
    equity = stop_equity(user=user, with_veil=False)
    return StopsTile(stops=equity.stops, rows=[r for r in equity.rates if r.group != "unknown"])
