"""Forms for early intervention: pursuits, the scoring run and the review steps; each gives its action's
keyword arguments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from safecity.core import selectors as core_selectors
from safecity.core.kit.filters import AgencyField
from safecity.core.roles import ADD, Module
from safecity.policing import selectors
from safecity.policing.models import EIFlag, Intervention, PursuitOutcome, Rank

DATE = {"type": "date"}
SUPERVISORY = {Rank.SERGEANT, Rank.LIEUTENANT, Rank.CAPTAIN, Rank.COMMANDER, Rank.DEPUTY_CHIEF, Rank.CHIEF}


class PursuitCreateForm(forms.Form):
    officer = forms.ChoiceField(label="Officer (primary unit)")
    started_at = forms.DateTimeField(label="Began at", help_text="YYYY-MM-DD HH:MM",
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label="Reason for the pursuit", max_length=120)
    outcome = forms.ChoiceField(label="Outcome", choices=PursuitOutcome.choices)
    crash = forms.BooleanField(label="A vehicle crashed", required=False)
    injuries = forms.BooleanField(label="Someone was injured", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        agencies = {a.pk for a in core_selectors.agencies_where(user=user, module=Module.POLICING, action=ADD)}
        field: Any = self.fields["officer"]
        field.choices = [("", "— choose —")] + [
            (str(o.public_id), f"{o.last_name}, {o.first_name} ({o.badge_number or o.employee_id}, {o.agency.ori})")
            for o in selectors.officer_list(user=user) if o.agency_id in agencies]

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        officer = selectors.officer_get(user=self.user, public_id=data["officer"])
        return {"agency": officer.agency, "officer": officer, "started_at": data["started_at"],
                "reason": data["reason"], "outcome": data["outcome"], "crash": data["crash"],
                "injuries": data["injuries"], "notes": data["notes"]}


class RunForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    as_of = forms.DateField(label="As of", help_text="YYYY-MM-DD; the windows end on this day.",
                            widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data, initial={"as_of": timezone.localdate()})
        self.user = user
        field: Any = self.fields["agency"]
        field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in selectors.ei_agencies(user=user)]

    def action_kwargs(self) -> dict[str, Any]:
        agency = next(a for a in selectors.ei_agencies(user=self.user) if a.ori == self.cleaned_data["agency"])
        return {"agency": agency, "as_of": self.cleaned_data["as_of"]}


class AssignForm(forms.Form):
    supervisor = forms.ChoiceField(label="Reviewing supervisor")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, *, user: Any, flag: EIFlag) -> None:
        super().__init__(data)
        self.user, self.flag = user, flag
        field: Any = self.fields["supervisor"]
        field.choices = [("", "— choose —")] + [
            (str(o.public_id), f"{o.rank_label} {o.last_name}, {o.first_name}")
            for o in selectors.officer_list(user=user).filter(agency_id=flag.agency_id, rank__in=SUPERVISORY)
            .exclude(pk=flag.officer_id)]

    def action_kwargs(self) -> dict[str, Any]:
        supervisor = selectors.officer_get(user=self.user, public_id=self.cleaned_data["supervisor"])
        return {"supervisor": supervisor, "notes": self.cleaned_data["notes"]}


class InterveneForm(forms.Form):
    intervention = forms.ChoiceField(label="Intervention", choices=Intervention.choices)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_due = forms.DateField(label="Follow up by", required=False,
                                    help_text="YYYY-MM-DD; required unless none is warranted.",
                                    widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, data: Any = None, *, user: Any, flag: EIFlag) -> None:
        super().__init__(data)

    def action_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class FollowUpForm(forms.Form):
    follow_up_on = forms.DateField(label="Followed up on", help_text="YYYY-MM-DD",
                                   widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    outcome = forms.CharField(label="What the follow-up found", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, *, user: Any, flag: EIFlag) -> None:
        super().__init__(data, initial={"follow_up_on": timezone.localdate()})

    def action_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EvaluationForm(forms.Form):
    """The evaluation page's and API's parameters (same messages in both)."""

    agency = AgencyField(label="Agency", required=False, error_messages={
        "invalid_choice": "No agency with that ORI whose early-intervention data you may see."})
    as_of = forms.DateField(label="As of", required=False, help_text="YYYY-MM-DD",
                            widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, data: Any = None, *, user: Any) -> None:
        self.agencies = selectors.ei_agencies(user=user)
        # The first agency is the default: shown selected on an unbound form, used when none is asked for.
        super().__init__(data, initial={"agency": self.agencies[0].ori} if self.agencies else None)
        self.user = user
        field: AgencyField = self.fields["agency"]  # type: ignore[assignment]
        field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in self.agencies]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ori = data.get("agency") or ""
        chosen = [a for a in self.agencies if a.ori == ori] if ori else self.agencies[:1]
        if not chosen and "agency" not in self.errors:
            self.add_error("agency", "No agency with that ORI whose early-intervention data you may see.")
        data["agency_obj"] = chosen[0] if chosen else None
        as_of = data.get("as_of")
        if as_of is not None and as_of > timezone.localdate():
            self.add_error("as_of", "Cannot be in the future.")
        if as_of is not None and as_of < dt.date(1970, 1, 1):
            self.add_error("as_of", "Too early.")
        return data
