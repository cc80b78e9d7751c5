"""FBI NIBRS flat-file submissions: fixed-width segments, one per line, grouped into incidents.

Positions are 1-based and inclusive, as in the reference (SEARCH-NCJIS IncidentBuilder). The
administrative segment's own fields follow the common header: incident date 38–45 (YYYYMMDD), report-date
indicator 46 ('R' = the date is the report date), incident hour 47–48, cleared exceptionally 49,
exceptional clearance date 50–57.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from safecity.incidents.importers.reading import LineReader, SourceInfo
from safecity.incidents.importers.records import (
    ArresteeRec,
    IncidentRec,
    OffenderRec,
    OffenseRec,
    PropertyRec,
    RowError,
    RowRejected,
    VictimRec,
    parse_age,
)

SEGMENT_MIN_LENGTH = {"1": 57, "2": 63, "3": 38, "4": 89, "5": 45, "6": 77, "7": 77}
SEGMENT_NAMES = {"1": "administrative", "2": "offense", "3": "property", "4": "victim", "5": "offender",
                 "6": "arrestee", "7": "group B arrest"}


def _cut(line: str, start: int, end: int) -> str:
    return line[start - 1:end].strip()


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007  a calendar date, no time zone


def _age(text: str) -> int | None:
    # A 4-digit age is a range (e.g. '2530' = 25 to 30); keep its lower bound.
    if len(text) == 4 and text.isdigit():
        return int(text[:2])
    return parse_age(text)


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


class _Builder:
    def __init__(self, line: int, number: str) -> None:
        self.line = line
        self.number = number
        self.rec: IncidentRec | None = None
        self.errors: list[RowError] = []

    def result(self) -> IncidentRec | RowRejected:
        if self.rec is None and not self.errors:
            self.errors.append(RowError(self.line, "level", "", "incident has no administrative segment"))
        if self.errors:
            return RowRejected(self.errors)
        assert self.rec is not None
        if not self.rec.offenses and not self.rec.arrestees:
            return RowRejected([RowError(self.line, "offense", "", "incident has no offense segment")])
        return self.rec


class NibrsSource:
    """Yields one IncidentRec (or RowRejected) per Group A incident or Group B arrest."""

    def __init__(self, info: SourceInfo, agency_ori: str, zone: str) -> None:
        self.lines = LineReader(info)
        self.errors = self.lines.errors
        self.agency_ori = agency_ori
        self.zone = ZoneInfo(zone)

    def records(self) -> Iterator[IncidentRec | RowRejected]:
        current: _Builder | None = None
        for text in self.lines:
            line_no = self.lines.line_no
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            if len(text) < 37:
                if current is not None:
                    yield current.result()
                    current = None
                reason = ("truncated last line" if not self.lines.ends_with_newline
                          else "segment shorter than the 37-character header")
                yield RowRejected([RowError(line_no, "segment", text[:200], reason)])
                continue
            level, ori, number = text[4], _cut(text, 17, 25), _cut(text, 26, 37)
            if level in {"0", "8", "9"}:
                continue  # zero reports and state-specific segments carry no incident
            problem = self._header_problem(text, line_no, level, ori)
            if level in {"1", "7"} or current is None or current.number != number:
                if current is not None:
                    yield current.result()
                current = _Builder(line_no, number)
                if level not in {"1", "7"} and problem is None:
                    problem = RowError(line_no, "level", level,
                                       f"{SEGMENT_NAMES.get(level, 'segment')} segment for incident {number} "
                                       "without an administrative segment before it")
            if problem is not None:
                current.errors.append(problem)
                continue
            try:
                self._apply(current, text, line_no, level, number)
            except (ValueError, IndexError) as exc:
                field, value, reason = exc.args if len(exc.args) == 3 else ("segment", "", str(exc))
                current.errors.append(RowError(line_no, field, value, reason))
            if level == "7":
                yield current.result()
                current = None
        if current is not None:
            yield current.result()

    def _header_problem(self, text: str, line_no: int, level: str, ori: str) -> RowError | None:
        if level not in SEGMENT_MIN_LENGTH:
            return RowError(line_no, "level", level, "unknown segment level (expected 0–9)")
        declared = _int(text[0:4])
        needed = max(SEGMENT_MIN_LENGTH[level], declared or 0)
        if len(text) < needed:
            what = "truncated last line" if not self.lines.ends_with_newline else "segment too short"
            return RowError(line_no, "segment", text[:60],
                            f"{what}: {SEGMENT_NAMES[level]} segment has {len(text)} of {needed} characters")
        if ori != self.agency_ori:
            return RowError(line_no, "ori", ori, f"ORI {ori} does not match the agency being imported "
                                                 f"({self.agency_ori})")
        if text[5] == "D":
            return RowError(line_no, "action", "D", "delete submissions are not imported; remove the incident "
                                                    "in safecity instead")
        return None

    def _apply(self, b: _Builder, text: str, line_no: int, level: str, number: str) -> None:
        if level == "1":
            raw_date, hour = _cut(text, 38, 45), _cut(text, 47, 48)
            try:
                day = _date(raw_date)
            except ValueError:
                raise ValueError("incident_date", raw_date, "incident date is not YYYYMMDD") from None
            if hour and (not hour.isdigit() or int(hour) > 23):
                raise ValueError("incident_hour", hour, "incident hour must be 00–23")
            start = dt.datetime.combine(day, dt.time(int(hour or 0)), tzinfo=self.zone)
            cleared = _cut(text, 50, 57)
            try:
                cleared_at = _date(cleared) if cleared else None
            except ValueError:
                raise ValueError("exceptional_clearance_date", cleared, "clearance date is not YYYYMMDD") from None
            b.rec = IncidentRec(line=line_no, incident_number=number, occurred_from=start,
                                reported_at=start if text[45] == "R" else None,
                                cleared_exceptionally=_cut(text, 49, 49) or "N", cleared_at=cleared_at)
            return
        if level == "7":
            b.rec = IncidentRec(line=line_no, incident_number=number, occurred_from=dt.datetime.now(self.zone))
            arrestee = self._arrestee(text)
            b.rec.occurred_from = dt.datetime.combine(arrestee.arrest_date, dt.time(0), tzinfo=self.zone)
            b.rec.arrestees.append(arrestee)
            b.rec.offenses.append(OffenseRec(code=arrestee.offense_code))
            return
        rec = b.rec
        if rec is None:
            return  # the administrative segment was rejected; its error already covers the incident
        if level == "2":
            weapons = []
            for i in range(3):
                code = _cut(text, 53 + 3 * i, 54 + 3 * i)
                if code:
                    weapons.append(code + ("A" if text[54 + 3 * i:55 + 3 * i] == "A" else ""))
            attempted = _cut(text, 41, 41)
            if attempted not in {"A", "C"}:
                raise ValueError("attempted", attempted, "attempted/completed must be A or C")
            location = _cut(text, 45, 46)
            bias = [c for c in (_cut(text, 62 + 2 * i, 63 + 2 * i) for i in range(5)) if c]  # 8A, up to 5
            rec.offenses.append(OffenseRec(
                code=_cut(text, 38, 40).upper(), attempted=attempted == "A", weapon_codes=weapons,
                location_type=location, bias_codes=bias,
                gang_codes=[c for c in (_cut(text, 50 + i, 50 + i) for i in range(3)) if c]))
            rec.location_type = rec.location_type or location
        elif level == "3":
            for i in range(10):
                desc = _cut(text, 39 + 19 * i, 40 + 19 * i)
                if not desc:
                    continue
                value = _cut(text, 41 + 19 * i, 49 + 19 * i)
                rec.properties.append(PropertyRec(loss_type=_cut(text, 38, 38), seq=len(rec.properties) + 1,
                                                  description_code=desc, value=_int(value)))
        elif level == "4":
            offenses = [c for c in (_cut(text, 41 + 3 * i, 43 + 3 * i) for i in range(10)) if c]
            rec.victims.append(VictimRec(
                seq=_int(_cut(text, 38, 40)) or len(rec.victims) + 1, victim_type=_cut(text, 71, 71) or "U",
                age=_age(_cut(text, 72, 75)), sex=_cut(text, 76, 76), race=_cut(text, 77, 77),
                ethnicity=_cut(text, 78, 78), offense_codes=offenses,
                injury_codes=[c for c in (_cut(text, 85 + i, 85 + i) for i in range(5)) if c],
                relationship=_cut(text, 92, 93)))
        elif level == "5":
            rec.offenders.append(OffenderRec(
                seq=_int(_cut(text, 38, 39)) or 0, age=_age(_cut(text, 40, 43)), sex=_cut(text, 44, 44),
                race=_cut(text, 45, 45), ethnicity=_cut(text, 46, 46)))
        elif level == "6":
            rec.arrestees.append(self._arrestee(text))

    @staticmethod
    def _arrestee(text: str) -> ArresteeRec:
        raw = _cut(text, 52, 59)
        try:
            day = _date(raw)
        except ValueError:
            raise ValueError("arrest_date", raw, "arrest date is not YYYYMMDD") from None
        armed = []
        for i in range(2):
            code = _cut(text, 65 + 3 * i, 66 + 3 * i)
            if code:
                armed.append(code + ("A" if text[66 + 3 * i:67 + 3 * i] == "A" else ""))
        return ArresteeRec(
            arrest_date=day, seq=_int(_cut(text, 38, 39)) or 1, arrest_type=_cut(text, 60, 60),
            offense_code=_cut(text, 62, 64).upper(), armed_with=armed, age=_age(_cut(text, 71, 74)),
            sex=_cut(text, 75, 75), race=_cut(text, 76, 76), ethnicity=_cut(text, 77, 77))
