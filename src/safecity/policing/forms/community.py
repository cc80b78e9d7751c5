"""Forms for SARA projects, meetings and surveys; each turns valid input into its action's keyword arguments.

Areas are offered only from agencies the user may add records in (`core.selectors`), and every choice is
checked again by the action, so a crafted POST cannot reach another agency's beats.
"""

from __future__ import annotations

from typing import Any

from django import forms

import safecity.incidents.selectors as incident_selectors
from safecity.core import selectors as core_selectors
from safecity.core.kit.filters import AgencyField, agency_choices
from safecity.core.models import Beat, District
from safecity.core.roles import ADD, Module
from safecity.policing.models import (
    ConcernCategory,
    CountSource,
    FollowUpStatus,
    Meeting,
    ProblemProject,
    SurveyItem,
    SurveyMethod,
    SurveyWave,
)

DATE = {"type": "date"}


def _date(label: str, required: bool = True, help_text: str = "YYYY-MM-DD") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


def _agency_field(form: forms.Form, user: Any) -> None:
    agencies = list(core_selectors.agencies_where(user=user, module=Module.POLICING, action=ADD))
    field: Any = form.fields["agency"]
    field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in agencies]
    if len(agencies) == 1:
        form.initial["agency"] = agencies[0].ori


def _beat_choices(user: Any) -> list[tuple[str, str]]:
    return [("", "— none —")] + [(f"{b.agency.ori}:{b.code}", f"Beat {b.code} — {b.name} ({b.agency.ori})")
                                 for b in core_selectors.beat_list(user=user, module=Module.POLICING)]


def _district_choices(user: Any) -> list[tuple[str, str]]:
    return [("", "— none —")] + [(f"{d.agency.ori}:{d.code}", f"District {d.code} — {d.name} ({d.agency.ori})")
                                 for d in core_selectors.district_list(user=user, module=Module.POLICING)]


def _area(user: Any, value: str, kind: type[Beat] | type[District]) -> Any:
    """The beat or district "ORI:CODE" among those the user may see, or None."""
    if not value:
        return None
    ori, _, code = value.partition(":")
    lister = core_selectors.beat_list if kind is Beat else core_selectors.district_list
    return lister(user=user, module=Module.POLICING).filter(agency__ori=ori, code=code).first()


def _area_value(obj: Any) -> str:
    return f"{obj.agency.ori}:{obj.code}" if obj is not None else ""


class _ChangedOnly(forms.Form):
    """Edit forms return only what changed, so the history shows exactly the edit."""

    def action_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data}


# ---- SARA projects ---------------------------------------------------------------------------------------

class ProjectCreateForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    title = forms.CharField(label="Title", max_length=160)
    beat = forms.ChoiceField(label="Beat", required=False, help_text="The beat the problem is in.")
    place = forms.CharField(label="Place", max_length=200, required=False,
                            help_text="When narrower than the beat: an address, a corridor, a park.")
    problem_statement = forms.CharField(label="Problem statement (scanning)", widget=forms.Textarea(attrs={"rows": 4}),
                                        help_text="What the problem is, who raised it, how big it is.")
    opened = _date("Opened", required=False, help_text="YYYY-MM-DD (default: today)")

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        _agency_field(self, user)
        beat: Any = self.fields["beat"]
        beat.choices = _beat_choices(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["beat_obj"] = _area(self.user, data.get("beat", ""), Beat)
        if data["beat_obj"] is not None and data["beat_obj"].agency.ori != data.get("agency"):
            self.add_error("beat", "Choose a beat of the project's agency.")
        return data

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"agency": core_selectors.agency_by_ori(user=self.user, ori=d["agency"]), "title": d["title"],
                "beat": d["beat_obj"], "place": d["place"], "problem_statement": d["problem_statement"],
                "opened": d["opened"]}


class ProjectEditForm(_ChangedOnly):
    title = forms.CharField(label="Title", max_length=160)
    place = forms.CharField(label="Place", max_length=200, required=False)
    problem_statement = forms.CharField(label="Problem statement (scanning)", widget=forms.Textarea(attrs={"rows": 4}))
    analysis_notes = forms.CharField(label="Analysis notes", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                     help_text="Causes, times, places, victims and offenders; what the figures show.")
    response_summary = forms.CharField(label="Response", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                       help_text="What was done and with whom (dated activities are listed "
                                                 "separately).")
    assessment_notes = forms.CharField(label="Assessment notes", required=False,
                                       widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, data: Any = None, *, user: Any, instance: ProblemProject) -> None:
        super().__init__(data, initial={name: getattr(instance, name) for name in self.base_fields})
        self.user, self.instance = user, instance


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace(";", ",").replace(" ", ",").split(",") if c.strip()]


