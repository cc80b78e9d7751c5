"""Early intervention: per-officer indicators over a window, peer percentiles, threshold rules, and the
evaluation of flags against a later adverse outcome. Pure NumPy; no Django.

**Events.** Every event is one row of three aligned integer arrays: the officer's index (0..n-1), the day
(a proleptic ordinal, `date.toordinal()`) and the kind (`Kind`). Counting is one `np.bincount` over the rows
in the window, so scoring 5,000 officers with millions of events takes a fraction of a second.

**Window.** A window of W days ending on the as-of date t holds the days in (t − W, t]: the as-of day counts,
an event exactly W days before it does not (the half-open window of the `dssg/police-eis` threshold rule,
"count(type-E events in (t−W, t]) ≥ K"), so consecutive windows never count an event twice.

**Rates (our choice, stated).** Complaints, sustained findings, uses of force, pursuits and injuries are per
year of service inside the window (CPDP's "service year": days of service in the window / 365, the service
span clipped to hire and separation dates). Searches are per stop the officer made in the window (searches /
stops): a search count mostly measures how many stops an officer makes, and stops are the exposure we hold.
Officers with too little service in the window (`min_service_days`, CPDP uses 365) or, for searches, no stops,
have no rate and no percentile — they are neither "low" nor "high".

**Percentiles (CPDP, re-implemented from its description).** Within a peer group (the officer's unit, or
assignment), sort the rates ascending; an officer's percentile is 100 × (number of peers with a strictly
lower rate) / (number of peers with a rate). Ties share the lowest rank, so the officers with no events all sit
at 0 and only strictly higher rates climb. Groups with fewer than `min_group_size` officers with a rate, and
officers with no group, get no percentile (a percentile among three officers says little).

**Evaluation (police-eis, with explicit k).** precision@k = positives among the k highest scores / k;
recall@k = the same positives / all positives. When officers tie on the score at the k-th place, the tied
block is shared: each tied officer counts as (places left)/(tied officers) of a pick, the expected value
under a random tie-break, so the figure does not depend on database order.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class Kind(enum.IntEnum):
    """Event kinds. The first six are indicators; STOP is exposure; SERIOUS_FORCE feeds the outcome only."""

    COMPLAINT = 0  # one per complaint naming the officer (not per allegation)
    SUSTAINED = 1  # one per complaint with a sustained allegation against the officer
    FORCE = 2  # one per use-of-force report by the officer
    PURSUIT = 3
    INJURY = 4  # a use of force or pursuit in which a subject or the officer was injured
    SEARCH = 5  # a stop with a search
    STOP = 6
    SERIOUS_FORCE = 7  # a use of force with a serious injury or death


INDICATORS: tuple[str, ...] = ("complaints", "sustained", "force", "pursuits", "injuries", "searches")
INDICATOR_LABELS: dict[str, str] = {
    "complaints": "Complaints", "sustained": "Sustained findings", "force": "Uses of force",
    "pursuits": "Vehicle pursuits", "injuries": "Injuries (subject or officer)", "searches": "Stops with a search",
}
_N_KINDS = len(Kind)
PEERS: tuple[str, ...] = ("unit", "assignment")


class EIInputError(ValueError):
    """Input that cannot be scored; the message names the parameter."""


@dataclass(frozen=True)
class Events:
    officer: IntArray
    day: IntArray
    kind: IntArray

    @staticmethod
    def build(officer: Iterable[int], day: Iterable[int], kind: Iterable[int]) -> Events:
        o = np.asarray(list(officer) if not isinstance(officer, np.ndarray) else officer, dtype=np.int64)
        d = np.asarray(list(day) if not isinstance(day, np.ndarray) else day, dtype=np.int64)
        k = np.asarray(list(kind) if not isinstance(kind, np.ndarray) else kind, dtype=np.int64)
        if not (len(o) == len(d) == len(k)):
            raise EIInputError("events: officer, day and kind must have the same length")
        return Events(o, d, k)


@dataclass(frozen=True)
class Roster:
    """Officers in index order: service span as day ordinals (end: a large value while serving) and peer groups
    (small integers; −1 = none)."""

    service_start: IntArray
    service_end: IntArray
    unit: IntArray
    assignment: IntArray

    @property
    def n(self) -> int:
        return len(self.service_start)


@dataclass(frozen=True)
class ThresholdRule:
    """A threshold rule: `count` — at least `threshold` events of `indicator` in `window_days`; `percentile` —
    the officer's rate is at or above the `threshold` percentile of the `peer` group over `window_days`."""

    key: str
    indicator: str
    kind: str  # "count" | "percentile"
    window_days: int
    threshold: float
    peer: str = ""
    label: str = ""

    def validate(self) -> None:
        if self.indicator not in INDICATORS:
            raise EIInputError(f"rule {self.key}: unknown indicator {self.indicator!r}; "
                               f"use one of {', '.join(INDICATORS)}")
        if self.kind not in ("count", "percentile"):
            raise EIInputError(f"rule {self.key}: kind must be 'count' or 'percentile', not {self.kind!r}")
        if self.window_days < 1:
            raise EIInputError(f"rule {self.key}: window_days must be at least 1")
        if self.kind == "percentile" and self.peer not in PEERS:
            raise EIInputError(f"rule {self.key}: a percentile rule needs peer 'unit' or 'assignment'")
        if self.kind == "percentile" and not 0 <= self.threshold <= 100:
            raise EIInputError(f"rule {self.key}: a percentile threshold lies between 0 and 100")


