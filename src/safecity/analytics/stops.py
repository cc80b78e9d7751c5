"""Stop data: stop, search and arrest rates by group, and the outcome (hit-rate) test.

Method as in the Stanford Open Policing Project (``stanford-policylab/opp`` ``lib/outcome_test.R``; Pierson,
E. et al. (2020), "A large-scale analysis of racial disparities in police stops across the United States",
Nature Human Behaviour 4:736–745): search rate = searches / stops, hit rate = searches that found contraband
/ searches. A lower hit rate for one group suggests officers search that group on less evidence (Becker 1957;
Knowles, Persico & Todd 2001, Journal of Political Economy 109:203–229), subject to the infra-marginality
caveat (Ayres 2002; Simoiu, Corbett-Davies & Goel 2017). Proportions carry Wilson score intervals
(:mod:`safecity.analytics.proportions`); stop rates per resident carry exact Poisson (Garwood) intervals
(:func:`safecity.analytics.poisson.poisson_exact_ci`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from safecity.analytics.errors import InputError
from safecity.analytics.proportions import Proportion, proportion

__all__ = ["GroupRates", "OutcomeRow", "StopRate", "outcome_test", "stop_rates"]

ALL = "(all)"  # the district label of the pooled rows


@dataclass(frozen=True)
class StopRate:
    """Stops per ``per`` residents of a group, with an exact Poisson interval."""

    stops: int
    population: float
    per: float
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class GroupRates:
    """One group's share of stops, search rate, arrest rate and (with a population) stop rate."""

    group: str
    stops: int
    share_of_stops: Proportion
    search_rate: Proportion
    arrest_rate: Proportion | None
    stop_rate: StopRate | None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "group": self.group,
            "stops": self.stops,
            "share_of_stops": self.share_of_stops.to_dict(),
            "search_rate": self.search_rate.to_dict(),
            "arrest_rate": None if self.arrest_rate is None else self.arrest_rate.to_dict(),
        }
        if self.stop_rate is not None:
            r = self.stop_rate
            out["stop_rate"] = {
                "population": r.population,
                "per": r.per,
                "value": r.value,
                "ci_low": r.low,
                "ci_high": r.high,
            }
        return out


def _check_lengths(**columns: Sequence[object] | None) -> int:
    sizes = {name: len(col) for name, col in columns.items() if col is not None}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"columns differ in length: {sizes}")
    return next(iter(sizes.values()), 0)


def stop_rates(
    groups: Sequence[str],
    searched: Sequence[bool | None],
    arrested: Sequence[bool | None] | None = None,
    population: Mapping[str, float] | None = None,
    per: float = 1000.0,
    alpha: float = 0.05,
) -> list[GroupRates]:
    """Per group: stops, share of all stops, search rate and arrest rate (Wilson CIs).

    ``None`` in ``searched``/``arrested`` means "not recorded": that stop leaves the rate's denominator.
    With ``population`` (residents per group, e.g. census counts) each group also gets stops per ``per``
    residents with a Garwood interval — a benchmark that ignores who drives where, so read it with care.
    """
    n = _check_lengths(groups=groups, searched=searched, arrested=arrested)
    if n == 0:
        raise InputError("no stops to analyse")
    if per <= 0:
        raise ValueError(f"per must be positive, got {per!r}")
    names = sorted(set(groups))
    rows: list[GroupRates] = []
    for name in names:
        idx = [i for i in range(n) if groups[i] == name]
        known_search = [searched[i] for i in idx if searched[i] is not None]
        arrest_rate = None
        if arrested is not None:
            known_arrest = [arrested[i] for i in idx if arrested[i] is not None]
            arrest_rate = proportion(sum(1 for a in known_arrest if a), len(known_arrest), alpha)
        stop_rate = None
        if population is not None and name in population:
            from safecity.analytics.poisson import poisson_exact_ci

            pop = float(population[name])
            if not math.isfinite(pop) or pop <= 0:
                raise ValueError(f"population of {name!r} must be a positive number, got {pop!r}")
            low, high = poisson_exact_ci(len(idx), alpha)
            stop_rate = StopRate(len(idx), pop, per, len(idx) / pop * per, low / pop * per, high / pop * per)
        rows.append(
            GroupRates(
                group=name,
                stops=len(idx),
                share_of_stops=proportion(len(idx), n, alpha),
                search_rate=proportion(sum(1 for s in known_search if s), len(known_search), alpha),
                arrest_rate=arrest_rate,
                stop_rate=stop_rate,
            )
        )
    return rows


@dataclass(frozen=True)
class OutcomeRow:
    """Outcome-test figures for one group in one district (``district == "(all)"`` for the pooled rows)."""

    district: str
    group: str
    stops: int
    search_rate: Proportion  # searches / stops with a known search flag
    hit_rate: Proportion  # contraband found / searches with a known contraband flag

    @property
    def searches(self) -> int:
        return self.search_rate.successes

    @property
    def hits(self) -> int:
        return self.hit_rate.successes

    def to_dict(self) -> dict[str, object]:
        return {
            "district": self.district,
            "group": self.group,
            "stops": self.stops,
            "searches": self.searches,
            "search_rate": self.search_rate.value if self.search_rate.trials else None,
            "search_rate_ci": [self.search_rate.to_dict()["ci_low"], self.search_rate.to_dict()["ci_high"]],
            "searches_with_known_outcome": self.hit_rate.trials,
            "hits": self.hits,
            "hit_rate": self.hit_rate.value if self.hit_rate.trials else None,
            "hit_rate_ci": [self.hit_rate.to_dict()["ci_low"], self.hit_rate.to_dict()["ci_high"]],
        }


def _outcome_rows(
    district: str,
    idx: list[int],
    groups: Sequence[str],
    searched: Sequence[bool | None],
    contraband: Sequence[bool | None],
    alpha: float,
) -> list[OutcomeRow]:
    rows = []
    for name in sorted({groups[i] for i in idx}):
        mine = [i for i in idx if groups[i] == name]
        known = [i for i in mine if searched[i] is not None]
        searches = [i for i in known if searched[i]]
        # A search with no recorded result cannot count as a hit or a miss.
        judged = [i for i in searches if contraband[i] is not None]
        hits = sum(1 for i in judged if contraband[i])
        rows.append(
            OutcomeRow(
                district=district,
                group=name,
                stops=len(mine),
                search_rate=proportion(len(searches), len(known), alpha),
                hit_rate=proportion(hits, len(judged), alpha),
            )
        )
    return rows


def outcome_test(
    groups: Sequence[str],
    searched: Sequence[bool | None],
    contraband: Sequence[bool | None],
    districts: Sequence[str] | None = None,
    alpha: float = 0.05,
) -> list[OutcomeRow]:
    """Stops, searches, search rate, hits and hit rate per group, pooled and (optionally) per district.

    Pooled rows come first (district ``"(all)"``), then one block per district in sorted order. Contraband
    found without a search is ignored (it is not a search outcome); ``None`` means "not recorded".
    """
    n = _check_lengths(groups=groups, searched=searched, contraband=contraband, districts=districts)
    if n == 0:
        raise InputError("no stops to analyse")
    rows = _outcome_rows(ALL, list(range(n)), groups, searched, contraband, alpha)
    if not any(r.searches for r in rows):
        raise InputError("no stop in the data was searched, so there are no hit rates to compare")
    if districts is not None:
        for district in sorted(set(districts)):
            idx = [i for i in range(n) if districts[i] == district]
            rows.extend(_outcome_rows(district, idx, groups, searched, contraband, alpha))
    return rows