class AssessmentForm(forms.Form):
    """The assessment's design: periods, areas (beat codes), offenses and where the counts come from."""

    before_from = _date("Before period from")
    before_to = _date("Before period to", help_text="YYYY-MM-DD, inclusive")
    after_from = _date("After period from")
    after_to = _date("After period to", help_text="YYYY-MM-DD, inclusive")
    target_beats = forms.CharField(label="Target area beats", max_length=300, required=False,
                                   help_text="Beat codes, separated by commas (e.g. 101).")
    buffer_beats = forms.CharField(label="Buffer area beats", max_length=300, required=False,
                                   help_text="Where crime may have moved: usually the adjacent beats. Optional.")
    control_beats = forms.CharField(label="Control area beats", max_length=300, required=False,
                                    help_text="Similar beats the response did not touch.")
    buffer_control_beats = forms.CharField(label="Control beats for the buffer", max_length=300, required=False,
                                           help_text="Optional; empty = the control area above.")
    offense_codes = forms.MultipleChoiceField(label="Offenses counted", required=False,
                                              help_text="NIBRS codes; none chosen = every incident.",
                                              widget=forms.SelectMultiple(attrs={"size": 6}))
    count_source = forms.ChoiceField(label="Where the counts come from", choices=CountSource.choices)
    alpha = forms.TypedChoiceField(label="Interval", coerce=float, choices=[
        ("0.1", "90% (as Wheeler & Ratcliffe 2018)"), ("0.05", "95%")], initial="0.1")
    target_before = forms.IntegerField(label="Target, before", required=False, min_value=0)
    target_after = forms.IntegerField(label="Target, after", required=False, min_value=0)
    buffer_before = forms.IntegerField(label="Buffer, before", required=False, min_value=0)
    buffer_after = forms.IntegerField(label="Buffer, after", required=False, min_value=0)
    control_before = forms.IntegerField(label="Control, before", required=False, min_value=0)
    control_after = forms.IntegerField(label="Control, after", required=False, min_value=0)
    buffer_control_before = forms.IntegerField(label="Buffer control, before", required=False, min_value=0)
    buffer_control_after = forms.IntegerField(label="Buffer control, after", required=False, min_value=0)

    AREA_FIELDS = ("target_beats", "buffer_beats", "control_beats", "buffer_control_beats")
    COUNT_FIELDS = ("target_before", "target_after", "buffer_before", "buffer_after", "control_before",
                    "control_after", "buffer_control_before", "buffer_control_after")

    def __init__(self, data: Any = None, *, user: Any, instance: ProblemProject) -> None:
        initial: dict[str, Any] = {name: getattr(instance, name) for name in self.base_fields
                                   if name not in self.AREA_FIELDS and name != "alpha"}
        initial.update({name: ", ".join(getattr(instance, name)) for name in self.AREA_FIELDS})
        initial["alpha"] = "0.05" if abs(instance.alpha - 0.05) < 1e-9 else "0.1"
        super().__init__(data, initial=initial)
        self.user, self.instance = user, instance
        offenses: Any = self.fields["offense_codes"]
        offenses.choices = incident_selectors.offense_code_choices()

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        kwargs = {name: d[name] for name in ("before_from", "before_to", "after_from", "after_to", "count_source",
                                             "alpha", "offense_codes")}
        kwargs.update({name: _codes(d[name]) for name in self.AREA_FIELDS})
        if d["count_source"] == CountSource.MANUAL:
            kwargs.update({name: d[name] for name in self.COUNT_FIELDS})
        return kwargs


class AdvanceForm(forms.Form):
    to = forms.CharField(label="Next step", max_length=12)


class ActivityForm(forms.Form):
    date = _date("Date")
    description = forms.CharField(label="What was done", max_length=300)
    partners = forms.CharField(label="Partners", max_length=300, required=False,
                               help_text="e.g. public works, transit authority, business association.")

    def action_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# ---- Meetings --------------------------------------------------------------------------------------------

