"""Stop, search and arrest rates and the outcome test: exact counts on small fixtures, published intervals."""

from __future__ import annotations

import math

import pytest

from safecity.analytics.errors import InputError
from safecity.analytics.proportions import proportion, wilson_ci
from safecity.analytics.stops import outcome_test, stop_rates


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [  # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score without correction)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe(k: int, n: int, low: float, high: float) -> None:
    got = wilson_ci(k, n)
    assert got[0] == pytest.approx(low, abs=5e-5)
    assert got[1] == pytest.approx(high, abs=5e-5)


def test_wilson_edges_and_bad_input() -> None:
    assert wilson_ci(20, 20)[1] == 1.0
    assert all(math.isnan(v) for v in wilson_ci(0, 0))
    assert proportion(0, 0).to_dict()["value"] is None
    with pytest.raises(ValueError, match="successes <= trials"):
        wilson_ci(3, 2)


# Ten stops: (group, searched, contraband, arrested, district); None = not recorded.
STOPS = [
    ("black", True, True, True, "A"),
    ("black", True, False, False, "A"),
    ("black", True, None, False, "B"),  # searched, result not recorded
    ("black", False, None, False, "B"),
    ("white", True, True, False, "A"),
    ("white", False, None, False, "A"),
    ("white", False, None, True, "B"),
    ("white", None, None, None, "B"),  # search not recorded
    ("white", False, True, False, "B"),  # contraband without a search: not a search outcome
    ("hispanic", True, True, True, "A"),
]
GROUPS = [s[0] for s in STOPS]
SEARCHED = [s[1] for s in STOPS]
CONTRABAND = [s[2] for s in STOPS]
ARRESTED = [s[3] for s in STOPS]
DISTRICTS = [s[4] for s in STOPS]


def test_outcome_test_exact_counts() -> None:
    rows = {(r.district, r.group): r for r in outcome_test(GROUPS, SEARCHED, CONTRABAND, DISTRICTS)}
    black = rows[("(all)", "black")]
    assert (black.stops, black.searches, black.search_rate.trials, black.hits, black.hit_rate.trials) == (4, 3, 4, 1, 2)
    assert black.hit_rate.value == pytest.approx(0.5)
    assert (black.hit_rate.low, black.hit_rate.high) == pytest.approx(wilson_ci(1, 2))
    white = rows[("(all)", "white")]
    assert (white.stops, white.searches, white.search_rate.trials, white.hits, white.hit_rate.trials) == (5, 1, 4, 1, 1)
    assert white.search_rate.value == pytest.approx(0.25)
    assert rows[("B", "black")].hit_rate.trials == 0 and rows[("B", "black")].to_dict()["hit_rate"] is None
    assert rows[("A", "white")].searches == 1
    assert [r.district for r in outcome_test(GROUPS, SEARCHED, CONTRABAND, DISTRICTS)][:3] == ["(all)"] * 3
    assert set(rows) == {
        ("(all)", "black"),
        ("(all)", "hispanic"),
        ("(all)", "white"),
        ("A", "black"),
        ("A", "hispanic"),
        ("A", "white"),
        ("B", "black"),
        ("B", "white"),
    }


def test_stop_search_and_arrest_rates() -> None:
    rates = {r.group: r for r in stop_rates(GROUPS, SEARCHED, ARRESTED, population={"black": 2000, "white": 8000})}
    assert rates["white"].share_of_stops.successes == 5 and rates["white"].share_of_stops.trials == 10
    assert rates["black"].arrest_rate is not None and rates["black"].arrest_rate.value == pytest.approx(0.25)
    assert rates["white"].arrest_rate is not None and rates["white"].arrest_rate.trials == 4
    black_rate = rates["black"].stop_rate
    assert black_rate is not None
    assert black_rate.value == pytest.approx(4 / 2000 * 1000)
    # Garwood interval for 4 events (1.0899, 10.2416), per 2,000 residents, per 1,000.
    assert (black_rate.low, black_rate.high) == pytest.approx((1.0899 / 2, 10.2416 / 2), abs=1e-4)
    assert rates["hispanic"].stop_rate is None  # no population given


def test_outcome_test_bad_input() -> None:
    with pytest.raises(InputError, match="no stops"):
        outcome_test([], [], [])
    with pytest.raises(InputError, match="no stop in the data was searched"):
        outcome_test(["black", "white"], [False, False], [None, None])
    with pytest.raises(ValueError, match="differ in length"):
        outcome_test(["black"], [True, False], [True])
