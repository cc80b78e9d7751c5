"""Write ``veil_fixture.csv``: simulated stops already reduced to the veil-of-darkness model's inputs.

Run from the repository root (the output is committed; running again rewrites the same bytes):

    uv run python src/safecity/analytics/tests/data/make_veil_fixture.py

Each row is one stop inside the inter-twilight window with the sunset–dusk interval already removed:
``minute`` (clock minute since midnight), ``is_dark`` (0/1), ``is_minority`` (0/1), ``district``. Sunset and
dusk follow a smooth seasonal curve (not astronomy: the fixture checks the model fit, not the sun), so later
clock times are more often dark, as in real data; the minority share has a curved clock-time trend, a
darkness effect of -0.25 log odds and a district effect, so every term of the model has work to do.
``veil_golden.R`` fits the same rows in R; ``test_veil.py`` compares our fit to its output.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("veil_fixture.csv")
SEED = 20200504  # Pierson et al. 2020 appeared online on 4 May 2020
N_DRAWN = 5000
DISTRICTS = ("D1", "D2", "D3", "D4", "D5")
DISTRICT_EFFECT = (0.0, 0.35, -0.2, 0.6, -0.45)
BETA_DARK = -0.25


def main(out: Path = OUT) -> None:
    rng = np.random.default_rng(SEED)
    day = rng.integers(0, 365, N_DRAWN)
    # Sunset between about 16:25 (mid-December) and 20:30 (late June); civil dusk about half an hour later.
    sunset = 1107.0 - 123.0 * np.cos(2 * math.pi * (day + 10) / 365)
    dusk = sunset + 30.0 + 4.0 * np.cos(2 * math.pi * (day - 172) / 365)
    start, end = float(dusk.min()), float(sunset.max())
    minute = rng.integers(math.floor(start) + 1, math.ceil(end), N_DRAWN)
    keep = ~((minute > sunset) & (minute < dusk))  # twilight: neither light nor dark
    minute, dusk = minute[keep], dusk[keep]
    is_dark = (minute > dusk).astype(int)
    district = rng.integers(0, len(DISTRICTS), minute.size)
    hours = (minute - 18 * 60) / 60
    logit = (
        -0.3
        + 0.45 * hours
        + 0.35 * np.sin(hours * math.pi / 1.5)
        + BETA_DARK * is_dark
        + np.asarray(DISTRICT_EFFECT)[district]
    )
    is_minority = (rng.random(minute.size) < 1 / (1 + np.exp(-logit))).astype(int)
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["minute", "is_dark", "is_minority", "district"])
        for row in zip(minute, is_dark, is_minority, district, strict=True):
            writer.writerow([int(row[0]), int(row[1]), int(row[2]), DISTRICTS[int(row[3])]])


if __name__ == "__main__":
    main()