class _MeetingFields(forms.Form):
    date = _date("Date")
    district = forms.ChoiceField(label="District", required=False)
    beat = forms.ChoiceField(label="Beat", required=False)
    venue = forms.CharField(label="Venue", max_length=200)
    attendance = forms.IntegerField(label="Attendance", min_value=0, help_text="Residents present.")
    minutes = forms.CharField(label="Minutes / notes", required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def _areas(self, user: Any) -> None:
        self.user = user
        district: Any = self.fields["district"]
        district.choices = _district_choices(user)
        beat: Any = self.fields["beat"]
        beat.choices = _beat_choices(user)

    def _clean_areas(self, data: dict[str, Any], ori: str | None) -> None:
        for name, kind in (("district", District), ("beat", Beat)):
            obj = _area(self.user, data.get(name, ""), kind)
            if obj is not None and ori is not None and obj.agency.ori != ori:
                self.add_error(name, f"Choose a {name} of the meeting's agency.")
            data[f"{name}_obj"] = obj


class MeetingCreateForm(_MeetingFields):
    agency = forms.ChoiceField(label="Agency")
    field_order = ["agency"]

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self._areas(user)
        _agency_field(self, user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_areas(data, data.get("agency"))
        return data

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"agency": core_selectors.agency_by_ori(user=self.user, ori=d["agency"]), "date": d["date"],
                "venue": d["venue"], "attendance": d["attendance"], "minutes": d["minutes"],
                "district": d["district_obj"], "beat": d["beat_obj"]}


class MeetingEditForm(_MeetingFields):
    def __init__(self, data: Any = None, *, user: Any, instance: Meeting) -> None:
        initial = {name: getattr(instance, name) for name in ("date", "venue", "attendance", "minutes")}
        initial.update(district=_area_value(instance.district), beat=_area_value(instance.beat))
        super().__init__(data, initial=initial)
        self._areas(user)
        self.instance = instance

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_areas(data, self.instance.agency.ori)
        return data

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {name: d.get(f"{name}_obj", d[name]) for name in self.changed_data}


class ConcernForm(forms.Form):
    category = forms.ChoiceField(label="Category", choices=ConcernCategory.choices)
    description = forms.CharField(label="Concern", max_length=300)

    def action_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class FollowUpForm(forms.Form):
    action = forms.CharField(label="Follow-up", max_length=300, help_text="What was promised.")
    owner = forms.CharField(label="Owner", max_length=120, help_text="Who answers for it (name or unit).")
    due = _date("Due")
    concern = forms.ChoiceField(label="About the concern", required=False)

    def __init__(self, data: Any = None, *, concerns: list[Any]) -> None:
        super().__init__(data)
        self.concerns = {str(c.public_id): c for c in concerns}
        field: Any = self.fields["concern"]
        field.choices = [("", "— none —")] + [(k, c.description[:80]) for k, c in self.concerns.items()]

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"action": d["action"], "owner": d["owner"], "due": d["due"],
                "concern": self.concerns.get(d["concern"]) if d["concern"] else None}


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=FollowUpStatus.choices)
    completed = _date("Completed", required=False, help_text="YYYY-MM-DD (default: today)")

    def action_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# ---- Surveys ---------------------------------------------------------------------------------------------

class _WaveFields(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    start = _date("Fieldwork from")
    end = _date("Fieldwork to")
    method = forms.ChoiceField(label="Method", choices=SurveyMethod.choices)
    sample_size = forms.IntegerField(label="Sample size", min_value=1)
    margin_of_error = forms.FloatField(label="Margin of error (± percentage points)", required=False,
                                       min_value=0, max_value=100, help_text="As the survey firm published it.")


class WaveCreateForm(_WaveFields):
    agency = forms.ChoiceField(label="Agency")
    code = forms.CharField(label="Code", max_length=20, help_text="Short name used in import files, e.g. 2025-spring.")
    field_order = ["agency", "code"]

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        _agency_field(self, user)

    def action_kwargs(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["agency"] = core_selectors.agency_by_ori(user=self.user, ori=d["agency"])
        return d


class WaveEditForm(_WaveFields, _ChangedOnly):
    def __init__(self, data: Any = None, *, user: Any, instance: SurveyWave) -> None:
        super().__init__(data, initial={name: getattr(instance, name) for name in self.base_fields})
        self.user, self.instance = user, instance


class SurveyResultForm(forms.Form):
    district = forms.ChoiceField(label="District")
    item = forms.ChoiceField(label="Item", choices=SurveyItem.choices)
    n = forms.IntegerField(label="Residents answering (n)", min_value=1)
    agree = forms.IntegerField(label="Agreeing", min_value=0, help_text="Agree or strongly agree.")

    def __init__(self, data: Any = None, *, user: Any, wave: SurveyWave) -> None:
        super().__init__(data)
        self.user, self.wave = user, wave
        field: Any = self.fields["district"]
        field.choices = [(d.code, f"District {d.code} — {d.name}")
                         for d in core_selectors.district_list(user=user, agency=wave.agency)]

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        district = core_selectors.district_list(user=self.user, agency=self.wave.agency).get(code=d["district"])
        return {"district": district, "item": d["item"], "n": d["n"], "agree": d["agree"]}


class SurveyResultsQuery(forms.Form):
    """The parameters of "one item by district over time" (page, CSV and API): the item (default trust) and
    optionally one agency, chosen from those the user may see (the value is its ORI, any case)."""

    item = forms.ChoiceField(label="Item", required=False, choices=SurveyItem.choices, error_messages={
        "invalid_choice": "unknown item %(value)s; use one of " + ", ".join(SurveyItem.values) + "."})
    agency = AgencyField(label="Agency", required=False)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        field: AgencyField = self.fields["agency"]  # type: ignore[assignment]
        field.choices = [("", "All agencies you may see"), *agency_choices(user, Module.POLICING)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "item" in data:
            data["item"] = data["item"] or SurveyItem.TRUST
        return data
