"""The 2000 U.S. standard population used for direct age adjustment (data module).

Sources (figures copied as published):

* 19 age groups, counts: U.S. Census Bureau, *Current Population Reports* P25-1130 (2000 projected
  population), as tabulated by NCI SEER "Standard Populations — 19 Age Groups"
  (https://seer.cancer.gov/stdpopulations/stdpop.19ages.html), column "2000 U.S. Standard
  Population (Census P25-1130)", total 274,633,642.
* 11 age groups, standard million: Klein, R. J. & Schoenborn, C. A. (2001), "Age adjustment using
  the 2000 projected U.S. population", Healthy People 2010 Statistical Notes no. 20, NCHS, Table 2
  (distribution #1) — the groups NCHS uses for age-adjusted death rates (NVSS, CDC WONDER).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AgeGroup", "US2000_11_GROUPS", "US2000_19_GROUPS", "standard_weights"]


@dataclass(frozen=True)
class AgeGroup:
    """An age group ``[min_age, max_age]`` in completed years (``max_age`` None = open-ended)."""

    label: str
    min_age: int
    max_age: int | None
    standard_population: int


US2000_19_GROUPS: tuple[AgeGroup, ...] = (
    AgeGroup("<1", 0, 0, 3_794_901),
    AgeGroup("1-4", 1, 4, 15_191_619),
    AgeGroup("5-9", 5, 9, 19_919_840),
    AgeGroup("10-14", 10, 14, 20_056_779),
    AgeGroup("15-19", 15, 19, 19_819_518),
    AgeGroup("20-24", 20, 24, 18_257_225),
    AgeGroup("25-29", 25, 29, 17_722_067),
    AgeGroup("30-34", 30, 34, 19_511_370),
    AgeGroup("35-39", 35, 39, 22_179_956),
    AgeGroup("40-44", 40, 44, 22_479_229),
    AgeGroup("45-49", 45, 49, 19_805_793),
    AgeGroup("50-54", 50, 54, 17_224_359),
    AgeGroup("55-59", 55, 59, 13_307_234),
    AgeGroup("60-64", 60, 64, 10_654_272),
    AgeGroup("65-69", 65, 69, 9_409_940),
    AgeGroup("70-74", 70, 74, 8_725_574),
    AgeGroup("75-79", 75, 79, 7_414_559),
    AgeGroup("80-84", 80, 84, 4_900_234),
    AgeGroup("85+", 85, None, 4_259_173),
)
"""Census P25-1130 counts; SEER's published total is 274,633,642."""

US2000_11_GROUPS: tuple[AgeGroup, ...] = (
    AgeGroup("<1", 0, 0, 13_818),
    AgeGroup("1-4", 1, 4, 55_317),
    AgeGroup("5-14", 5, 14, 145_565),
    AgeGroup("15-24", 15, 24, 138_646),
    AgeGroup("25-34", 25, 34, 135_573),
    AgeGroup("35-44", 35, 44, 162_613),
    AgeGroup("45-54", 45, 54, 134_834),
    AgeGroup("55-64", 55, 64, 87_247),
    AgeGroup("65-74", 65, 74, 66_037),
    AgeGroup("75-84", 75, 84, 44_842),
    AgeGroup("85+", 85, None, 15_508),
)
"""NCHS standard million (sums to 1,000,000)."""

_STANDARDS = {"us2000_11": US2000_11_GROUPS, "us2000_19": US2000_19_GROUPS}


def standard_weights(name: str = "us2000_11") -> tuple[float, ...]:
    """Weights (shares summing to 1) of a named standard: ``us2000_11`` or ``us2000_19``.

    Source: Klein & Schoenborn (2001), Healthy People 2010 Statistical Notes no. 20 (11 groups);
    Census P25-1130 via NCI SEER (19 groups).
    """
    try:
        groups = _STANDARDS[name]
    except KeyError:
        raise ValueError(f"unknown standard {name!r}; choose one of {sorted(_STANDARDS)}") from None
    total = sum(g.standard_population for g in groups)
    return tuple(g.standard_population / total for g in groups)
