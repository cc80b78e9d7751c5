from __future__ import annotations

import numpy as np
import pytest

from safecity.analytics.near_repeat import band_labels, knox_observed, knox_test

SPACE = [1, 100, 200, 300]
TIME = [2, 4]


def test_chicago_published_table_default_bins(chicago: tuple[np.ndarray, ...]) -> None:
    # Chicago 2016 burglaries, table published with tobydavies/NearRepeat (its default bins).
    x, y, t = chicago
    assert len(x) == 11_701
    observed = knox_observed(x, y, t, SPACE, TIME)
    assert observed.T.tolist() == [[225, 260, 457, 715], [50, 142, 341, 567]]


def test_chicago_published_table_nrc_bins(chicago: tuple[np.ndarray, ...]) -> None:
    # Same source; equals the Near Repeat Calculator's "Observed frequencies distribution".
    x, y, t = chicago
    observed = knox_observed(x, y, t, SPACE, TIME, nrc_compatible=True)
    assert observed.T.tolist() == [[202, 189, 290, 456], [51, 143, 343, 526]]


def test_knox_test_observed_matches_and_ratios_near_nrc(chicago: tuple[np.ndarray, ...]) -> None:
    x, y, t = chicago
    result = knox_test(x, y, t, SPACE, TIME, permutations=199, seed=7, nrc_compatible=True)
    assert result.observed.T.tolist() == [[202, 189, 290, 456], [51, 143, 343, 526]]
    # Knox ratios the Near Repeat Calculator reports for this file (19 iterations), tolerance ±10%.
    # The "same location, 0-2 days" cell (NRC 15.60) is excluded: its expectation is only ~11 pairs,
    # so a 19-iteration NRC mean is too noisy to compare (we obtain ~18.7 with 999 permutations).
    published = {
        (0, 1): 3.34,
        (1, 0): 2.68,
        (1, 1): 1.58,
        (2, 0): 1.37,
        (2, 1): 1.30,
        (3, 0): 1.30,
        (3, 1): 1.14,
    }
    for (row, col), ratio in published.items():
        assert result.ratios[row, col] == pytest.approx(ratio, rel=0.10)
    assert result.ratios[0, 0] > 10
    # All these cells are significant at the smallest attainable p = 1/(199 + 1).
    assert np.all(result.p_values[:, 0] == pytest.approx(1 / 200))


def test_bin_placement_test_b() -> None:
    # Reference §4.4 Test B: 100 m and 3 days apart -> (0,200] x (0,3] in default bins.
    x, y, t = [0.0, 0.0], [0.0, 100.0], [0.0, 3.0]
    assert knox_observed(x, y, t, [200], [3]).tolist() == [[1]]
    assert knox_observed(x, y, t, [100, 200], [3, 6]).tolist() == [[1, 0], [0, 0]]
    # NRC-compatible [a,b): 100 m lands in [100,200), 3 days in [3,6).
    assert knox_observed(x, y, t, [100, 200], [3, 6], nrc_compatible=True).tolist() == [[0, 0], [0, 1]]
    assert knox_observed(x, y, t, [200], [3], nrc_compatible=True).tolist() == [[0]]


def test_permutation_p_value_formula() -> None:
    # Strong near-repeat: 10 pairs of events at the same place and day, scattered in time otherwise.
    rng = np.random.default_rng(0)
    base_x = rng.uniform(0, 10_000, 10)
    base_y = rng.uniform(0, 10_000, 10)
    base_t = np.arange(10) * 30.0
    x = np.repeat(base_x, 2)
    y = np.repeat(base_y, 2)
    t = np.repeat(base_t, 2)
    result = knox_test(x, y, t, [1], [1], permutations=99, seed=3)
    assert result.observed.tolist() == [[10]]
    # No permutation can reach 10 pairs within a day (only if all 10 pairs keep their labels),
    # so p = (0 + 1) / (99 + 1).
    assert result.p_values[0, 0] == pytest.approx(0.01)
    # p-values are always of the form (k + 1)/(permutations + 1).
    k = result.p_values * 100 - 1
    assert np.allclose(k, np.round(k))


