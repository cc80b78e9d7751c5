"""Rule packs: rules that change by year, state or policy version, kept as data files with a citation each.

A pack is one file in an app's `data/` folder, CSV (one rule per row, `#` comment lines allowed) or TOML (one
`[[rule]]` table per rule). Every rule carries the same bookkeeping fields, whatever else it holds:

* the pack's key field (e.g. `code`, `key`): which rule this is; one key may have several periods;
* `effective_from` (ISO date, required) and `effective_to` (ISO date, the **last** day in force; empty = open);
* `citation`: the primary source the rule was checked against (required, never empty);
* `status`: `verified`, `unverified` (taken from a secondary source, not yet checked against the citation)
  or `needs-review` (sources disagree, or a newer version of the source exists);
* `review_by` (optional ISO date): the rule must be looked at again by then (a new edition is due).

The loader refuses a file with an error naming the file and line for every problem it finds (missing
field, bad date, unknown status, a period that ends before it starts, two periods of one key that overlap),
so a mistake in a pack stops `safecity manage check` and the test suite instead of changing a rule quietly.

**Needs review** is one convention for every pack: a rule whose status is not `verified`, or whose
`review_by` date has come, is flagged — by the system check `safecity.W002` and by a tag on the rules page.

Core imports no app, so apps declare their packs with `register(...)` from `AppConfig.ready()`; the rules
page, the API and the system check read `registered_packs()`.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import importlib
import io
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

RuleValue = str | int | float | bool
BOOKKEEPING = ("effective_from", "effective_to", "citation", "status", "review_by")
REQUIRED = ("effective_from", "citation", "status")


class Status(enum.StrEnum):
    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    NEEDS_REVIEW = "needs-review"


class RulePackError(ValueError):
    """A pack file that cannot be used; `problems` are "file:line: what is wrong" lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class RuleNotInForce(LookupError):
    """No period of the rule covers the date asked about."""


@dataclass(frozen=True)
class Rule:
    key: str
    effective_from: dt.date
    effective_to: dt.date | None  # last day in force; None = still in force
    citation: str
    status: Status
    review_by: dt.date | None
    values: Mapping[str, RuleValue]
    line: int  # where the rule is written, for messages and for the page

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def review_reason(self, today: dt.date) -> str:
        """Why the rule needs review on `today` ("" when it does not)."""
        if self.status is Status.UNVERIFIED:
            return "not yet checked against the cited source"
        if self.status is Status.NEEDS_REVIEW:
            return "marked for review"
        if self.review_by is not None and self.review_by <= today:
            return f"review date {self.review_by.isoformat()} has passed"
        return ""

    def needs_review(self, today: dt.date) -> bool:
        return bool(self.review_reason(today))


