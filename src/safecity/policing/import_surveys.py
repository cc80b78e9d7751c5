"""`safecity import surveys FILE --agency ORI`: resident survey results on the importer framework.

One row per wave, district and item: ``wave,district,item,n,agree``. ``wave`` is the code of a wave entered
first on the survey pages (its dates, method and sample size belong to the wave, not to each row);
``district`` a district code of the agency; ``item`` an item code (``trust``) or its wording; ``n`` the
residents who answered the item in that district; ``agree`` how many agreed (agree + strongly agree) as a
whole number, or a percentage such as ``62.5%`` (then turned into a count: round(n × percent / 100), which
is exact only when the published percentage was). The key is wave|district|item, so re-importing a file
changes nothing and a corrected row updates the stored one with its history.
"""

from __future__ import annotations

from typing import Any

from safecity.core.importing.csvplan import CsvPlan, CsvRecord
from safecity.core.importing.errors import RowError, RowRejected
from safecity.core.importing.reading import SourceInfo
from safecity.core.importing.spec import Format, ImportOptions, PreviewColumn, RecordType
from safecity.core.importing.store import ModelStore
from safecity.core.roles import Module
from safecity.policing.models import SurveyImportBatch, SurveyImportRowError, SurveyItem, SurveyResult

FIELDS = ("wave_id", "district_id", "item", "n", "agree")
ITEMS = {**{v: v for v in SurveyItem.values}, **{str(label).lower(): v for v, label in SurveyItem.choices}}


class SurveyPlan(CsvPlan):
    columns = ("wave", "district", "item", "n", "agree")
    key_column = "wave"
    key_label = "wave, district and item"
    layout = "survey results"

    def __init__(self, opts: ImportOptions, info: SourceInfo, store: ModelStore, waves: dict[str, int],
                 districts: dict[str, int]) -> None:
        super().__init__(opts, info, store)
        # Read once before parsing: parsing itself never touches the database (it may run in a child process).
        self.waves, self.districts = waves, districts

    def _record(self, line: int, values: dict[str, str]) -> CsvRecord | RowRejected:
        try:
            parsed = self.parse(line, values)
        except RowRejected as exc:
            return exc
        key = f"{values['wave'].strip()}|{values['district'].strip()}|{parsed['item']}"
        return CsvRecord(line, key, parsed)

    def parse(self, line: int, row: dict[str, str]) -> dict[str, Any]:
        errors: list[RowError] = []
        wave, district = row["wave"].strip(), row["district"].strip()
        if not wave:
            errors.append(RowError(line, "wave", "", "this column is required"))
        elif wave not in self.waves:
            errors.append(RowError(line, "wave", wave, "no survey wave with this code in the agency; add the wave "
                                                       "first (its dates, method and sample size)"))
        if district not in self.districts:
            errors.append(RowError(line, "district", district, "not a district code of the agency"))
        item = ITEMS.get(row["item"].strip().lower()) or ITEMS.get(row["item"].strip())
        if item is None:
            errors.append(RowError(line, "item", row["item"],
                                   f"unknown item; use one of {', '.join(SurveyItem.values)}"))
        n: int | None = None
        try:
            n = int(row["n"].strip())
            if n < 1:
                errors.append(RowError(line, "n", row["n"], "must be at least 1"))
                n = None
        except ValueError:
            errors.append(RowError(line, "n", row["n"], "not a whole number"))
        agree = self._agree(line, row["agree"].strip(), n, errors)
        if errors:
            raise RowRejected(errors)
        return {"wave_id": self.waves[wave], "district_id": self.districts[district], "item": item, "n": n,
                "agree": agree}

    @staticmethod
    def _agree(line: int, text: str, n: int | None, errors: list[RowError]) -> int | None:
        try:
            if text.endswith("%"):
                pct = float(text[:-1])
                if not 0 <= pct <= 100:
                    errors.append(RowError(line, "agree", text, "a percentage must be between 0% and 100%"))
                    return None
                return round((n or 0) * pct / 100) if n else None
            value = int(text)
        except ValueError:
            errors.append(RowError(line, "agree", text, "not a whole number or a percentage such as 62.5%"))
            return None
        if value < 0 or (n is not None and value > n):
            errors.append(RowError(line, "agree", text, f"must be between 0 and n ({n})"))
            return None
        return value


class SurveyImport(RecordType):
    name = "surveys"
    noun = "survey result"
    plural = "survey results"
    module = Module.POLICING
    url_namespace = "policing_surveys_import"
    formats = (Format("csv", "Survey results (CSV: wave, district, item, n, agree)"),)
    preview_columns = (PreviewColumn("line", "Line"), PreviewColumn("key", "Wave | district | item"),
                       PreviewColumn("n", "n"), PreviewColumn("agree", "Agreeing"))
    history_model = SurveyResult

    @property
    def batch_model(self) -> type[SurveyImportBatch]:
        return SurveyImportBatch

    @property
    def error_model(self) -> type[SurveyImportRowError]:
        return SurveyImportRowError

    def plan(self, opts: ImportOptions, info: SourceInfo) -> SurveyPlan:
        from safecity.core.models import District
        from safecity.policing.models import SurveyWave

        # The import's own agency only (the framework has checked the user's right to import there).
        waves = dict(SurveyWave.objects.filter(agency=opts.agency).values_list("code", "pk"))
        districts = dict(District.objects.filter(agency=opts.agency).values_list("code", "pk"))
        store = ModelStore(SurveyResult, opts.agency, "key", FIELDS, batch_field="import_batch")
        return SurveyPlan(opts, info, store, waves, districts)




SURVEYS = SurveyImport()
