"""Early intervention: windows, rates, CPDP percentiles, rules and the precision@k evaluation on fixtures whose
answers are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from safecity.analytics.early_intervention import (
    EIInputError,
    Events,
    Kind,
    Roster,
    ThresholdRule,
    adverse_outcome,
    evaluate,
    peer_percentiles,
    precision_recall_at_k,
    rules_from_rows,
    score,
    service_days,
    window_counts,
)

T = dt.date(2025, 6, 30).toordinal()
FAR = 10**9


def roster(n: int, unit: list[int] | None = None, start: int | None = None) -> Roster:
    return Roster(service_start=np.full(n, start if start is not None else T - 5000, dtype=np.int64),
                  service_end=np.full(n, FAR, dtype=np.int64),
                  unit=np.asarray(unit if unit is not None else [0] * n, dtype=np.int64),
                  assignment=np.zeros(n, dtype=np.int64))


def test_window_edges_event_exactly_w_days_ago_is_out_and_as_of_day_is_in() -> None:
    ev = Events.build([0, 0, 0, 1], [T - 90, T - 89, T, T + 1], [Kind.FORCE] * 4)
    counts = window_counts(ev, 3, T, 90)
    # officer 0: T-90 is out, T-89 and T are in → 2; officer 1: the day after as-of is out; officer 2: none.
    assert counts[:, Kind.FORCE].tolist() == [2, 0, 0]
    assert counts.sum() == 2


def test_officer_index_outside_roster_is_refused() -> None:
    ev = Events.build([5], [T], [Kind.FORCE])
    with pytest.raises(EIInputError, match="officer index"):
        window_counts(ev, 3, T, 90)


def test_service_days_clip_to_hire_and_separation() -> None:
    r = Roster(service_start=np.array([T - 1000, T - 9, T - 1000, T + 5]),
               service_end=np.array([FAR, FAR, T - 80, FAR]),
               unit=np.zeros(4, dtype=np.int64), assignment=np.zeros(4, dtype=np.int64))
    # window (T-90, T] = 90 days: full; hired 9 days ago → 10 days (T-9..T); left at T-80 → T-89..T-80 = 10;
    # hired after the as-of date → 0.
    assert service_days(r, T, 90).tolist() == [90, 10, 10, 0]


def test_cpdp_percentiles_ties_share_lowest_rank() -> None:
    values = np.array([0.0, 0.0, 1.0, 2.0, 2.0, 5.0])
    pct = peer_percentiles(values, np.zeros(6, dtype=np.int64), min_group_size=1)
    # strictly lower counts: 0,0,2,3,3,5 of 6
    assert pct.tolist() == pytest.approx([0.0, 0.0, 100 * 2 / 6, 50.0, 50.0, 100 * 5 / 6])


def test_percentiles_within_groups_small_and_empty_groups() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, 9.0, 9.0, np.nan, 7.0])
    group = np.array([0, 0, 0, 0, 1, 1, 0, -1])
    pct = peer_percentiles(values, group, min_group_size=3)
    # group 0 has four values (the NaN takes no part): 0, 25, 50, 75; group 1 has two (< 3) → NaN;
    # the NaN value and the officer without a group → NaN.
    assert pct[:4].tolist() == [0.0, 25.0, 50.0, 75.0]
    assert np.isnan(pct[4:]).all()


def test_percentiles_of_no_values() -> None:
    assert np.isnan(peer_percentiles(np.array([np.nan, np.nan]), np.array([0, 0]))).all()
    assert peer_percentiles(np.array([]), np.array([], dtype=np.int64)).size == 0


def test_rates_per_service_year_and_searches_per_stop() -> None:
    # Officer 0 serves the whole 365-day window: 3 UoF → 3/yr; 4 stops, 1 searched → 0.25.
    # Officer 1 was hired 100 days ago: excluded (CPDP: less than a year in the window) → no rate.
    r = Roster(service_start=np.array([T - 3000, T - 99]), service_end=np.array([FAR, FAR]),
               unit=np.zeros(2, dtype=np.int64), assignment=np.zeros(2, dtype=np.int64))
    ev = Events.build([0, 0, 0, 0, 0, 0, 0, 0, 1],
                      [T - 1, T - 2, T - 3, T - 4, T - 5, T - 6, T - 7, T - 5, T - 1],
                      [Kind.FORCE, Kind.FORCE, Kind.FORCE, Kind.STOP, Kind.STOP, Kind.STOP, Kind.STOP,
                       Kind.SEARCH, Kind.FORCE])
    s = score(ev, r, T, [], min_group_size=1)
    w = s.windows[365]
    assert w.rates[0, 2] == pytest.approx(3.0)
    assert w.rates[0, 5] == pytest.approx(0.25)
    assert np.isnan(w.rates[1]).all()
    assert w.counts[1, 2] == 1  # counted, just not rated


def test_count_rule_fires_at_threshold_not_below() -> None:
    rule = ThresholdRule("uof3", "force", "count", 90, 3)
    ev = Events.build([0, 0, 0, 1, 1, 2, 2, 2], [T, T - 10, T - 89, T, T - 10, T, T - 10, T - 90],
                      [Kind.FORCE] * 8)
    s = score(ev, roster(4), T, [rule])
    # officer 0: three inside → fires; officer 1: two; officer 2: the third is exactly 90 days ago → two.
    assert s.fired["uof3"].tolist() == [True, False, False, False]
    assert s.rules_for(0) == ["uof3"]


def test_percentile_rule_top_of_unit() -> None:
    # 20 officers in unit 0 with 0..19 uses of force in the year: the top one has 19 strictly lower → 95.0.
    n = 20
    officers = [i for i in range(n) for _ in range(i)]
    ev = Events.build(officers, [T - 5] * len(officers), [Kind.FORCE] * len(officers))
    rule = ThresholdRule("top5", "force", "percentile", 365, 95, peer="unit")
    s = score(ev, roster(n), T, [rule])
    assert np.flatnonzero(s.fired["top5"]).tolist() == [19]


def test_percentile_rule_never_fires_on_all_zero_group() -> None:
    rule = ThresholdRule("top", "force", "percentile", 365, 0, peer="unit")
    s = score(Events.build([], [], []), roster(10), T, [rule])
    assert not s.fired["top"].any()


def test_precision_at_k_hand_computed() -> None:
    score_ = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    y = np.array([True, False, True, False, False, True])
    at2 = precision_recall_at_k(score_, y, 2)
    assert (at2.hits, at2.precision, at2.recall) == (1.0, 0.5, pytest.approx(1 / 3))
    at3 = precision_recall_at_k(score_, y, 3)
    assert at3.precision == pytest.approx(2 / 3) and at3.recall == pytest.approx(2 / 3)


def test_precision_at_k_ties_at_k_are_shared() -> None:
    # Top score 0.9 (positive), then three tied at 0.5 of which one positive; k = 2 takes one of the three:
    # hits = 1 + 1 × 1/3 → precision 2/3 ÷ ... = (4/3)/2 = 2/3.
    score_ = np.array([0.9, 0.5, 0.5, 0.5, 0.1])
    y = np.array([True, True, False, False, True])
    at2 = precision_recall_at_k(score_, y, 2)
    assert at2.tied == 3
    assert at2.hits == pytest.approx(4 / 3)
    assert at2.precision == pytest.approx(2 / 3)
    assert at2.recall == pytest.approx(4 / 9)
    # The order of the rows does not change the answer.
    perm = np.array([3, 1, 4, 0, 2])
    assert precision_recall_at_k(score_[perm], y[perm], 2).precision == pytest.approx(2 / 3)


def test_precision_at_k_unscored_rank_last_and_k_beyond_n() -> None:
    score_ = np.array([np.nan, 0.2, np.nan])
    y = np.array([True, False, False])
    at1 = precision_recall_at_k(score_, y, 1)
    assert at1.precision == 0.0
    at5 = precision_recall_at_k(score_, y, 5)  # everyone is picked, still divided by k as police-eis does
    assert at5.hits == pytest.approx(1.0) and at5.precision == pytest.approx(0.2) and at5.recall == 1.0
    with pytest.raises(EIInputError):
        precision_recall_at_k(score_, y, 0)


def test_adverse_outcome_horizon_is_after_as_of() -> None:
    ev = Events.build([0, 1, 2, 3], [T, T + 1, T + 365, T + 366],
                      [Kind.SUSTAINED, Kind.SERIOUS_FORCE, Kind.SUSTAINED, Kind.SUSTAINED])
    # the as-of day belongs to the past; T+1 .. T+365 is the next year; T+366 is beyond.
    assert adverse_outcome(ev, 5, T, 365).tolist() == [False, True, True, False, False]


def test_evaluate_rules_and_score_side_by_side() -> None:
    rule = ThresholdRule("uof2", "force", "count", 365, 2)
    # Officers 0-3 have 3,2,1,0 uses of force; 0 and 2 have a later sustained complaint.
    officers = [0, 0, 0, 1, 1, 2]
    ev = Events.build(officers, [T - 3] * 6, [Kind.FORCE] * 6)
    s = score(ev, roster(4), T, [rule], min_group_size=1)
    later = Events.build([0, 2], [T + 30, T + 40], [Kind.SUSTAINED, Kind.SUSTAINED])
    y = adverse_outcome(later, 4, T)
    ev_ = evaluate(s, y, [1, 2])
    r = ev_.rules[0]
    # rule flags 0 and 1: one hit → precision 1/2, recall 1/2.
    assert (r.flagged, r.hits, r.precision, r.recall) == (2, 1, 0.5, 0.5)
    # score = percentile of the force rate: 75, 50, 25, 0 → top 1 is officer 0 (hit), top 2 adds officer 1.
    assert [a.precision for a in ev_.at_k] == [1.0, 0.5]
    assert r.score_precision_same_k == 0.5
    assert ev_.base_rate == 0.5


def test_evaluation_no_positives_says_so() -> None:
    s = score(Events.build([], [], []), roster(3), T, [ThresholdRule("x", "force", "count", 90, 1)])
    ev_ = evaluate(s, np.zeros(3, dtype=bool), [1])
    assert ev_.positives == 0 and ev_.at_k[0].recall is None and ev_.rules[0].precision is None
    assert ev_.notes


def test_planted_signal_is_found() -> None:
    # Officers with a higher latent risk have more past and more future events: the score's precision@k
    # must beat the base rate clearly.
    rng = np.random.default_rng(7)
    n = 600
    risk = np.exp(rng.normal(-0.32, 0.8, n))
    r = roster(n, unit=list(rng.integers(0, 6, n)))
    past_o, past_d, past_k = [], [], []
    for kind, rate in ((Kind.FORCE, 1.0), (Kind.COMPLAINT, 0.5)):
        c = rng.poisson(rate * risk)
        past_o += np.repeat(np.arange(n), c).tolist()
        past_d += (T - rng.integers(0, 365, c.sum())).tolist()
        past_k += [kind] * int(c.sum())
    s = score(Events.build(past_o, past_d, past_k), r, T, [ThresholdRule("uof2", "force", "count", 365, 2)])
    future = rng.poisson(0.25 * risk)
    fo = np.repeat(np.arange(n), future)
    y = adverse_outcome(Events.build(fo, T + 1 + rng.integers(0, 365, fo.size), [Kind.SUSTAINED] * fo.size), n, T)
    ev_ = evaluate(s, y, [30])
    assert ev_.base_rate is not None
    assert ev_.at_k[0].precision > 1.5 * ev_.base_rate
    assert ev_.rules[0].precision is not None and ev_.rules[0].precision > ev_.base_rate


def test_rule_rows_validated_with_named_problems() -> None:
    rules = rules_from_rows([{"key": "a", "indicator": "force", "kind": "count", "window_days": "90",
                              "threshold": "3"}])
    assert rules[0].window_days == 90
    with pytest.raises(EIInputError, match="rule b: unknown indicator"):
        rules_from_rows([{"key": "b", "indicator": "nope", "kind": "count", "window_days": "90", "threshold": "3"}])
    with pytest.raises(EIInputError, match="rule c: a percentile rule needs peer"):
        rules_from_rows([{"key": "c", "indicator": "force", "kind": "percentile", "window_days": "90",
                          "threshold": "95"}])
    with pytest.raises(EIInputError, match="rule d: window_days and threshold must be numbers"):
        rules_from_rows([{"key": "d", "indicator": "force", "kind": "count", "window_days": "x", "threshold": "3"}])