@dataclass(frozen=True)
class WindowScores:
    as_of: int
    window_days: int
    counts: IntArray  # (n, len(INDICATORS))
    stops: IntArray  # (n,)
    service_years: FloatArray  # (n,)
    rates: FloatArray  # (n, len(INDICATORS)); NaN = no rate
    percentiles: dict[str, FloatArray]  # peer → (n, len(INDICATORS)); NaN = no percentile


@dataclass(frozen=True)
class Scoring:
    as_of: int
    windows: dict[int, WindowScores]
    fired: dict[str, BoolArray]  # rule key → officers it flags
    score: FloatArray  # the ranking score (mean unit percentile over the score window); NaN = unscored
    score_window: int

    def rules_for(self, i: int) -> list[str]:
        return [key for key, mask in self.fired.items() if bool(mask[i])]

    @property
    def flagged(self) -> BoolArray:
        out = np.zeros(len(self.score), dtype=bool)
        for mask in self.fired.values():
            out |= mask
        return out


def day_number(day: dt.date) -> int:
    return day.toordinal()


def window_counts(events: Events, n: int, as_of: int, window_days: int) -> IntArray:
    """(n, number of kinds) counts of each kind in (as_of − window_days, as_of]."""
    if window_days < 1:
        raise EIInputError("window_days must be at least 1")
    mask = (events.day > as_of - window_days) & (events.day <= as_of)
    if events.officer.size and (events.officer.min() < 0 or events.officer.max() >= n):
        raise EIInputError("events: an officer index lies outside the roster")
    flat = np.bincount(events.officer[mask] * _N_KINDS + events.kind[mask], minlength=n * _N_KINDS)
    return flat.reshape(n, _N_KINDS).astype(np.int64)


def service_days(roster: Roster, as_of: int, window_days: int) -> IntArray:
    """Days of service inside (as_of − W, as_of], clipped to each officer's hire and separation days."""
    first = np.maximum(roster.service_start, as_of - window_days + 1)
    last = np.minimum(roster.service_end, as_of)
    return np.maximum(last - first + 1, 0).astype(np.int64)


