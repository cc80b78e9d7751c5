from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from safecity.analytics.cli import add_analyze_parser, main, run_analyze


def run(argv: list[str]) -> int:
    """Embed the analyze command in a fresh parser, as the project CLI does."""
    parser = argparse.ArgumentParser(prog="safecity")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_analyze_parser(subparsers)
    return run_analyze(parser.parse_args(argv))


NEAR = [
    "--x",
    "x",
    "--y",
    "y",
    "--date",
    "date_single",
    "--space-bands",
    "1,100,200,300",
    "--time-bands",
    "2,4",
]


def test_near_repeat_chicago_json(chicago_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        ["analyze", "near-repeat", str(chicago_csv), *NEAR, "--permutations", "99", "--seed", "1", "--json"]
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["n_events"] == 11_701
    assert [row[0] for row in payload["observed"]] == [225, 260, 457, 715]
    assert [row[1] for row in payload["observed"]] == [50, 142, 341, 567]
    assert payload["p_values"][1][0] == pytest.approx(0.01)
    assert payload["knox_ratios"][1][0] > 2


def test_near_repeat_chicago_nrc_json(chicago_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "analyze",
            "near-repeat",
            str(chicago_csv),
            *NEAR,
            "--permutations",
            "9",
            "--nrc-compatible",
            "--json",
        ]
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert [row[0] for row in payload["observed"]] == [202, 189, 290, 456]
    assert [row[1] for row in payload["observed"]] == [51, 143, 343, 526]


def test_near_repeat_table_output(chicago_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "near-repeat", str(chicago_csv), *NEAR, "--permutations", "9"]) == 0
    out = capsys.readouterr().out
    assert "Observed pairs" in out and "Knox ratio" in out and "225" in out


def test_change_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "change", "--current", "25", "--past", "16", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["poisson_z"] == pytest.approx(2.0)
    assert payload["e_test_p"] == pytest.approx(0.1648, abs=1e-4)
    assert payload["percent_change"] == pytest.approx(56.25)
    assert payload["rate_ratio"] == pytest.approx(25 / 16)
    low, high = payload["rate_ratio_ci"]
    assert low < 1 < high


def test_change_zero_past_is_json_safe(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "change", "--current", "3", "--past", "0", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["percent_change"] is None
    assert payload["rate_ratio"] is None
    assert payload["e_test_p"] == pytest.approx(0.0884, abs=1e-4)


def test_change_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "change", "--current", "0", "--past", "0"]) == 0
    out = capsys.readouterr().out
    assert "n/a" in out and "Poisson Z" in out


def test_hotspots_chicago(chicago_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "analyze",
                "hotspots",
                str(chicago_csv),
                "--x",
                "x",
                "--y",
                "y",
                "--cell-size",
                "1000",
                "--top",
                "3",
                "--json",
            ]
        )
        == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["n_events"] == 11_701
    assert len(payload["top_cells"]) == 3
    zs = [c["gi_star_z"] for c in payload["top_cells"]]
    assert zs == sorted(zs, reverse=True) and zs[0] > 3
    assert main(["analyze", "hotspots", str(chicago_csv), "--x", "x", "--y", "y", "--cell-size", "2000"]) == 0
    assert "Gi*" in capsys.readouterr().out


def _bad(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith("safecity") and ": error: " in err
    return err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    err = _bad(["analyze", "near-repeat", str(tmp_path / "nope.csv"), *NEAR], capsys)
    assert "not found" in err and "nope.csv" in err


def test_missing_column(chicago_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["analyze", "near-repeat", str(chicago_csv), *NEAR]
    argv[argv.index("date_single")] = "when"
    err = _bad(argv, capsys)
    assert "--date" in err and "'when'" in err


def test_unparsable_date_names_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.csv"
    path.write_text("x,y,date_single\n0,0,01/01/2016\n5,5,2016-01-02\n")
    err = _bad(["analyze", "near-repeat", str(path), *NEAR], capsys)
    assert "line 3" in err and "2016-01-02" in err and "--date-format" in err


def test_non_numeric_coordinate_names_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.csv"
    path.write_text("x,y,date_single\n0,0,01/01/2016\n5,abc,02/01/2016\n")
    err = _bad(["analyze", "near-repeat", str(path), *NEAR], capsys)
    assert "line 3" in err and "--y" in err


def test_non_numeric_band(chicago_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["analyze", "near-repeat", str(chicago_csv), *NEAR]
    argv[argv.index("2,4")] = "2,four"
    err = _bad(argv, capsys)
    assert "--time-bands" in err and "'four'" in err


def test_decreasing_band(chicago_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["analyze", "near-repeat", str(chicago_csv), *NEAR]
    argv[argv.index("1,100,200,300")] = "100,1"
    assert "--space-bands" in _bad(argv, capsys)


@pytest.mark.parametrize(("option", "value"), [("--current", "-3"), ("--past", "-1"), ("--current", "x")])
def test_bad_counts(option: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["analyze", "change", "--current", "5", "--past", "4"]
    argv[argv.index(option) + 1] = value
    assert option in _bad(argv, capsys)


def test_negative_permutations(chicago_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "--permutations" in _bad(
        ["analyze", "near-repeat", str(chicago_csv), *NEAR, "--permutations", "-5"], capsys
    )


def test_missing_required_argument_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert "--past" in _bad(["analyze", "change", "--current", "5"], capsys)


def test_bad_cell_size(chicago_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "--cell-size" in _bad(
        ["analyze", "hotspots", str(chicago_csv), "--x", "x", "--y", "y", "--cell-size", "0"], capsys
    )


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert "empty" in _bad(["analyze", "hotspots", str(path), "--x", "x", "--y", "y"], capsys)