@dataclass(frozen=True)
class RulePack:
    name: str  # "<app>.<pack>", e.g. "incidents.nibrs_offense_codes"
    title: str
    key_field: str
    path: Path
    rules: tuple[Rule, ...]
    description: str = ""
    value_fields: tuple[str, ...] = field(default=())  # the pack's own fields, in file order

    @property
    def app(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def source(self) -> str:
        """The pack's file relative to the `safecity` package, as shown on the page."""
        parts = self.path.parts
        return "/".join(parts[parts.index("safecity") + 1:]) if "safecity" in parts else self.path.name

    def in_force(self, on: dt.date) -> list[Rule]:
        return [r for r in self.rules if r.in_force(on)]

    def rule(self, key: str, on: dt.date | None = None) -> Rule:
        day = on or timezone.localdate()
        for r in self.rules:
            if r.key == key and r.in_force(day):
                return r
        known = sorted({r.key for r in self.rules})
        if key not in known:
            raise RuleNotInForce(f"{self.name}: no rule {key!r} (known: {', '.join(known[:20])})")
        raise RuleNotInForce(f"{self.name}: rule {key!r} is not in force on {day.isoformat()}")

    def value(self, key: str, name: str = "value", on: dt.date | None = None) -> RuleValue:
        return self.rule(key, on).values[name]

    def needing_review(self, today: dt.date | None = None) -> list[Rule]:
        day = today or timezone.localdate()
        return [r for r in self.rules if r.needs_review(day) and (r.effective_to is None or r.effective_to >= day)]


# ---- loading -----------------------------------------------------------------------------------------


def _date(raw: Any, name: str, where: str, problems: list[str], *, required: bool) -> dt.date | None:
    if raw is None or raw == "":
        if required:
            problems.append(f"{where}: {name} is required (an ISO date, e.g. 2024-12-27)")
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        problems.append(f"{where}: {name} {raw!r} is not an ISO date (YYYY-MM-DD)")
        return None


def _rule(raw: Mapping[str, Any], key_field: str, where: str, line: int, problems: list[str]) -> Rule | None:
    before = len(problems)
    key = str(raw.get(key_field, "") or "").strip()
    if not key:
        problems.append(f"{where}: {key_field} is required")
    start = _date(raw.get("effective_from"), "effective_from", where, problems, required=True)
    end = _date(raw.get("effective_to"), "effective_to", where, problems, required=False)
    review = _date(raw.get("review_by"), "review_by", where, problems, required=False)
    citation = str(raw.get("citation", "") or "").strip()
    if not citation:
        problems.append(f"{where}: citation is required (the source the rule was checked against)")
    status_raw = str(raw.get("status", "") or "").strip().lower()
    try:
        status = Status(status_raw)
    except ValueError:
        problems.append(f"{where}: status {status_raw!r} is not one of {', '.join(s.value for s in Status)}")
        status = Status.UNVERIFIED
    if start and end and end < start:
        problems.append(f"{where}: effective_to {end} is before effective_from {start}")
    values = {k: v for k, v in raw.items() if k not in BOOKKEEPING and k != key_field}
    for name, value in values.items():
        if not isinstance(value, str | int | float | bool):
            problems.append(f"{where}: {name} must be text, a number or true/false, not {type(value).__name__}")
    if len(problems) > before or start is None:
        return None
    return Rule(key=key, effective_from=start, effective_to=end, citation=citation, status=status,
                review_by=review, values=values, line=line)


def _csv_rows(text: str, label: str, problems: list[str]) -> Iterable[tuple[int, dict[str, Any]]]:
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        problems.append(f"{label}:1: the file has no header row")
        return
    header_line, header = numbered[0]
    columns = [c.strip() for c in next(csv.reader([header]))]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(f"{label}:{header_line}: header lacks column(s) {', '.join(missing)}")
        return
    for n, line in numbered[1:]:
        cells = next(csv.reader(io.StringIO(line)))
        if len(cells) != len(columns):
            problems.append(f"{label}:{n}: {len(cells)} fields, the header has {len(columns)}")
            continue
        yield n, {c: v.strip() for c, v in zip(columns, cells, strict=True)}


def _toml_rows(text: str, label: str, problems: list[str]) -> Iterable[tuple[int, dict[str, Any]]]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        problems.append(f"{label}:{line}: not valid TOML ({exc})")
        return
    rules = doc.get("rule", [])
    if not isinstance(rules, list) or not rules:
        problems.append(f"{label}:1: no [[rule]] tables")
        return
    # tomllib keeps no positions; the n-th `[[rule]]` header is where the n-th rule starts.
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[rule]]"]
    for i, raw in enumerate(rules):
        yield (starts[i] if i < len(starts) else 1), dict(raw)


def _line_from_message(message: str) -> int:
    marker = "line "
    if marker in message:
        digits = "".join(ch for ch in message.split(marker, 1)[1] if ch.isdigit() or ch == " ").split()
        if digits:
            return int(digits[0])
    return 1


def load_pack(path: Path, *, name: str, title: str, key: str, description: str = "") -> RulePack:
    """Read and validate one pack file; raises RulePackError naming the file and line of every problem."""
    label = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulePackError([f"{label}:0: cannot read the pack ({exc.strerror or exc})"]) from exc
    except UnicodeDecodeError as exc:
        raise RulePackError([f"{label}:0: not UTF-8 text ({exc.reason})"]) from exc
    problems: list[str] = []
    if path.suffix == ".csv":
        rows = list(_csv_rows(text, label, problems))
    elif path.suffix == ".toml":
        rows = list(_toml_rows(text, label, problems))
    else:
        raise RulePackError([f"{label}:0: a rule pack is a .csv or .toml file"])
    rules: list[Rule] = []
    fields: dict[str, None] = {}
    for line, raw in rows:
        rule = _rule(raw, key, f"{label}:{line}", line, problems)
        if rule is not None:
            rules.append(rule)
            fields.update(dict.fromkeys(rule.values))
    problems.extend(_overlaps(rules, label))
    if problems:
        raise RulePackError(problems)
    rules.sort(key=lambda r: (r.key, r.effective_from))
    return RulePack(name=name, title=title, key_field=key, path=path, rules=tuple(rules),
                    description=description, value_fields=tuple(fields))


