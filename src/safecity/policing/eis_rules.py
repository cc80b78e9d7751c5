"""The early-intervention rule pack's registration (kept apart from the selectors so start-up, which registers
it, imports no NumPy)."""

from __future__ import annotations

from pathlib import Path

from safecity.core import rules

RULE_PACK = rules.PackSpec(
    name="policing.ei_thresholds",
    title="Early-intervention threshold rules",
    path=Path(__file__).resolve().parent / "data" / "ei_thresholds.toml",
    key="key",
    description="Counts and peer percentiles that flag an officer for supervisor review (a prompt, not a finding).",
)
