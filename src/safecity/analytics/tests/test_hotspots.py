from __future__ import annotations

import numpy as np
import pytest
from libpysal.weights import DistanceBand, lat2W

from safecity.analytics.hotspots import (
    Grid,
    getis_ord_gi_star,
    grid_counts,
    grid_gi_star,
    kernel_density,
    top_cells,
)

# esda.getisord.G_Local docstring example (PySAL esda documentation): six points, DistanceBand(15).
POINTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
Y = np.array([2, 3, 3.2, 5, 8, 7])
ESDA_ZS_STAR_B = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]


def test_gi_star_reproduces_esda_docstring_vector() -> None:
    w = DistanceBand(POINTS, threshold=15, silence_warnings=True)
    result = getis_ord_gi_star(Y, w, transform="B")
    np.testing.assert_allclose(result.z, ESDA_ZS_STAR_B, atol=1e-6)
    # Two-sided normal p from the z-scores.
    from scipy import stats

    np.testing.assert_allclose(result.p_norm, 2 * stats.norm.sf(np.abs(result.z)), rtol=1e-6)
    assert result.p_sim is None
    # The docstring's p_sim[0] = 0.101 depends on esda's (version-specific) RNG stream; we only
    # check that permutation p-values are valid pseudo p-values.
    with_perm = getis_ord_gi_star(Y, w, permutations=99, seed=10)
    assert with_perm.p_sim is not None
    assert np.all((with_perm.p_sim >= 0.01) & (with_perm.p_sim <= 0.5 + 1e-9))


def test_grid_counts_and_bbox() -> None:
    x = [0.0, 0.5, 1.5, 2.0, 9.0]
    y = [0.0, 0.2, 0.5, 2.0, 9.0]
    gc = grid_counts(x, y, 1.0, bbox=(0.0, 0.0, 2.0, 2.0))
    assert (gc.grid.n_rows, gc.grid.n_cols) == (3, 3)
    assert gc.counts.tolist() == [[2, 1, 0], [0, 0, 0], [0, 0, 1]]
    assert gc.outside == 1
    default = grid_counts(x, y, 5.0)
    assert default.counts.sum() == 5 and default.outside == 0


def test_grid_gi_star_matches_direct_esda_on_lattice() -> None:
    # No offline copy of a published grid example, so we compare our grid wrapper with esda run
    # directly on libpysal's 10x10 queen lattice (rows = south to north, row-major ids).
    rng = np.random.default_rng(1)
    values = rng.poisson(2, 100).astype(float)
    values[44] = values[45] = values[54] = 15.0
    x = np.repeat((np.arange(100) % 10) + 0.5, values.astype(int))
    y = np.repeat((np.arange(100) // 10) + 0.5, values.astype(int))
    gc = grid_counts(x, y, 1.0, bbox=(0.0, 0.0, 9.999, 9.999))
    assert gc.counts.ravel().tolist() == values.astype(int).tolist()
    ours = grid_gi_star(gc)
    from esda.getisord import G_Local

    direct = G_Local(values, lat2W(10, 10, rook=False), transform="B", star=True, permutations=0)
    np.testing.assert_allclose(ours.z, direct.Zs, atol=1e-10)
    hottest = top_cells(gc, ours, 3)
    assert {(c.row, c.col) for c in hottest} <= {(4, 4), (4, 5), (5, 4), (5, 5), (3, 4), (4, 3), (5, 5)}
    assert hottest[0].z == pytest.approx(float(ours.z.max()))


def test_kernel_density_integrates_to_count() -> None:
    grid = Grid(x_min=-50.0, y_min=-50.0, cell_size=1.0, n_rows=100, n_cols=100)
    for kernel in ("quartic", "gaussian"):
        density = kernel_density([0.0, 5.0], [0.0, -3.0], grid, bandwidth=8.0, kernel=kernel)
        assert density.sum() * grid.cell_size**2 == pytest.approx(2.0, rel=1e-2)


def test_kernel_density_peak_value() -> None:
    grid = Grid(x_min=-0.5, y_min=-0.5, cell_size=1.0, n_rows=1, n_cols=1)  # one centre at (0, 0)
    quartic = kernel_density([0.0], [0.0], grid, bandwidth=2.0, kernel="quartic")
    assert quartic[0, 0] == pytest.approx(3 / (np.pi * 4))
    gaussian = kernel_density([0.0], [0.0], grid, bandwidth=2.0, kernel="gaussian")
    assert gaussian[0, 0] == pytest.approx(1 / (2 * np.pi * 4))
    # Quartic at d = h/2: 3/(π h²)·(1 − 1/4)²
    far = kernel_density([1.0], [0.0], grid, bandwidth=2.0, kernel="quartic")
    assert far[0, 0] == pytest.approx(3 / (np.pi * 4) * 0.75**2)


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError):
        grid_counts([0, 1], [0, 1], 0)
    with pytest.raises(ValueError):
        grid_counts([0, 1], [0], 1)
    grid = Grid(0, 0, 1, 2, 2)
    with pytest.raises(ValueError):
        kernel_density([0.0], [0.0], grid, bandwidth=-1)