def _overlaps(rules: list[Rule], label: str) -> list[str]:
    """One key, two periods covering the same day: which rule is in force would depend on file order."""
    problems = []
    by_key: dict[str, list[Rule]] = {}
    for r in rules:
        by_key.setdefault(r.key, []).append(r)
    for key, periods in by_key.items():
        periods.sort(key=lambda r: r.effective_from)
        for earlier, later in zip(periods, periods[1:], strict=False):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                ends = earlier.effective_to.isoformat() if earlier.effective_to else "open-ended"
                problems.append(f"{label}:{later.line}: {key!r} from {later.effective_from} overlaps the period "
                                f"on line {earlier.line} ({earlier.effective_from} to {ends})")
    return problems


# ---- registry ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackSpec:
    """Where a pack lives and how to read it: what an app registers."""

    name: str  # "<app>.<pack>"
    title: str
    path: Path
    key: str  # the field that names a rule
    description: str = ""

    def load(self) -> RulePack:
        return load_pack(self.path, name=self.name, title=self.title, key=self.key, description=self.description)


_REGISTRY: dict[str, PackSpec] = {}


def register(spec: PackSpec) -> None:
    """Declare a pack (from an app's `AppConfig.ready()`); the file is read when first used, then cached."""
    existing = _REGISTRY.get(spec.name)
    if existing is not None and existing != spec:
        raise ValueError(f"rule pack {spec.name!r} is already registered from {existing.path}")
    _REGISTRY[spec.name] = spec


def registered() -> list[PackSpec]:
    return sorted(_REGISTRY.values(), key=lambda s: s.name)


def pack(name: str) -> RulePack:
    """The registered pack `name`, read from its file (re-read when the file changes)."""
    spec = _REGISTRY.get(name)
    if spec is None:
        raise LookupError(f"no rule pack {name!r} is registered (known: {', '.join(sorted(_REGISTRY))})")
    try:
        stamp = spec.path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _cached(spec, stamp)


@lru_cache(maxsize=64)
def _cached(spec: PackSpec, stamp: int) -> RulePack:
    return spec.load()


def setting_value(name: str) -> Any:
    """The value a rule's `setting` names: a Django setting, or "package.module:NAME" for a module constant
    (None when there is no such thing)."""
    if ":" in name:
        module, attr = name.split(":", 1)
        try:
            return getattr(importlib.import_module(module), attr, None)
        except ImportError:
            return None
    from django.conf import settings

    return getattr(settings, name, None)


def registered_packs() -> list[RulePack]:
    return [pack(spec.name) for spec in registered()]


# ---- what the rules page and the API show -------------------------------------------------------------


@dataclass(frozen=True)
class ShownRule:
    rule: Rule
    review_reason: str
    cells: tuple[RuleValue, ...]  # the pack's own fields, in `value_fields` order
    fields: tuple[str, ...] = ()  # the names of those fields

    @property
    def named_cells(self) -> list[tuple[str, RuleValue, bool]]:
        """(field, value, whether it is long text that may wrap on the page)."""
        return [(f.replace("_", " "), v, isinstance(v, str) and len(v) > 24)
                for f, v in zip(self.fields, self.cells, strict=True)]


@dataclass(frozen=True)
class PackReport:
    """One registered pack as the rules page and `GET /api/v1/rules` show it, on one date."""

    spec: PackSpec
    pack: RulePack | None  # None when the file does not load
    rules: tuple[ShownRule, ...]
    problems: tuple[str, ...]  # "file:line: ..." when the pack does not load

    @property
    def headings(self) -> list[str]:
        """The pack's field names as column headings ("period_months" → "period months", so a heading can
        wrap instead of widening the table)."""
        return [f.replace("_", " ") for f in self.pack.value_fields] if self.pack else []

    @property
    def needing_review(self) -> int:
        return sum(1 for r in self.rules if r.review_reason)


def parse_on(raw: str) -> dt.date:
    """The `on` parameter of the rules page and API: an ISO date, today when empty."""
    if not raw:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError({"on": f"{raw[:20]!r} is not a date; use YYYY-MM-DD."}) from None


def report(on: dt.date, today: dt.date | None = None) -> list[PackReport]:
    """Every registered pack with the rules in force on `on`; review flags are as of `today`."""
    day = today or timezone.localdate()
    found = []
    for spec in registered():
        try:
            loaded = pack(spec.name)
        except RulePackError as exc:
            found.append(PackReport(spec, None, (), tuple(exc.problems)))
            continue
        shown = tuple(ShownRule(r, r.review_reason(day), tuple(r.values.get(f, "") for f in loaded.value_fields),
                                tuple(loaded.value_fields))
                      for r in loaded.in_force(on))
        found.append(PackReport(spec, loaded, shown, ()))
    return found
