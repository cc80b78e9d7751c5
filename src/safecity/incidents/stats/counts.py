"""The counting engine: category × window counts in a handful of grouped, conditional-count queries.

One query each over incidents (grouped by primary offense), offenses (grouped by offense code) and
victims (conditional counts by the offenses each victim is connected to), optionally grouped by
district, beat or month. Each uses the (agency, occurred_date) indexes and returns at most
(#groups × #codes) rows; the folding into categories below touches only those rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import lru_cache
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, TextField
from django.db.models.functions import Cast, TruncMonth

from safecity.incidents.models import Incident, Offense, OffenseCode
from safecity.incidents.stats.categories import CATEGORIES, CODE_CATEGORY, PERSON_CATEGORIES, fold_totals

Windows = dict[str, tuple[dt.date, dt.date]]
Matrix = dict[Any, dict[str, dict[str, int]]]  # group → category → window → count

GROUPS = (None, "district", "beat", "month")


@lru_cache(maxsize=1)
def _code_ids_cached(_version: tuple[int, int]) -> dict[int, str]:
    return dict(OffenseCode.objects.filter(code__in=list(CODE_CATEGORY)).values_list("id", "code"))


def code_ids() -> dict[int, str]:
    """{OffenseCode.id: code} for the codes CompStat uses (all versions of the code table).

    Cached under the table's row count and highest id: a table reloaded with the same number of rows (a
    flushed database, a restored dump) gets new ids, and ids cached before would count nothing."""
    shape = OffenseCode.objects.aggregate(n=Count("id"), top=Max("id"))
    return _code_ids_cached((shape["n"] or 0, shape["top"] or 0))


def merged_spans(windows: Windows) -> list[tuple[dt.date, dt.date]]:
    """The windows' union as sorted, disjoint date ranges."""
    out: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(windows.values()):
        if out and start <= out[-1][1] + dt.timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _in_spans(field: str, spans: list[tuple[dt.date, dt.date]]) -> Q:
    q = Q()
    for start, end in spans:
        q |= Q(**{f"{field}__range": (start, end)})
    return q


def _group_expr(group: str | None, date_field: str, area_prefix: str) -> dict[str, Any]:
    if group is None:
        return {}
    if group == "month":
        return {"g": TruncMonth(date_field)}
    return {"g": F(f"{area_prefix}{group}_id")}


def _victim_conditions() -> dict[str, Q]:
    """A victim counts once, under the most serious person offense it is connected to (NIBRS-to-Summary rule).

    Victims with no recorded offense link (an empty ``offense_codes``) are attributed to their incident's
    most serious offense. Field names are relative to the incident (the query is rooted at the incident).
    """
    unlinked = Q(victim_codes="[]") | Q(victim_codes="")

    def link(*codes: str) -> Q:
        q = Q(primary_offense__in=codes) & unlinked
        for code in codes:
            q |= Q(victim_codes__contains=f'"{code}"')
        return q

    rape_codes = ("11A", "11B", "11C")
    murder = link("09A")
    rape = link(*rape_codes) & ~murder
    agg = link("13A") & ~link("09A", *rape_codes)
    return {"murder": murder, "rape": rape, "agg_assault": agg}


