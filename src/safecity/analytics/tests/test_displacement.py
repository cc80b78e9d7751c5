from __future__ import annotations

import math

import pytest

from safecity.analytics.displacement import wdd, wdd_harm, wdq


def test_local_only() -> None:
    # ptools test-wdd.R "Local -10": SE 8.3666.
    res = wdd((20, 20), (20, 10))
    assert res.est_local == pytest.approx(-10)
    assert res.se == pytest.approx(math.sqrt(70))
    assert res.se == pytest.approx(8.3666, abs=1e-4)


def test_displacement_and_total() -> None:
    assert wdd((20, 20), (20, 20), (20, 20), (20, 10)).est_displacement == pytest.approx(-10)
    assert wdd((20, 20), (20, 10), (20, 20), (20, 10)).estimate == pytest.approx(-20)


def test_paper_example() -> None:
    # Wheeler & Ratcliffe (2018) worked example: -118, SE sqrt(1568), Z -2.98, CI [-196, -40].
    res = wdd((308, 318), (207, 110), (150, 140), (178, 157), alpha=0.05)
    assert res.estimate == pytest.approx(-118)
    assert res.se == pytest.approx(math.sqrt(1568))
    assert round(res.z, 2) == -2.98
    assert round(res.ci_low) == -196
    assert round(res.ci_high) == -40


def test_time_weights() -> None:
    res = wdd((100, 50), (80, 20), time_weights=(2, 1), alpha=0.05)
    assert res.estimate == pytest.approx(-20)
    assert res.se == pytest.approx(math.sqrt(115))


def test_area_weights() -> None:
    res = wdd((308, 318), (207, 110), (150, 140), (178, 157), area_weights=(0.9, 1.2, 1.6, 1.5), alpha=0.05)
    assert res.estimate == pytest.approx(-99.69444444)
    assert res.se == pytest.approx(35.4280755)
    assert res.z == pytest.approx(-2.813995483)
    assert res.ci_low == pytest.approx(-169.1321965)
    assert res.ci_high == pytest.approx(-30.25669241)


def test_harm_weighted() -> None:
    # Wheeler (2020) harm-weight blog post, as in ptools test-wdd.R "Cumulative Harm".
    pairs = [
        ((133, 91), (130, 74)),
        ((388, 305), (327, 202)),
        ((148, 97), (398, 190)),
        ((86, 64), (144, 92)),
        ((94, 67), (183, 96)),
    ]
    parts = [wdd(c, t) for c, t in pairs]
    res = wdd_harm([p.est_local for p in parts], [p.se_local for p in parts], [3, 2, 5, 7, 10], alpha=0.05)
    assert res.estimate == pytest.approx(-1721.0)
    assert res.se == pytest.approx(304.10360077, rel=1e-5)
    assert res.z == pytest.approx(-5.65925558, rel=1e-5)
    assert res.ci_low == pytest.approx(-2317.03210507, rel=1e-5)
    assert res.ci_high == pytest.approx(-1124.96789493, rel=1e-5)


def test_invalid() -> None:
    with pytest.raises(ValueError):
        wdd((1, 1), (1, 1), disp_control=(1, 1))
    with pytest.raises(ValueError):
        wdd((-1, 1), (1, 1))
    with pytest.raises(ValueError):
        wdd((1, 1), (1, 1), time_weights=(0, 1))


def test_wdq_by_the_formula_on_the_paper_counts() -> None:
    # Bowers & Johnson (2003): success = Ra/Ca - Rb/Cb, buffer = Da/Ca - Db/Cb, WDQ = buffer / success;
    # Guerette (2009): TNE = [Rb(Ca/Cb) - Ra] + [Db(Ca/Cb) - Da]. Counts of Wheeler & Ratcliffe's example
    # (control 308 -> 318, target 207 -> 110, buffer 178 -> 157), worked by hand:
    res = wdq((308, 318), (207, 110), (178, 157))
    assert res.success == pytest.approx(110 / 318 - 207 / 308)  # -0.32617...
    assert round(res.success, 4) == -0.3262
    assert round(res.buffer_change, 4) == round(157 / 318 - 178 / 308, 4) == -0.0842
    assert res.wdq is not None and round(res.wdq, 3) == 0.258  # positive: a diffusion of benefits
    assert round(res.total_net_effect, 1) == round((207 * 318 / 308 - 110) + (178 * 318 / 308 - 157), 1) == 130.5


def test_wdq_undefined_and_invalid() -> None:
    assert wdq((10, 10), (5, 5), (3, 4)).wdq is None  # no change in the target: the quotient is undefined
    with pytest.raises(ValueError):
        wdq((0, 10), (5, 5), (3, 4))
    with pytest.raises(ValueError):
        wdq((10, 10), (-1, 5), (3, 4))
