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

from django.db.models import Count, F, Q, QuerySet, TextField
from django.db.models.functions import Cast, TruncMonth

from safecity.incidents.models import Incident, Offense, OffenseCode, Victim
from safecity.incidents.stats.categories import CATEGORIES, CODE_CATEGORY, PERSON_CATEGORIES, fold_totals

Windows = dict[str, tuple[dt.date, dt.date]]
Matrix = dict[Any, dict[str, dict[str, int]]]  # group → category → window → count

GROUPS = (None, "district", "beat", "month")


@lru_cache(maxsize=1)
def _code_ids_cached(_version: int) -> dict[int, str]:
    return dict(OffenseCode.objects.filter(code__in=list(CODE_CATEGORY)).values_list("id", "code"))


def code_ids() -> dict[int, str]:
    """{OffenseCode.id: code} for the codes CompStat uses (all versions of the code table)."""
    return _code_ids_cached(OffenseCode.objects.count())


def _group_expr(group: str | None, date_field: str, area_prefix: str) -> dict[str, Any]:
    if group is None:
        return {}
    if group == "month":
        return {"g": TruncMonth(date_field)}
    return {"g": F(f"{area_prefix}{group}_id")}


def _victim_conditions() -> dict[str, Q]:
    """A victim counts once, under the most serious person offense it is connected to (§1.4)."""
    def has(*codes: str) -> Q:
        q = Q()
        for code in codes:
            q |= Q(codes_text__contains=f'"{code}"')
        return q

    murder = has("09A")
    rape = has("11A", "11B", "11C") & ~murder
    agg = has("13A") & ~has("09A", "11A", "11B", "11C")
    return {"murder": murder, "rape": rape, "agg_assault": agg}


def count_matrix(
    inc_qs: QuerySet[Incident], windows: Windows, *, agency_id: int, group: str | None = None,
    mode: str = "nibrs", extra_victims: bool = False,
) -> Matrix:
    """Counts per (group, category, window). ``inc_qs`` must come from ``Incident.objects.restrict()``.

    ``mode``: "nibrs" (victims for person crimes, offenses for property crimes), "incidents" (by top
    charge) or "offenses". Shooting incidents are always incidents and shooting victims always victims.
    With ``extra_victims`` the categories ``fatal_shooting_victims`` and ``fatal_shooting_incidents``
    are added (for the firearm-violence page).
    """
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")
    if mode not in ("nibrs", "incidents", "offenses"):
        raise ValueError(f"unknown mode {mode!r}")
    span = (min(s for s, _ in windows.values()), max(e for _, e in windows.values()))
    inc = inc_qs.filter(agency_id=agency_id, occurred_date__range=span).order_by()
    raw: dict[Any, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))

    # 1. Incidents grouped by primary offense (top charge); shootings by flag.
    ann: dict[str, Any] = {}
    for w, (s, e) in windows.items():
        in_w = Q(occurred_date__range=(s, e))
        ann[f"n__{w}"] = Count("pk", filter=in_w)
        ann[f"s__{w}"] = Count("pk", filter=in_w & Q(is_shooting=True))
        if extra_victims:
            ann[f"f__{w}"] = Count("pk", filter=in_w & Q(is_shooting=True, is_fatal=True))
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

    # 2. Offenses grouped by code (offense.occurred_date is copied from the incident: no join to count).
    if mode in ("nibrs", "offenses"):
        ids = code_ids()
        off = Offense.objects.filter(
            agency_id=agency_id, occurred_date__range=span, code_id__in=list(ids),
            incident__in=inc.values("pk"),
        ).order_by()
        g = _group_expr(group, "occurred_date", "incident__")
        ann = {f"n__{w}": Count("pk", filter=Q(occurred_date__range=(s, e))) for w, (s, e) in windows.items()}
        for row in off.annotate(**g).values(*g.keys(), "code_id").annotate(**ann).order_by():
            cat = CODE_CATEGORY[ids[row["code_id"]]]
            if mode == "nibrs" and cat in PERSON_CATEGORIES:
                continue
            for w in windows:
                raw[row.get("g")][cat][w] += row[f"n__{w}"]

    # 3. Victims of person crimes (NIBRS mode) and shooting victims (always).
    conds = _victim_conditions() if mode == "nibrs" else {}
    conds["shooting_victims"] = Q(is_shot=True)
    if extra_victims:
        conds["fatal_shooting_victims"] = Q(is_shot=True, is_fatal=True)
    vic_incidents = inc.filter(Q(is_violent=True) | Q(is_shooting=True)).values("pk")
    vic = Victim.objects.filter(agency_id=agency_id, incident__in=vic_incidents).annotate(
        codes_text=Cast("offense_codes", TextField())).order_by()
    g = _group_expr(group, "incident__occurred_date", "incident__")
    ann = {}
    for w, (s, e) in windows.items():
        in_w = Q(incident__occurred_date__range=(s, e))
        for cat, cond in conds.items():
            ann[f"{cat}__{w}"] = Count("pk", filter=in_w & cond)
    rows = vic.annotate(**g).values(*g.keys()).annotate(**ann).order_by() if g else [vic.aggregate(**ann)]
    for row in rows:
        for cat in conds:
            for w in windows:
                raw[row.get("g")][cat][w] += row[f"{cat}__{w}"] or 0

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