def peer_percentiles(values: FloatArray, group: IntArray, *, min_group_size: int = 5) -> FloatArray:
    """CPDP percentile of each value within its group: 100 × (peers strictly lower) / (peers with a value).
    NaN values and group −1 take no part and get NaN; so do groups with fewer than `min_group_size` values."""
    values = np.asarray(values, dtype=np.float64)
    group = np.asarray(group, dtype=np.int64)
    out = np.full(values.shape, np.nan)
    ok = ~np.isnan(values) & (group >= 0)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return out
    g, v = group[idx], values[idx]
    order = np.lexsort((v, g))
    gs, vs = g[order], v[order]
    pos = np.arange(gs.size)
    new_group = np.empty(gs.size, dtype=bool)
    new_group[0] = True
    new_group[1:] = gs[1:] != gs[:-1]
    new_value = new_group.copy()
    new_value[1:] |= vs[1:] != vs[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    value_start = np.maximum.accumulate(np.where(new_value, pos, 0))
    sizes = np.bincount(gs)[gs]
    pct = 100.0 * (value_start - group_start) / sizes
    pct[sizes < min_group_size] = np.nan
    out[idx[order]] = pct
    return out


def score_window(events: Events, roster: Roster, as_of: int, window_days: int, *,
                 min_service_days: int | None = None, min_group_size: int = 5) -> WindowScores:
    n = roster.n
    counts_all = window_counts(events, n, as_of, window_days)
    counts = counts_all[:, :len(INDICATORS)]
    stops = counts_all[:, Kind.STOP]
    days = service_days(roster, as_of, window_days)
    need = min(365, window_days) if min_service_days is None else min_service_days
    years = np.round(days / 365.0, 4)
    eligible = (days >= need) & (days > 0)
    rates = np.full(counts.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_year = counts[:, :Kind.SEARCH] / years[:, None]
        rates[:, :Kind.SEARCH] = np.where(eligible[:, None], per_year, np.nan)
        rates[:, Kind.SEARCH] = np.where(eligible & (stops > 0), counts[:, Kind.SEARCH] / stops, np.nan)
    percentiles = {}
    for peer, groups in (("unit", roster.unit), ("assignment", roster.assignment)):
        percentiles[peer] = np.column_stack([
            peer_percentiles(rates[:, j], groups, min_group_size=min_group_size) for j in range(len(INDICATORS))])
    return WindowScores(as_of=as_of, window_days=window_days, counts=counts, stops=stops, service_years=years,
                        rates=rates, percentiles=percentiles)


def score(events: Events, roster: Roster, as_of: dt.date | int, rules: Sequence[ThresholdRule], *,
          score_window_days: int = 365, min_service_days: int | None = None,
          min_group_size: int = 5) -> Scoring:
    """Every window the rules need (and the score's), each rule's flags, and the ranking score: the mean of the
    officer's unit percentiles over the indicators that have one (a simple, explainable combination)."""
    t = as_of if isinstance(as_of, int) else day_number(as_of)
    for rule in rules:
        rule.validate()
    sizes = sorted({r.window_days for r in rules} | {score_window_days})
    windows = {w: score_window(events, roster, t, w, min_service_days=min_service_days,
                               min_group_size=min_group_size) for w in sizes}
    fired: dict[str, BoolArray] = {}
    for rule in rules:
        ws = windows[rule.window_days]
        j = INDICATORS.index(rule.indicator)
        if rule.kind == "count":
            fired[rule.key] = ws.counts[:, j] >= rule.threshold
        else:
            pct = ws.percentiles[rule.peer][:, j]
            # A percentile of 0 means "no peer is lower": never a flag, however low the threshold.
            fired[rule.key] = np.nan_to_num(pct, nan=-1.0) >= max(rule.threshold, 1e-9)
    pct = windows[score_window_days].percentiles["unit"]
    have = ~np.isnan(pct)
    with np.errstate(invalid="ignore"):
        combined = np.where(have.any(axis=1), np.nansum(pct, axis=1) / np.maximum(have.sum(axis=1), 1), np.nan)
    return Scoring(as_of=t, windows=windows, fired=fired, score=combined, score_window=score_window_days)


def adverse_outcome(events: Events, n: int, as_of: dt.date | int, horizon_days: int = 365,
                    kinds: Sequence[int] = (Kind.SUSTAINED, Kind.SERIOUS_FORCE)) -> BoolArray:
    """Officers with at least one event of `kinds` in (as_of, as_of + horizon]: the later adverse outcome."""
    t = as_of if isinstance(as_of, int) else day_number(as_of)
    counts = window_counts(events, n, t + horizon_days, horizon_days)
    return np.asarray(counts[:, list(kinds)].sum(axis=1) > 0)


# --- evaluation ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtK:
    k: int
    hits: float  # expected positives among the top k (fractional when ties share the k-th place)
    precision: float
    recall: float | None
    tied: int  # officers tied on the k-th score (1 = no tie)


@dataclass(frozen=True)
class RuleResult:
    key: str
    flagged: int
    hits: int
    precision: float | None
    recall: float | None
    score_precision_same_k: float | None  # the score's precision@k with k = this rule's flagged count


@dataclass(frozen=True)
class Evaluation:
    officers: int
    positives: int
    base_rate: float | None
    at_k: list[AtK]
    rules: list[RuleResult]
    any_rule: RuleResult | None = None
    notes: list[str] = field(default_factory=list)


def precision_recall_at_k(score: FloatArray, outcome: BoolArray, k: int) -> AtK:
    """Officers ranked by score (high first; unscored last); ties at the k-th place shared (see module doc)."""
    if k < 1:
        raise EIInputError("k must be at least 1")
    s = np.nan_to_num(np.asarray(score, dtype=np.float64), nan=-np.inf)
    y = np.asarray(outcome, dtype=bool)
    n = s.size
    positives = int(y.sum())
    if n == 0:
        return AtK(k=k, hits=0.0, precision=0.0, recall=None, tied=0)
    k_eff = min(k, n)
    kth = np.sort(s)[::-1][k_eff - 1]
    above = s > kth
    tied = s == kth
    places = k_eff - int(above.sum())
    hits = float(y[above].sum()) + places * float(y[tied].sum()) / int(tied.sum())
    return AtK(k=k, hits=hits, precision=hits / k, recall=(hits / positives) if positives else None,
               tied=int(tied.sum()))


def _rule_result(key: str, mask: BoolArray, score: FloatArray, outcome: BoolArray) -> RuleResult:
    flagged = int(mask.sum())
    hits = int((mask & outcome).sum())
    positives = int(outcome.sum())
    same = precision_recall_at_k(score, outcome, flagged).precision if flagged else None
    return RuleResult(key=key, flagged=flagged, hits=hits, precision=(hits / flagged) if flagged else None,
                      recall=(hits / positives) if positives else None, score_precision_same_k=same)


def evaluate(scoring: Scoring, outcome: BoolArray, ks: Sequence[int],
             eligible: BoolArray | None = None) -> Evaluation:
    """Each rule's precision and recall and the score's precision@k / recall@k, over the `eligible` officers
    (default: all)."""
    y = np.asarray(outcome, dtype=bool)
    keep = np.ones(y.size, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    y = y[keep]
    s = scoring.score[keep]
    positives = int(y.sum())
    rules = [_rule_result(key, mask[keep], s, y) for key, mask in scoring.fired.items()]
    any_rule = _rule_result("any", scoring.flagged[keep], s, y) if scoring.fired else None
    notes = []
    if positives == 0:
        notes.append("No officer had the adverse outcome in the period: recall is undefined.")
    return Evaluation(officers=int(y.size), positives=positives,
                      base_rate=(positives / y.size) if y.size else None,
                      at_k=[precision_recall_at_k(s, y, k) for k in ks], rules=rules, any_rule=any_rule,
                      notes=notes)


def rules_from_rows(rows: Iterable[Mapping[str, object]]) -> list[ThresholdRule]:
    """ThresholdRules from rule-pack rows (dicts with key, indicator, kind, window_days, threshold, peer, label)."""
    out = []
    for row in rows:
        key = str(row.get("key", ""))
        try:
            window = int(str(row.get("window_days", "")))
            threshold = float(str(row.get("threshold", "")))
        except ValueError as exc:
            raise EIInputError(f"rule {key}: window_days and threshold must be numbers") from exc
        if math.isnan(threshold):
            raise EIInputError(f"rule {key}: threshold must be a number")
        rule = ThresholdRule(key=key, indicator=str(row.get("indicator", "")), kind=str(row.get("kind", "")),
                             window_days=window, threshold=threshold, peer=str(row.get("peer", "") or ""),
                             label=str(row.get("label", "") or ""))
        rule.validate()
        out.append(rule)
    return out
