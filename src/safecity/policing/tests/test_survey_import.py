"""`safecity import surveys`: located errors, idempotent re-runs, corrections with history, exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safecity.core.importing.errors import ImportFailure
from safecity.core.importing.runner import run_import
from safecity.core.importing.spec import ImportOptions
from safecity.core.models import ObjectChange
from safecity.policing.models import SurveyImportBatch, SurveyResult
from safecity.policing.tests.factories_community import make_district, make_wave

pytestmark = pytest.mark.django_db

HEADER = "wave,district,item,n,agree\n"
GOOD = ("2024-spring,1,trust,400,248\n"
        "2024-spring,1,I trust the police in my neighbourhood,1,1\n"  # duplicate key by the item's wording
        "2024-spring,2,respect,350,61.5%\n")


def write(tmp_path: Path, text: str, name: str = "survey.csv") -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def survey_setup(agency_a: Any) -> Any:
    make_district(agency_a, "1")
    make_district(agency_a, "2")
    return make_wave(agency_a, "2024-spring")


def test_import_rerun_and_correction(agency_a: Any, survey_setup: Any, tmp_path: Path) -> None:
    text = HEADER + GOOD.replace("2024-spring,1,I trust the police in my neighbourhood,1,1\n", "")
    first = run_import("surveys", ImportOptions(path=write(tmp_path, text), agency=agency_a, fmt="csv"))
    assert (first.imported, first.unchanged, first.rejected, first.exit_code) == (2, 0, 0, 0)
    respect = SurveyResult.objects.get(item="respect")
    assert (respect.n, respect.agree, respect.district.code, respect.wave) == (350, 215, "2", survey_setup)  # 61.5%
    again = run_import("surveys", ImportOptions(path=write(tmp_path, text), agency=agency_a, fmt="csv"))
    assert (again.imported, again.unchanged, again.exit_code) == (0, 2, 0)
    fixed = run_import("surveys", ImportOptions(path=write(tmp_path, text.replace("400,248", "400,252")),
                                                agency=agency_a, fmt="csv"))
    assert (fixed.imported, fixed.unchanged) == (1, 1)
    trust = SurveyResult.objects.get(item="trust")
    assert trust.agree == 252 and SurveyImportBatch.objects.count() == 3
    change = ObjectChange.objects.get(object_id=str(trust.pk), action="update")
    assert (change.before["agree"], change.after["agree"]) == (248, 252)


def test_bad_rows_are_located_and_good_rows_kept(agency_a: Any, agency_b: Any, survey_setup: Any,
                                                 tmp_path: Path) -> None:
    make_district(agency_b, "7")
    text = HEADER + GOOD + ("2023-fall,1,trust,100,50\n"  # unknown wave
                            "2024-spring,7,trust,100,50\n"  # agency B's district
                            "2024-spring,1,fair,0,0\n"
                            "2024-spring,1,safe,100,101\n"
                            "2024-spring,1,listen,ten,5\n"
                            "2024-spring,2,bogus,10,5\n"
                            "2024-spring,2,fair,10,150%\n")
    result = run_import("surveys", ImportOptions(path=write(tmp_path, text), agency=agency_a, fmt="csv"))
    assert (result.imported, result.rejected, result.exit_code) == (2, 8, 1)
    located = sorted((e.line, e.field, e.value) for e in result.errors)
    assert located == [(3, "wave", "2024-spring|1|trust"), (5, "wave", "2023-fall"), (6, "district", "7"),
                       (7, "n", "0"), (8, "agree", "101"), (9, "n", "ten"), (10, "item", "bogus"),
                       (11, "agree", "150%")]
    assert any("duplicate wave, district and item in this file (first on line 2)" in e.reason for e in result.errors)
    assert SurveyResult.objects.count() == 2


def test_a_file_of_another_kind_is_refused_and_the_cli_exit_codes(agency_a: Any, survey_setup: Any,
                                                                  tmp_path: Path, capsys: Any) -> None:
    with pytest.raises(ImportFailure) as refused:
        run_import("surveys", ImportOptions(path=write(tmp_path, "a,b\n1,2\n"), agency=agency_a, fmt="csv"))
    assert "this does not look like a CSV with the columns of survey results" in refused.value.message
    from safecity.cli import main

    assert main(["import", "surveys", str(write(tmp_path, HEADER + GOOD)), "--agency", agency_a.ori]) == 1
    assert (tmp_path / "survey.csv.errors.csv").is_file()
    assert main(["import", "surveys", str(write(tmp_path, HEADER + "2024-spring,1,fair,10,5\n")),
                 "--agency", agency_a.ori]) == 0
    assert main(["import", "surveys", str(write(tmp_path, "x\n1\n", "other.csv")), "--agency", agency_a.ori]) == 2
    assert "FILE: this does not look like" in capsys.readouterr().err


def test_import_page_and_api_need_the_import_rights(agency_a: Any, survey_setup: Any, persona: Any) -> None:
    from safecity.conftest import verified_client
    from safecity.core.roles import Role

    analyst = verified_client(persona(Role.ANALYST))
    assert analyst.get("/m/policing/community/surveys/import/").status_code == 403
    admin = verified_client(persona(Role.ADMIN))
    assert admin.get("/m/policing/community/surveys/import/").status_code == 200
