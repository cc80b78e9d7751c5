"""Weighted Displacement Difference (WDD) test and its harm-weighted combination.

Source: Wheeler, A. P. & Ratcliffe, J. H. (2018), "A simple weighted displacement difference
test to evaluate place based crime interventions", Crime Science 7:11; time/area weights from
Wheeler's blog posts (2021-01-09 "The WDD test with different pre/post time periods",
2021-02-23 "... with different area sizes"); harm weights from Wheeler (2020-11-19) "Amending the
WDD test to incorporate harm weights". Formulas as in those sources.

The weighted displacement quotient (`wdq`) is Bowers, K. J. & Johnson, S. D. (2003), "Measuring the
geographical displacement and diffusion of benefit effects of crime prevention activity", Journal of
Quantitative Criminology 19(3):275-301; the total net effect beside it is Guerette, R. T. (2009), "Analyzing
crime displacement and diffusion", Problem-Oriented Guides for Police, Problem-Solving Tools Series No. 10.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

__all__ = ["HarmResult", "WDDResult", "WDQResult", "wdd", "wdd_harm", "wdq"]

PrePost = tuple[float, float]


@dataclass(frozen=True)
class WDDResult:
    """WDD estimate (negative = crime reduction in the treated area), SE, Z, p and CI."""

    est_local: float
    est_displacement: float
    estimate: float
    se_local: float
    se: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    alpha: float


def _difference(pre_post: PrePost, time_weights: PrePost, area: float, name: str) -> tuple[float, float]:
    pre, post = pre_post
    if pre < 0 or post < 0:
        raise ValueError(f"{name} counts must be non-negative, got {pre_post!r}")
    w_pre = time_weights[0] * area
    w_post = time_weights[1] * area
    return post / w_post - pre / w_pre, post / w_post**2 + pre / w_pre**2


def wdd(
    control: PrePost,
    treated: PrePost,
    disp_control: PrePost | None = None,
    disp_treated: PrePost | None = None,
    time_weights: PrePost = (1.0, 1.0),
    area_weights: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
    alpha: float = 0.10,
) -> WDDResult:
    """Weighted displacement difference test (Wheeler & Ratcliffe 2018, Crime Science 7:11).

    Each argument is a ``(pre, post)`` count pair. ``time_weights = (w_pre, w_post)`` are the
    lengths of the two periods; ``area_weights = (control, treated, disp_control, disp_treated)``
    are relative area sizes. ``Est_Local = ΔT − ΔC``, ``Est_Disp = ΔD − ΔDc`` (each count divided
    by its weights); variances are the Poisson counts divided by squared weights; the CI is
    ``WDD ± z_{1−α/2}·SE`` (default α = 0.10, as in the paper).
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    if min(time_weights) <= 0 or min(area_weights) <= 0:
        raise ValueError("time and area weights must be positive")
    a_ctrl, a_treat, a_dctrl, a_dtreat = area_weights
    d_treat, v_treat = _difference(treated, time_weights, a_treat, "treated")
    d_ctrl, v_ctrl = _difference(control, time_weights, a_ctrl, "control")
    est_local = d_treat - d_ctrl
    var_local = v_treat + v_ctrl
    est_disp = 0.0
    var_disp = 0.0
    if (disp_control is None) != (disp_treated is None):
        raise ValueError("give both disp_control and disp_treated, or neither")
    if disp_control is not None and disp_treated is not None:
        d_dtreat, v_dtreat = _difference(disp_treated, time_weights, a_dtreat, "disp_treated")
        d_dctrl, v_dctrl = _difference(disp_control, time_weights, a_dctrl, "disp_control")
        est_disp = d_dtreat - d_dctrl
        var_disp = v_dtreat + v_dctrl
    estimate = est_local + est_disp
    se = math.sqrt(var_local + var_disp)
    z = estimate / se if se > 0 else math.nan
    p_value = float(2 * stats.norm.sf(abs(z))) if se > 0 else math.nan
    crit = float(stats.norm.ppf(1 - alpha / 2))
    return WDDResult(
        est_local=est_local,
        est_displacement=est_disp,
        estimate=estimate,
        se_local=math.sqrt(var_local),
        se=se,
        z=z,
        p_value=p_value,
        ci_low=estimate - crit * se,
        ci_high=estimate + crit * se,
        alpha=alpha,
    )


@dataclass(frozen=True)
class HarmResult:
    """Harm-weighted combination of several WDD estimates."""

    estimate: float
    se: float
    z: float
    ci_low: float
    ci_high: float


def wdd_harm(
    estimates: Sequence[float], ses: Sequence[float], weights: Sequence[float], alpha: float = 0.10
) -> HarmResult:
    """Harm-weighted WDD: ``H = Σ wᵢ·Estᵢ``, ``SE_H = sqrt(Σ wᵢ²·SEᵢ²)``.

    Source: Wheeler, A. P. (2020-11-19), "Amending the WDD test to incorporate harm weights"
    (andrewpwheeler.com), e.g. with Cambridge Crime Harm Index style weights.
    """
    if not len(estimates) == len(ses) == len(weights):
        raise ValueError("estimates, ses and weights must have the same length")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    estimate = sum(w * e for w, e in zip(weights, estimates, strict=True))
    se = math.sqrt(sum((w * s) ** 2 for w, s in zip(weights, ses, strict=True)))
    z = estimate / se if se > 0 else math.nan
    crit = float(stats.norm.ppf(1 - alpha / 2))
    return HarmResult(estimate, se, z, estimate - crit * se, estimate + crit * se)


@dataclass(frozen=True)
class WDQResult:
    """Bowers & Johnson's quotient: the buffer's change relative to the target's, both against the control.

    ``success`` (Ra/Ca − Rb/Cb) below 0 means the target fell relative to the control; ``buffer_change``
    (Da/Ca − Db/Cb) below 0 means the buffer fell too. ``wdq`` = buffer_change / success: above 0 a
    diffusion of benefits, below 0 displacement, above 1 a diffusion larger than the direct effect; it is
    None when ``success`` is 0 (the quotient is then undefined). ``total_net_effect`` (Guerette 2009) is
    [Rb·(Ca/Cb) − Ra] + [Db·(Ca/Cb) − Da], in crimes: above 0 a net reduction.
    """

    success: float
    buffer_change: float
    wdq: float | None
    total_net_effect: float


def wdq(control: PrePost, treated: PrePost, buffer: PrePost) -> WDQResult:
    """Weighted displacement quotient (Bowers & Johnson 2003) from ``(before, after)`` counts.

    The control counts must be positive in both periods (they are divisors).
    """
    for name, pair in (("control", control), ("treated", treated), ("buffer", buffer)):
        if min(pair) < 0:
            raise ValueError(f"{name} counts must be non-negative, got {pair!r}")
    c_before, c_after = control
    if c_before <= 0 or c_after <= 0:
        raise ValueError(f"control counts must be positive in both periods, got {control!r}")
    r_before, r_after = treated
    d_before, d_after = buffer
    success = r_after / c_after - r_before / c_before
    buffer_change = d_after / c_after - d_before / c_before
    ratio = c_after / c_before
    tne = (r_before * ratio - r_after) + (d_before * ratio - d_after)
    return WDQResult(success=success, buffer_change=buffer_change,
                     wdq=buffer_change / success if success != 0 else None, total_net_effect=tne)
