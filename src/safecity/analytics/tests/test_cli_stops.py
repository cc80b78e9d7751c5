"""``safecity analyze veil-of-darkness`` and ``outcome-test`` through the command line's ``main()``."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from safecity.analytics.cli import main
from safecity.analytics.tests.test_veil import TZ, simulate

VEIL = ["--date", "date", "--time", "time", "--race", "subject_race", "--lat", "lat", "--lng", "lng"]
OUTCOME = ["--race", "subject_race", "--searched", "search_conducted", "--contraband", "contraband_found"]

# Stanford Open Policing column names; rows 2-10 of the file.
SMALL = """date,time,subject_race,search_conducted,contraband_found,arrest_made,district,lat,lng
2019-01-02,17:30,black,TRUE,TRUE,TRUE,A,41.8,-87.6
2019-01-02,17:45,white,TRUE,FALSE,FALSE,A,41.8,-87.6
2019-01-03,18:10,black,TRUE,FALSE,FALSE,B,41.8,-87.6
2019-01-03,18:30,white,FALSE,NA,FALSE,B,41.8,-87.6
2019-01-04,19:00,hispanic,TRUE,TRUE,TRUE,A,41.8,-87.6
2019-01-04,19:10,black,FALSE,NA,FALSE,A,41.8,-87.6
2019-01-05,20:00,white,TRUE,TRUE,FALSE,B,41.8,-87.6
2019-01-05,20:30,NA,TRUE,TRUE,FALSE,B,41.8,-87.6
2019-01-06,21:00,white,NA,NA,NA,A,41.8,-87.6
"""


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "stops.csv"
    path.write_text(SMALL)
    return path


@pytest.fixture(scope="module")
def simulated_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = simulate(-0.3, n=20_000, seed=3)
    path = tmp_path_factory.mktemp("vod") / "stops.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "time", "subject_race", "lat", "lng", "district"])
        for d, m, g, la, ln in zip(
            data["dates"], data["minutes"], data["groups"], data["lat"], data["lng"], strict=True
        ):
            writer.writerow(
                [
                    d.isoformat(),
                    f"{m // 60:02d}:{m % 60:02d}",
                    g.upper() if m % 7 == 0 else g,
                    f"{la:.5f}",
                    f"{ln:.5f}",
                    "N" if la > 41.88 else "S",
                ]
            )
        writer.writerow(["2019-03-01", "NA", "black", "41.9", "-87.6", "N"])  # time not recorded: left out
        writer.writerow(["2019-03-01", "18:00", "asian/pacific islander", "41.9", "-87.6", "N"])
    return path


def test_outcome_test_json_counts(small_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "analyze",
            "outcome-test",
            str(small_csv),
            *OUTCOME,
            "--district",
            "district",
            "--arrested",
            "arrest_made",
            "--json",
        ]
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["rows_read"] == 9 and payload["dropped_missing_race"] == 1
    pooled = {g["group"]: g for g in payload["groups"] if g["district"] == "(all)"}
    assert (pooled["black"]["stops"], pooled["black"]["searches"], pooled["black"]["hits"]) == (3, 2, 1)
    assert (pooled["white"]["stops"], pooled["white"]["searches"], pooled["white"]["hits"]) == (4, 2, 1)
    assert pooled["white"]["search_rate"] == pytest.approx(2 / 3)  # the NA search is left out
    assert pooled["black"]["hit_rate_ci"] == pytest.approx([0.0945, 0.9055], abs=1e-4)  # Wilson, 1 of 2
    by_district = {(g["district"], g["group"]) for g in payload["groups"]}
    assert ("A", "hispanic") in by_district and ("B", "hispanic") not in by_district
    arrests = {r["group"]: r["arrest_rate"] for r in payload["rates"]}
    assert (arrests["black"]["successes"], arrests["black"]["trials"]) == (1, 3)


def test_outcome_test_text(small_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "outcome-test", str(small_csv), *OUTCOME]) == 0
    out = capsys.readouterr().out
    assert "Outcome test: 8 stops" in out and "50.0% (9.5%–90.5%)" in out


@pytest.mark.parametrize(
    ("edit", "argv", "message"),
    [
        (None, ["--searched", "searched"], "--searched: column 'searched' not found"),
        (("TRUE,TRUE,TRUE,A", "maybe,TRUE,TRUE,A"), [], "line 2: --searched column 'search_conducted' value 'maybe'"),
        (("FALSE,FALSE,B", "FALSE,nope,B"), [], "line 4: --arrested column 'arrest_made' value 'nope'"),
    ],
)
def test_outcome_test_bad_input(
    small_csv: Path, capsys: pytest.CaptureFixture[str], edit: tuple[str, str] | None, argv: list[str], message: str
) -> None:
    if edit is not None:
        small_csv.write_text(SMALL.replace(edit[0], edit[1], 1))
    args = dict(zip(OUTCOME[::2], OUTCOME[1::2], strict=True)) | dict(zip(argv[::2], argv[1::2], strict=True))
    flat = [x for pair in args.items() for x in pair]
    code = main(["analyze", "outcome-test", str(small_csv), *flat, "--arrested", "arrest_made"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_veil_of_darkness_json_recovers_planted_effect(simulated_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["analyze", "veil-of-darkness", str(simulated_csv), *VEIL, "--timezone", TZ, "--json"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ci_low"] < -0.3 < payload["ci_high"] < 0
    assert payload["rows_read"] == 20_002 and payload["dropped_missing"] == 1
    assert payload["dropped_other_groups"] == 1  # upper-case BLACK/WHITE still count, the other group does not
    assert payload["n"] + payload["dropped_outside_window"] + payload["dropped_twilight"] == 20_000
    assert payload["window_start"] < payload["window_end"]
    assert payload["spline_df"] == 6 and payload["district_effects"] is False


def test_veil_of_darkness_text_with_districts(simulated_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["analyze", "veil-of-darkness", str(simulated_csv), *VEIL, "--district", "district", "--timezone", TZ])
    assert code == 0
    out = capsys.readouterr().out
    assert "darkness coefficient" in out and "district fixed effects" in out
    assert "inter-twilight window  16:5" in out


@pytest.mark.parametrize(
    ("edit", "argv", "message"),
    [
        (None, ["--lat", "latitude"], "--lat: column 'latitude' not found"),
        (
            ("2019-01-03,18:10", "03/01/2019,18:10"),
            [],
            "line 4: --date column 'date' value '03/01/2019' does not match --date-format '%Y-%m-%d'",
        ),
        (("2019-01-03,18:10", "2019-01-03,6pm"), [], "line 4: --time column 'time' value '6pm' is not a 24-hour"),
        (("41.8,-87.6", "41.8,west"), [], "line 2: --lng column 'lng' value 'west' is not a number"),
        (None, ["--minority", "asian"], "--minority: no stops with group 'asian'"),
        (None, [], "no inter-twilight window"),  # one week of January: dusk is never before sunset elsewhere
    ],
)
def test_veil_of_darkness_bad_input(
    small_csv: Path, capsys: pytest.CaptureFixture[str], edit: tuple[str, str] | None, argv: list[str], message: str
) -> None:
    if edit is not None:
        small_csv.write_text(SMALL.replace(edit[0], edit[1], 1))
    args = dict(zip(VEIL[::2], VEIL[1::2], strict=True)) | dict(zip(argv[::2], argv[1::2], strict=True))
    flat = [x for pair in args.items() for x in pair]
    code = main(["analyze", "veil-of-darkness", str(small_csv), *flat, "--timezone", TZ])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_veil_of_darkness_no_stops_in_window(
    simulated_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = simulated_csv.read_text().splitlines()
    morning = [lines[0]] + [",".join([*row.split(",")[:1], "09:15", *row.split(",")[2:]]) for row in lines[1:500]]
    path = tmp_path / "morning.csv"
    path.write_text("\n".join(morning) + "\n")
    assert main(["analyze", "veil-of-darkness", str(path), *VEIL, "--timezone", TZ]) == 2
    assert "no stops fall in the inter-twilight window" in capsys.readouterr().err


def test_missing_file_and_subprocess_exit_code(tmp_path: Path) -> None:
    env = {**os.environ, "SAFECITY_TIME_ZONE": TZ}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "safecity.analytics.cli",
            "analyze",
            "veil-of-darkness",
            str(tmp_path / "no.csv"),
            *VEIL,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("safecity: error: analyze veil-of-darkness: CSV: file not found")
