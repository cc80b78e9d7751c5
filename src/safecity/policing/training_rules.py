"""Training requirements as rule data: the pack `policing.training_requirements` read into
`analytics.training.Requirement`s, and which rule applies to an agency on a date.

A rule applies to an agency when its `state` is the agency's state and it is in force on the as-of date
(`effective_from` ≤ date ≤ `effective_to`); the pack loader refuses overlapping periods of one key, and
`requirement_for` refuses a state with two rules in force at once, so the answer is never a matter of order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from safecity.analytics.training import CALENDAR, PERIOD_MODELS, Requirement, TopicMinimum
from safecity.core import rules
from safecity.policing.models import Topic

TRAINING_PACK = rules.PackSpec(
    name="policing.training_requirements",
    title="Police in-service training requirements",
    path=Path(__file__).resolve().parent / "data" / "training_requirements.toml",
    key="key",
    description="Hours of in-service training a state requires per period, with topic minimums; the training "
                "compliance report applies the rule of the agency's state in force on the report's date.",
)


class RequirementError(ValueError):
    """A rule whose content cannot be read as a requirement (names the rule and field)."""


@dataclass(frozen=True)
class AppliedRule:
    """The rule in force for a state on a date, as the report shows it."""

    key: str
    state: str
    name: str
    citation: str
    status: str
    review_reason: str
    effective_from: dt.date
    effective_to: dt.date | None
    note: str
    requirement: Requirement

    @property
    def period_words(self) -> str:
        req = self.requirement
        if req.period_model == CALENDAR:
            return (f"{req.min_hours:g} hours in each fixed period of {req.period_months} months "
                    f"(periods start on {req.anchor.isoformat() if req.anchor else '?'})")
        return f"{req.min_hours:g} hours in the {req.period_months} months up to the report date (rolling)"


def parse_topic_hours(text: str, where: str = "topic_hours") -> tuple[TopicMinimum, ...]:
    """`"firearms+driving: 12; communications: 2"` → topic minimums; refuses unknown topics naming them."""
    found: list[TopicMinimum] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        topics_text, sep, hours_text = part.partition(":")
        if not sep:
            raise RequirementError(f"{where}: {part!r} is not 'topic: hours'")
        topics = frozenset(t.strip() for t in topics_text.split("+") if t.strip())
        unknown = sorted(topics - set(Topic.values))
        if unknown or not topics:
            raise RequirementError(f"{where}: unknown topic {', '.join(unknown) or '(none)'}; "
                                   f"use {', '.join(Topic.values)}")
        try:
            hours = float(hours_text)
        except ValueError:
            raise RequirementError(f"{where}: hours {hours_text.strip()!r} is not a number") from None
        found.append(TopicMinimum(topics, hours))
    return tuple(found)


def applied(rule: rules.Rule, today: dt.date) -> AppliedRule:
    values = rule.values
    where = f"rule {rule.key!r}"
    try:
        model = str(values.get("period_model", ""))
        if model not in PERIOD_MODELS:
            raise RequirementError(f"{where}: period_model {model!r} is not one of {', '.join(PERIOD_MODELS)}")
        anchor_text = str(values.get("period_anchor", "") or "")
        anchor = dt.date.fromisoformat(anchor_text) if anchor_text else None
        requirement = Requirement(
            key=rule.key, period_months=int(values["period_months"]), period_model=model,
            min_hours=float(values["min_hours"]),
            topic_minimums=parse_topic_hours(str(values.get("topic_hours", "")), f"{where}: topic_hours"),
            anchor=anchor)
    except KeyError as exc:
        raise RequirementError(f"{where}: field {exc.args[0]} is missing") from None
    except ValueError as exc:
        if isinstance(exc, RequirementError):
            raise
        raise RequirementError(f"{where}: {exc}") from None
    return AppliedRule(key=rule.key, state=str(values.get("state", "")), name=str(values.get("name", rule.key)),
                       citation=rule.citation, status=rule.status.value, review_reason=rule.review_reason(today),
                       effective_from=rule.effective_from, effective_to=rule.effective_to,
                       note=str(values.get("note", "")), requirement=requirement)


def requirement_for(state: str, on: dt.date, *, pack: rules.RulePack | None = None,
                    today: dt.date | None = None) -> AppliedRule | None:
    """The rule for `state` in force on `on`, or None when the pack has none."""
    loaded = pack or rules.pack(TRAINING_PACK.name)
    matches = [r for r in loaded.in_force(on) if str(r.values.get("state", "")).upper() == state.strip().upper()]
    if not matches:
        return None
    if len(matches) > 1:
        raise RequirementError(f"state {state}: rules {', '.join(r.key for r in matches)} are all in force on "
                               f"{on.isoformat()}; end one of them (effective_to)")
    return applied(matches[0], today or on)


def all_requirements(pack: rules.RulePack | None = None) -> list[AppliedRule]:
    """Every rule of the pack read as a requirement (raises on the first that cannot be)."""
    loaded = pack or rules.pack(TRAINING_PACK.name)
    return [applied(r, r.effective_from) for r in loaded.rules]

