"""Issue 8, item 14: NYPD's hate-crime file, bias motivation per offense (NIBRS 8A) and crosswalks that tolerate
text the source cuts at 30 characters.

The real file (tests/fixtures/nypd_hate_crimes.csv, copied from shared/data) repeats a complaint once per arrest
(and would once per bias motive); its offense names are cut at 30 characters. Every count below is checked against
the same figure computed from the file with pandas, independently of the importer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from safecity.core.models import Agency
from safecity.incidents import facts
from safecity.incidents.importers import ImportFailure, ImportOptions, run_import
from safecity.incidents.importers.mapping import MAPPINGS_DIR
from safecity.incidents.models import Incident, Offense
from safecity.incidents.tests.test_import_formats import FIXTURES

pytestmark = pytest.mark.django_db

HATE_FILE = FIXTURES / "nypd_hate_crimes.csv"
# Values the shipped crosswalks leave out on purpose (named in their comment lines): not an offense, and a bias
# (age) that NIBRS 8A has no code for. Rows holding them are rejected, each naming the value.
NOT_AN_OFFENSE = "INVESTIGATIONS/COMPLAINTS ONLY"
NO_NIBRS_BIAS = "60 YRS AND OLDER"


def hate_import(agency: Agency) -> Any:
    return run_import(ImportOptions(path=HATE_FILE, agency=agency, fmt="nypd_hate"))


def published() -> pd.DataFrame:
    return pd.read_csv(HATE_FILE, dtype=str, keep_default_na=False)


def test_real_file_rows_group_into_complaints_with_counts_per_bias_motive(agency_a: Agency) -> None:
    rows = published()
    assert (len(rows), rows["Full Complaint ID"].nunique()) == (2406, 2200)
    bad = (rows["Offense Description"] == NOT_AN_OFFENSE) | (rows["Bias Motive Description"] == NO_NIBRS_BIAS)
    kept = rows[~bad]

    result = hate_import(agency_a)

    assert result.rejected == int(bad.sum()) == 3
    assert sorted((e.line, e.field, e.value) for e in result.errors) == sorted(
        [(int(i) + 2, "Offense Description", NOT_AN_OFFENSE) for i in rows.index[rows["Offense Description"]
                                                                                   == NOT_AN_OFFENSE]]
        + [(int(i) + 2, "Bias Motive Description", NO_NIBRS_BIAS)
           for i in rows.index[rows["Bias Motive Description"] == NO_NIBRS_BIAS]])
    expected_incidents = kept["Full Complaint ID"].nunique()
    assert expected_incidents == 2197
    assert result.imported == Incident.objects.filter(agency=agency_a).count() == expected_incidents
    assert result.rows_read == rows["Full Complaint ID"].nunique()  # incidents after grouping, as documented

    # Complaints per bias motive: the database (through the crosswalk's NIBRS code) against pandas.
    crosswalk = pd.read_csv(MAPPINGS_DIR / "nypd_hate_bias_motive.csv", comment="#", dtype=str)
    code_of = dict(zip(crosswalk["source"], crosswalk["nibrs"], strict=True))
    expected: dict[str, int] = {}
    for description, complaints in kept.groupby("Bias Motive Description")["Full Complaint ID"].nunique().items():
        expected[code_of[str(description)]] = expected.get(code_of[str(description)], 0) + int(complaints)
    stored: dict[str, set[int]] = {}
    for incident_id, codes in Offense.objects.filter(agency=agency_a).values_list("incident_id", "bias_codes"):
        for code in codes:
            stored.setdefault(code, set()).add(incident_id)
    assert {code: len(ids) for code, ids in stored.items()} == expected
    assert (expected["21"], expected["14"], expected["41"], expected["12"]) == (974, 283, 281, 199)

    # Offense names cut at 30 characters found their full crosswalk entries.
    mischief = kept[kept["Offense Description"] == "CRIMINAL MISCHIEF & RELATED OF"]["Full Complaint ID"].nunique()
    assert Incident.objects.filter(agency=agency_a, offenses__code__code="290").distinct().count() == mischief == 508
    threats = kept[kept["Offense Description"].isin(["MISCELLANEOUS PENAL LAW", "OFF. AGNST PUB ORD SENSBLTY &",
                                                     "HARRASSMENT 2"])]["Full Complaint ID"].nunique()
    assert Incident.objects.filter(agency=agency_a, primary_offense="13C").count() == threats

    # A complaint published on four rows (one per arrest) is one incident with one offense and one motive.
    larceny = Incident.objects.get(agency=agency_a, incident_number="201906612592617")
    assert [(o.code.code, o.bias_codes) for o in larceny.offenses.all()] == [("23H", ["21"])]
    assert larceny.offense_count == 1
    # Its rows repeat it per arrest, not per victim: one (unknown) victim of the assault, not one per row.
    assault = Incident.objects.get(agency=agency_a, incident_number="201900912215017")
    assert (assault.primary_offense, assault.victim_count, assault.victims.count()) == ("13B", 1, 1)

    again = hate_import(agency_a)
    assert (again.imported, again.unchanged, again.rejected) == (0, expected_incidents, 3)


MAPPING: dict[str, Any] = {
    "name": "cut-text",
    "incident_number": "id",
    "occurred_from": {"column": "date", "formats": ["%Y-%m-%d"]},
    "offense": {"column": "offense", "table": "offenses", "truncated_at": 30},
    "bias_motivation": [{"column": "bias1"}, {"column": "bias2"}],
    "group_rows_by_incident": True,
    "tables": {"offenses": {
        "LARCENY,GRAND FROM PERSON,PERSONAL ELECTRONIC DEVICE(SNATCH)": "23H",
        "LARCENY,GRAND FROM PERSON,PERSONAL ELECTRONIC DEVICE(PICK)": "23A",
        "CRIMINAL MISCHIEF & RELATED OFFENSES": "290",
        "ROBBERY": "120",
    }},
}


def import_csv(agency: Agency, tmp_path: Path, rows: list[str], mapping: dict[str, Any] | None = None) -> Any:
    data = tmp_path / "cut.csv"
    data.write_text("\n".join(["id,date,offense,bias1,bias2", *rows]) + "\n")
    spec = tmp_path / "cut.json"
    spec.write_text(json.dumps(mapping or MAPPING))
    return run_import(ImportOptions(path=data, agency=agency, fmt="csv", mapping_path=spec))


def test_a_cut_value_matches_the_one_entry_it_starts_and_names_the_candidates_when_several(
        agency_a: Agency, tmp_path: Path) -> None:
    result = import_csv(agency_a, tmp_path, [
        'A1,2024-03-01,"LARCENY,GRAND FROM PERSON,PERS",21,',  # the start of two entries: which one is a guess
        "A2,2024-03-01,CRIMINAL MISCHIEF & RELATED OF,21,",  # the start of exactly one
        "A3,2024-03-01,CRIMINAL,21,",  # a prefix, but not a cut value: no match
        "A4,2024-03-01,ROBBERY,,",
    ])
    assert (result.imported, result.rejected) == (2, 2), result.errors
    errors = {e.line: e for e in result.errors}
    ambiguous = errors[2]
    assert (ambiguous.field, ambiguous.value) == ("offense", "LARCENY,GRAND FROM PERSON,PERS")
    assert "cut at 30 characters and could be any of 2 entries in offenses" in ambiguous.reason
    assert "PERSONAL ELECTRONIC DEVICE(SNATCH)" in ambiguous.reason and "DEVICE(PICK)" in ambiguous.reason
    assert (errors[4].field, errors[4].value) == ("offense", "CRIMINAL")
    assert errors[4].reason.startswith("no NIBRS code for 'CRIMINAL' in offenses")
    mischief = Incident.objects.get(agency=agency_a, incident_number="A2")
    assert [(o.code.code, o.bias_codes) for o in mischief.offenses.all()] == [("290", ["21"])]
    # No bias column filled: NIBRS 88, none.
    assert [o.bias_codes for o in Incident.objects.get(incident_number="A4").offenses.all()] == [["88"]]


def test_the_cut_value_itself_in_the_table_settles_an_ambiguity(agency_a: Agency, tmp_path: Path) -> None:
    mapping = json.loads(json.dumps(MAPPING))
    mapping["tables"]["offenses"]["LARCENY,GRAND FROM PERSON,PERS"] = "23H"
    result = import_csv(agency_a, tmp_path, ['A1,2024-03-01,"LARCENY,GRAND FROM PERSON,PERS",21,'], mapping)
    assert (result.imported, result.rejected) == (1, 0), result.errors


def test_bias_motivations_per_offense_up_to_five_pooled_over_rows(agency_a: Agency, tmp_path: Path) -> None:
    six = [f"A7,2024-03-01,ROBBERY,{code},{other}" for code, other in
           (("11", ""), ("12", ""), ("14", ""), ("21", ""), ("24", ""), ("41", ""))]
    result = import_csv(agency_a, tmp_path, [
        "A1,2024-03-01,ROBBERY,21,12",  # two columns, two motives
        "A2,2024-03-01,ROBBERY,21,",  # two rows of one complaint, a motive each
        "A2,2024-03-01,ROBBERY,14,",
        "A3,2024-03-01,ROBBERY,88,",  # a row saying "none" adds nothing to one that names a motive
        "A3,2024-03-01,ROBBERY,32,",
        "A4,2024-03-01,ROBBERY,19,",  # not an 8A code
        *six,  # six motives for one offense: NIBRS allows five
    ])
    assert (result.imported, result.rejected) == (3, 2), result.errors
    stored = {i.incident_number: [o.bias_codes for o in i.offenses.all()]
              for i in Incident.objects.filter(agency=agency_a).prefetch_related("offenses")}
    assert stored == {"A1": [["21", "12"]], "A2": [["21", "14"]], "A3": [["32"]]}
    errors = {e.value: e for e in result.errors}
    assert errors["19"].field == "bias_motivation" and errors["19"].line == 7
    assert errors["19"].reason.startswith("'19' is not a NIBRS bias motivation code (data element 8A")
    too_many = errors["11 12 14 21 24 41"]
    assert too_many.line == 8 and "6 bias motivations for one offense" in too_many.reason
    assert "at most 5" in too_many.reason


def test_a_mapping_with_more_than_five_bias_fields_is_refused(agency_a: Agency, tmp_path: Path) -> None:
    mapping = dict(MAPPING, bias_motivation=[{"column": "bias1"}] * 6)
    with pytest.raises(ImportFailure, match=r"--mapping: bias_motivation: give one field or a list of 1 to 5"):
        import_csv(agency_a, tmp_path, ["A1,2024-03-01,ROBBERY,21,"], mapping)
    cut_without_table = dict(MAPPING, offense={"column": "offense", "truncated_at": 30})
    with pytest.raises(ImportFailure, match=r"--mapping: offense.truncated_at: applies to a code table"):
        import_csv(agency_a, tmp_path, ["A1,2024-03-01,ROBBERY,21,"], cut_without_table)


def _with_bias(line: str, bias: str) -> str:
    """A NIBRS offense segment with bias motivation positions 62-71 (five 2-character codes) set to `bias`."""
    padded = line.ljust(71)
    return padded[:61] + bias.ljust(10) + padded[71:]


def test_nibrs_offense_segment_carries_up_to_five_bias_codes(agency_a: Agency, tmp_path: Path) -> None:
    lines = (FIXTURES / "nibrs_sample.txt").read_text().splitlines()
    offense_1 = next(i for i, s in enumerate(lines) if s[4] == "2" and "INC-0001" in s)
    offense_2 = next(i for i, s in enumerate(lines) if s[4] == "2" and "INC-0002" in s)
    lines[offense_1] = _with_bias(lines[offense_1], "2112")
    lines[offense_2] = _with_bias(lines[offense_2], "8821")  # "none" beside a motive: NIBRS refuses it
    path = tmp_path / "bias.txt"
    path.write_text("\n".join(lines) + "\n")
    result = run_import(ImportOptions(path=path, agency=agency_a, fmt="nibrs"))
    first = Incident.objects.get(agency=agency_a, incident_number="INC-0001")
    assert [o.bias_codes for o in first.offenses.all()][0] == ["21", "12"]
    assert not Incident.objects.filter(agency=agency_a, incident_number="INC-0002").exists()
    error = next(e for e in result.errors if e.field == "bias_motivation")
    assert error.value == "88 21" and "cannot be combined" in error.reason
    # Unchanged offenses of the sample still say "none".
    assert Offense.objects.filter(agency=agency_a, bias_codes=["88"]).exists()


def test_bias_rules_in_one_place() -> None:
    known = {code: "" for code in ("11", "21", "88", "99")}
    assert facts.merge_bias(["21"], ["88"], ["21", " 11 "]) == ["21", "11"]
    assert facts.merge_bias(["88"], ["99"]) == ["99"]
    assert facts.merge_bias([], [""]) == ["88"]
    assert facts.bias_problem(["21", "11"], known) == ""
    assert "not a NIBRS bias motivation code" in facts.bias_problem(["53"], known)
    assert "cannot be combined" in facts.bias_problem(["99", "21"], known)


def test_bias_motivations_in_words_on_the_incident_page_and_in_the_api(
        agency_a: Agency, tmp_path: Path, ann_analyst: Any, signed_in: Any) -> None:
    import_csv(agency_a, tmp_path, ["A1,2024-03-01,ROBBERY,21,12", "A2,2024-03-01,ROBBERY,,"])
    hate = Incident.objects.get(agency=agency_a, incident_number="A1")
    client = signed_in(ann_analyst)
    page = client.get(f"/incidents/{hate.public_id}/").content.decode()
    assert "<th scope=\"col\">Bias motivation</th>" in page
    assert "Anti-Jewish (21); Anti-Black or African American (12)" in page
    plain = Incident.objects.get(agency=agency_a, incident_number="A2")
    assert "None (no bias) (88)" in client.get(f"/incidents/{plain.public_id}/").content.decode()

    answer = client.get(f"/api/v1/incidents/{hate.public_id}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["offenses"] == [{
        "seq": 1, "code": "120", "name": "Robbery", "attempted": False, "weapon_codes": [],
        "bias_motivations": [{"code": "21", "name": "Anti-Jewish"},
                             {"code": "12", "name": "Anti-Black or African American"}]}]
    listed = client.get("/api/v1/incidents/").json()
    assert all("offenses" not in row for row in (listed["items"] if isinstance(listed, dict) else listed))


def test_a_clean_command_line_run_removes_the_stale_error_report(agency_a: Agency, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 8, item 14: after fixing the rejected rows, the old FILE.errors.csv no longer describes the file."""
    from safecity.cli import main

    data = tmp_path / "hate.csv"
    lines = HATE_FILE.read_text().splitlines()
    bad = next(i for i, line in enumerate(lines) if NOT_AN_OFFENSE in line)
    data.write_text("\n".join([lines[0], lines[1], lines[bad]]) + "\n")
    report = tmp_path / "hate.csv.errors.csv"
    args = ["import", "incidents", str(data), "--agency", agency_a.ori, "--format", "nypd_hate"]
    assert main(args) == 1 and report.is_file()
    capsys.readouterr()
    data.write_text("\n".join([lines[0], lines[1]]) + "\n")  # the bad row taken out
    assert main(args) == 0
    assert not report.exists()
    assert "removed the earlier error report" in capsys.readouterr().out
    keep = tmp_path / "hate.csv.notes.csv"  # anything that is not our report is left alone
    keep.write_text("my notes\n")
    assert main([*args, "--error-report", str(keep)]) == 0
    assert keep.is_file()
