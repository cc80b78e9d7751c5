"""Shared fixtures for safecity.analytics tests (plain pytest, no Django)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from safecity.analytics.csv_input import read_events

CHICAGO_CSV = Path(__file__).parent / "data" / "chicago_burglary_2016.csv"


@pytest.fixture(scope="session")
def chicago_csv() -> Path:
    return CHICAGO_CSV


@pytest.fixture(scope="session")
def chicago() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    events = read_events(CHICAGO_CSV, "x", "y", "date_single", "%d/%m/%Y")
    return events.x, events.y, events.days_since_first()