def count_matrix(
    inc_qs: QuerySet[Incident], windows: Windows, *, agency_id: int, group: str | None = None,
    mode: str = "nibrs", extra_victims: bool = False, whole_agency: bool = False,
) -> Matrix:
    """Counts per (group, category, window). ``inc_qs`` must come from ``Incident.objects.restrict()``.

    ``mode``: "nibrs" (victims for person crimes, offenses for property crimes), "incidents" (by top
    charge) or "offenses". Shooting incidents are always incidents and shooting victims always victims.
    With ``extra_victims`` the categories ``fatal_shooting_victims`` and ``fatal_shooting_incidents``
    are added (for the firearm-violence page). ``whole_agency`` says ``inc_qs`` is the agency's restricted
    incidents with no area filter, which allows the faster offense count below.
    """
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")
    if mode not in ("nibrs", "incidents", "offenses"):
        raise ValueError(f"unknown mode {mode!r}")
    spans = merged_spans(windows)
    span = (spans[0][0], spans[-1][1])
    inc = inc_qs.filter(agency_id=agency_id, occurred_date__range=span)
    if len(spans) > 1:  # skip the gaps between windows (e.g. between last year's YTD and this January)
        inc = inc.filter(_in_spans("occurred_date", spans))
    inc = inc.order_by()
    raw: dict[Any, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))

    # 1. Incidents grouped by primary offense (top charge); shootings by flag.
    # occurred_date is never null, so counting it counts rows; unlike the id it is in the covering index,
    # which lets PostgreSQL answer from the index alone.
    ann: dict[str, Any] = {}
    for w, (s, e) in windows.items():
        in_w = Q(occurred_date__range=(s, e))
        ann[f"n__{w}"] = Count("occurred_date", filter=in_w)
        ann[f"s__{w}"] = Count("occurred_date", filter=in_w & Q(is_shooting=True))
        if extra_victims:
            ann[f"f__{w}"] = Count("occurred_date", filter=in_w & Q(is_shooting=True, is_fatal=True))
    g = _group_expr(group, "occurred_date", "")
    inc_rows = inc.annotate(**g).values(*g.keys(), "primary_offense").annotate(**ann).order_by()
    for row in inc_rows:
        key = row.get("g")
        cat = CODE_CATEGORY.get(row["primary_offense"])
        for w in windows:
            raw[key]["shooting_incidents"][w] += row[f"s__{w}"]
            if extra_victims:
                raw[key]["fatal_shooting_incidents"][w] += row[f"f__{w}"]
            if mode == "incidents" and cat:
                raw[key][cat][w] += row[f"n__{w}"]

    # 2. Offenses grouped by code: the restricted incidents joined to their offenses (one pass; the
    #    offense inherits the incident's date, agency and area, so windows and groups read the incident).
    if mode in ("nibrs", "offenses"):
        ids = code_ids()
        wanted = [i for i, code in ids.items() if not (mode == "nibrs" and CODE_CATEGORY[code] in PERSON_CATEGORIES)]
        if whole_agency and group in (None, "month"):
            # Fast path (no join): count the agency's offenses directly on the (agency, occurred_date) index
            # and leave out those of incidents the user may not see. Within an agency restrict() hides
            # incidents only by their sensitivity labels, so the hidden ones are the labelled incidents
            # missing from the restricted set — a small anti-join instead of a join over every offense.
            labelled = Incident.objects.filter(agency_id=agency_id, occurred_date__range=span, sensitivity__gt=0)
            hidden = labelled.exclude(pk__in=inc.filter(sensitivity__gt=0).values("pk")).order_by().values("pk")
            off = Offense.objects.filter(_in_spans("occurred_date", spans), agency_id=agency_id,
                                         occurred_date__range=span, code_id__in=wanted).exclude(
                incident_id__in=hidden).order_by()
            g = _group_expr(group, "occurred_date", "")
            ann = {f"n__{w}": Count("occurred_date", filter=Q(occurred_date__range=(s, e)))
                   for w, (s, e) in windows.items()}
            off_rows: Any = off.annotate(**g).values(*g.keys(), "code_id").annotate(**ann).order_by()
            code_field = "code_id"
        else:
            g = _group_expr(group, "occurred_date", "")
            ann = {f"n__{w}": Count("offenses__id", filter=Q(occurred_date__range=(s, e)))
                   for w, (s, e) in windows.items()}
            off_rows = inc.filter(offenses__code_id__in=wanted).annotate(**g).values(
                *g.keys(), "offenses__code_id").annotate(**ann).order_by()
            code_field = "offenses__code_id"
        for row in off_rows:
            cat = CODE_CATEGORY[ids[row[code_field]]]
            for w in windows:
                raw[row.get("g")][cat][w] += row[f"n__{w}"]

    # 3. Victims of person crimes (NIBRS mode) and shooting victims (always): the restricted violent or
    #    shooting incidents joined to their victims.
    conds = _victim_conditions() if mode == "nibrs" else {}
    conds["shooting_victims"] = Q(victims__is_shot=True)
    if extra_victims:
        conds["fatal_shooting_victims"] = Q(victims__is_shot=True, victims__is_fatal=True)
    vic = inc.filter(Q(is_violent=True) | Q(is_shooting=True)).annotate(
        victim_codes=Cast("victims__offense_codes", TextField()))
    g = _group_expr(group, "occurred_date", "")
    ann = {}
    for w, (s, e) in windows.items():
        in_w = Q(occurred_date__range=(s, e))
        for cat, cond in conds.items():
            ann[f"{cat}__{w}"] = Count("victims__id", filter=in_w & cond)
    if g:
        rows: Any = vic.annotate(**g).values(*g.keys()).annotate(**ann).order_by()
    else:  # one agency: grouping by it yields the single total row
        rows = list(vic.values("agency_id").annotate(**ann).order_by())
    for row in rows:
        for cat in conds:
            for w in windows:
                raw[row.get("g")][cat][w] += row.get(f"{cat}__{w}") or 0

    out: Matrix = {}
    for key, cats in raw.items():
        per_window = {w: fold_totals({c: cats[c][w] for c in cats}) for w in windows}
        names = [c.key for c in CATEGORIES] + (
            ["fatal_shooting_victims", "fatal_shooting_incidents"] if extra_victims else [])
        out[key] = {c: {w: per_window[w].get(c, 0) for w in windows} for c in names}
    return out


def empty_cell(windows: Windows, extra: bool = False) -> dict[str, dict[str, int]]:
    names = [c.key for c in CATEGORIES] + (["fatal_shooting_victims", "fatal_shooting_incidents"] if extra else [])
    return {c: dict.fromkeys(windows, 0) for c in names}