def test_p_value_one_when_no_pairs_observed() -> None:
    x = [0.0, 5000.0, 10_000.0]
    y = [0.0, 0.0, 0.0]
    t = [0.0, 1.0, 2.0]
    result = knox_test(x, y, t, [10], [5], permutations=9, seed=1)
    assert result.observed.tolist() == [[0]]
    assert result.p_values.tolist() == [[1.0]]
    assert np.isnan(result.ratios[0, 0])


def test_random_poisson_process_gives_ratios_near_one() -> None:
    rng = np.random.default_rng(2024)
    n = 4000
    x = rng.uniform(0, 5000, n)
    y = rng.uniform(0, 5000, n)
    t = rng.integers(0, 365, n).astype(float)
    result = knox_test(x, y, t, [100, 200], [7, 14], permutations=199, seed=11)
    assert np.all(result.observed > 100)
    assert np.all(np.abs(result.ratios - 1) < 0.2)
    assert np.all(result.p_values > 0.001)


def test_seed_reproducibility_and_shapes(chicago: tuple[np.ndarray, ...]) -> None:
    x, y, t = chicago
    a = knox_test(x, y, t, SPACE, TIME, permutations=20, seed=5)
    b = knox_test(x, y, t, SPACE, TIME, permutations=20, seed=5)
    assert np.array_equal(a.expected, b.expected)
    assert a.observed.shape == a.expected.shape == a.ratios.shape == a.p_values.shape == (4, 2)
    payload = a.to_dict()
    assert payload["observed"][0] == [225, 50]
    assert payload["space_labels"] == ["[0, 1]", "(1, 100]", "(100, 200]", "(200, 300]"]


def test_zero_permutations_gives_nan_inference() -> None:
    result = knox_test([0, 0], [0, 1], [0, 1], [5], [5], permutations=0)
    assert result.observed.tolist() == [[1]]
    assert np.isnan(result.p_values).all()


def test_band_labels_nrc() -> None:
    assert band_labels([2, 4], nrc_compatible=True) == ["[0, 2)", "[2, 4)"]


@pytest.mark.parametrize(
    ("space", "time"),
    [([], [1]), ([0, 5], [1]), ([5, 5], [1]), ([5], [-1]), ([10, 5], [1])],
)
def test_invalid_bands_rejected(space: list[float], time: list[float]) -> None:
    with pytest.raises(ValueError):
        knox_test([0, 1], [0, 1], [0, 1], space, time, permutations=1)


def test_mismatched_lengths_rejected() -> None:
    with pytest.raises(ValueError, match="equal length"):
        knox_observed([0, 1], [0], [0, 1], [1], [1])


def _brute_force(
    x: np.ndarray, y: np.ndarray, t: np.ndarray, space: list[float], time: list[float], nrc: bool
):
    table = np.zeros((len(space), len(time)), dtype=int)
    edges_s = [0.0, *space]
    edges_t = [0.0, *time]
    for a in range(len(x)):
        for b in range(a + 1, len(x)):
            d = float(np.hypot(x[a] - x[b], y[a] - y[b]))
            dt = abs(float(t[a] - t[b]))
            for i in range(len(space)):
                lo, hi = edges_s[i], edges_s[i + 1]
                in_s = (lo <= d < hi) if nrc else ((lo <= d <= hi) if i == 0 else (lo < d <= hi))
                if not in_s:
                    continue
                for j in range(len(time)):
                    lo_t, hi_t = edges_t[j], edges_t[j + 1]
                    in_t = (
                        (lo_t <= dt < hi_t)
                        if nrc
                        else ((lo_t <= dt <= hi_t) if j == 0 else (lo_t < dt <= hi_t))
                    )
                    table[i, j] += in_t
    return table


@pytest.mark.parametrize("nrc", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_observed_matches_brute_force_including_band_edges(seed: int, nrc: bool) -> None:
    # Integer grid coordinates and days put many pairs exactly on band limits (3-4-5 triangles etc.).
    rng = np.random.default_rng(seed)
    n = 120
    x = rng.integers(0, 12, n).astype(float)
    y = rng.integers(0, 12, n).astype(float)
    t = rng.integers(0, 20, n).astype(float)
    space = [1.0, 3.0, 5.0]
    time = [1.0, 3.0, 6.0]
    expected = _brute_force(x, y, t, space, time, nrc)
    assert knox_observed(x, y, t, space, time, nrc_compatible=nrc).tolist() == expected.tolist()
