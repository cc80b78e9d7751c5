"""Several rows, one incident: Chicago publishes a homicide once per victim under the same case number.

When a mapping sets `group_rows_by_incident` (the shipped `chicago` mapping does), rows that share an
incident number anywhere in the file become one incident: the first row gives the incident's fields,
each row adds its victims and offenders, and offenses are the union of the rows' offenses. An offense
reported on several rows keeps every row's weapons and bias motivations (NYPD's hate-crime file repeats a
complaint once per arrest, and could once per bias motive: `facts.merge_bias` pools them). A first pass
counts the rows per incident number, so a group is released as soon as its last row has been read and
only incomplete groups are held in memory. A row repeated verbatim, or a row whose occurrence date differs
from the group's first row (a reused number, not another victim), is still rejected as a duplicate; a row
that cannot be parsed is rejected on its own while the group's other rows are imported.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from safecity.incidents import facts
from safecity.incidents.importers.reading import CsvRow, CsvSource, SourceInfo
from safecity.incidents.importers.records import IncidentRec, RowError, RowRejected


def count_rows(info: SourceInfo, delimiter: str, number: Callable[[dict[str, str]], str]) -> dict[str, int]:
    """incident number → rows, for numbers on more than one row (a separate read; its errors are not kept)."""
    counts = Counter(number(row.values) for row in CsvSource(info, delimiter).rows())
    return {n: c for n, c in counts.items() if c > 1 and n}


@dataclass
class _Group:
    remaining: int
    recs: list[IncidentRec] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # row fingerprint → line, to spot verbatim repeats


def merge(recs: list[IncidentRec], victims_from_first_row: bool = False) -> IncidentRec:
    """One incident from the rows of a group, in file order; its fingerprint covers every row.

    `victims_from_first_row`: the rows repeat the incident for another reason (NYPD: once per arrest or bias
    motive), so they describe the same victims, and only the first row's count.
    """
    merged = recs[0]
    for rec in recs[1:]:
        for offense in rec.offenses:
            same = next((o for o in merged.offenses if o.code == offense.code), None)
            if same is None:
                merged.offenses.append(offense)
            else:
                same.weapon_codes.extend(w for w in offense.weapon_codes if w not in same.weapon_codes)
                if offense.bias_codes or same.bias_codes:
                    same.bias_codes = facts.merge_bias(same.bias_codes, offense.bias_codes)
        if not victims_from_first_row:
            merged.victims.extend(rec.victims)
        merged.offenders.extend(rec.offenders)
        merged.arrestees.extend(rec.arrestees)
        merged.properties.extend(rec.properties)
        if merged.latitude is None and rec.latitude is not None:
            merged.latitude, merged.longitude = rec.latitude, rec.longitude
        merged.block_address = merged.block_address or rec.block_address
        merged.location_type = merged.location_type or rec.location_type
    for seq, victim in enumerate(merged.victims, 1):
        victim.seq = seq
    for seq, offender in enumerate(merged.offenders, 1):
        offender.seq = seq
    for seq, arrestee in enumerate(merged.arrestees, 1):
        arrestee.seq = seq
    for seq, item in enumerate(merged.properties, 1):
        item.seq = seq
    merged.digest = hashlib.blake2b("\x1e".join(r.digest for r in recs).encode(), digest_size=10).hexdigest()
    return merged


def grouped(rows: Iterator[CsvRow], parse: Callable[[int, dict[str, str]], IncidentRec],
            number: Callable[[dict[str, str]], str], counts: dict[str, int],
            number_field: str, victims_from_first_row: bool = False) -> Iterator[IncidentRec | RowRejected]:
    """Parsed rows, with the rows of each multi-row incident merged and released after its last row."""
    open_groups: dict[str, _Group] = {}
    for row in rows:
        key = number(row.values)
        total = counts.get(key, 1)
        try:
            rec = parse(row.line, row.values)
        except RowRejected as exc:
            rec, rejected = None, exc
        if total == 1:
            yield rec if rec is not None else rejected
            continue
        group = open_groups.get(key)
        if group is None:
            group = open_groups[key] = _Group(total)
        group.remaining -= 1
        if rec is None:
            yield rejected
        elif rec.digest in group.lines:
            yield RowRejected([RowError(row.line, number_field, key,
                                        f"duplicate row: the same as line {group.lines[rec.digest]}")])
        elif group.recs and rec.occurred_from != group.recs[0].occurred_from:
            yield RowRejected([RowError(row.line, number_field, key,
                                        f"duplicate incident number in this file (first on line {group.recs[0].line}) "
                                        "with a different date: rows of one incident must agree on when it occurred")])
        else:
            group.lines[rec.digest] = row.line
            group.recs.append(rec)
        if group.remaining == 0:
            del open_groups[key]
            if group.recs:
                yield merge(group.recs, victims_from_first_row)
    for group in open_groups.values():  # only if the file changed between the two reads
        if group.recs:
            yield merge(group.recs, victims_from_first_row)
