"""Forms for complaints: intake (with up to five allegations), stage change, extension, finding, comment.
Each turns valid input into its action's keyword arguments; the action does the checks that need the
database and names the field it refuses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safecity.core import selectors as core_selectors
from safecity.core.roles import ADD, Module
from safecity.policing import complaint_rules, selectors
from safecity.policing.actions import AllegationIn, ComplainantIn, ComplaintIn
from safecity.policing.models import Complaint, ComplaintChannel, ComplaintSource, ComplaintStatus, Finding

DATE = {"type": "date"}
MAX_ALLEGATIONS = 5


def _date(label: str, required: bool = True, help_text: str = "YYYY-MM-DD") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class ComplaintCreateForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    received_on = _date("Received on")
    occurred_on = _date("Incident date", required=False, help_text="YYYY-MM-DD, if known")
    source = forms.ChoiceField(label="Source", choices=ComplaintSource.choices)
    channel = forms.ChoiceField(label="How it was received", required=False,
                                choices=[("", "— choose —"), *ComplaintChannel.choices])
    location = forms.CharField(label="Location", max_length=200, required=False,
                               help_text="Where the incident happened (a block or place, not a home address).")
    district = forms.ChoiceField(label="District", required=False)
    summary = forms.CharField(label="Summary", required=False, max_length=5000, widget=forms.Textarea(attrs={
        "rows": 5}), help_text="What the complainant alleges. Shown only to roles cleared for personnel files, "
                               "never to the accused officer.")
    complainant_name = forms.CharField(label="Complainant's name", max_length=160, required=False,
                                       help_text="Leave empty for an anonymous complaint.")
    complainant_contact = forms.CharField(label="Complainant's contact", max_length=200, required=False,
                                          help_text="Telephone, email or postal address.")
    complainant_race = forms.CharField(label="Complainant's race or ethnicity", max_length=30, required=False)
    complainant_sex = forms.CharField(label="Complainant's sex", max_length=10, required=False)
    complainant_age = forms.IntegerField(label="Complainant's age", required=False, min_value=1, max_value=119)
    complainant_relationship = forms.CharField(label="Third party: relationship to the incident", max_length=80,
                                               required=False)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        self.agencies = {a.ori: a for a in core_selectors.agencies_where(user=user, module=Module.POLICING,
                                                                         action=ADD)}
        agency_field: Any = self.fields["agency"]
        agency_field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in self.agencies.values()]
        if len(self.agencies) == 1:
            self.initial["agency"] = next(iter(self.agencies))
        district_field: Any = self.fields["district"]
        areas = core_selectors.district_list(user=user, module=Module.POLICING)
        self.districts = {f"{d.agency.ori}:{d.code}": d for d in areas if d.agency.ori in self.agencies}
        district_field.choices = [("", "— none —")] + [(k, f"{d.name} ({d.code})") for k, d in self.districts.items()]
        self.officers = {f"{o.agency.ori}:{o.employee_id}": o
                         for o in selectors.officer_list(user=user) if o.agency.ori in self.agencies}
        officer_choices = [("", "— none —")] + [
            (k, f"{o.last_name}, {o.first_name} ({o.employee_id})") for k, o in self.officers.items()]
        category_choices = [("", "— choose —"), *complaint_rules.categories()]
        for i in range(1, MAX_ALLEGATIONS + 1):
            self.fields[f"officer_{i}"] = forms.ChoiceField(label=f"Allegation {i}: accused officer",
                                                            choices=officer_choices, required=i == 1)
            self.fields[f"category_{i}"] = forms.ChoiceField(label=f"Allegation {i}: category",
                                                             choices=category_choices, required=i == 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, MAX_ALLEGATIONS + 1):
            officer, category = data.get(f"officer_{i}"), data.get(f"category_{i}")
            if bool(officer) != bool(category):
                self.add_error(f"category_{i}" if officer else f"officer_{i}",
                               "An allegation needs both an officer and a category.")
        return data

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        agency = self.agencies[d["agency"]]
        allegations = []
        for i in range(1, MAX_ALLEGATIONS + 1):
            key, category = d.get(f"officer_{i}"), d.get(f"category_{i}")
            if key and category:
                allegations.append(AllegationIn(officer=self.officers[key], category=category))
        person = None
        if d.get("complainant_name"):
            person = ComplainantIn(name=d["complainant_name"], contact=d.get("complainant_contact", ""),
                                   race=d.get("complainant_race", ""), sex=d.get("complainant_sex", ""),
                                   age=d.get("complainant_age"), relationship=d.get("complainant_relationship", ""))
        elif any(d.get(f"complainant_{k}") for k in ("contact", "race", "sex", "age", "relationship")):
            # details without a name are still an identity: let the action refuse or keep them by source
            person = ComplainantIn(name="", contact=d.get("complainant_contact", ""))
        return {"agency": agency, "complaint": ComplaintIn(
            received_on=d["received_on"], occurred_on=d.get("occurred_on"), source=d["source"],
            channel=d.get("channel", ""), location=d.get("location", ""),
            district=self.districts.get(d.get("district") or ""), summary=d.get("summary", ""),
            complainant=person, allegations=allegations)}


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label="Move to")
    on = _date("On", required=False, help_text="YYYY-MM-DD; empty = today")
    investigator = forms.ChoiceField(label="Investigator", required=False,
                                     help_text="Needed when assigning the complaint.")
    reason = forms.CharField(label="Reason", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Needed when sending findings back or reopening.")

    def __init__(self, data: Any = None, *, user: Any, complaint: Complaint, prefix: str | None = None) -> None:
        super().__init__(data, prefix=prefix)
        self.complaint = complaint
        status_field: Any = self.fields["to_status"]
        status_field.choices = [(s, str(ComplaintStatus(s).label))
                                for s in complaint_rules.TRANSITIONS.get(complaint.status, ())]
        self.investigators = {o.employee_id: o for o in selectors.investigators(user=user).filter(
            agency=complaint.agency)}
        inv_field: Any = self.fields["investigator"]
        inv_field.choices = [("", "— none —")] + [(k, f"{o.last_name}, {o.first_name} ({k})")
                                                  for k, o in self.investigators.items()]

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"to_status": d["to_status"], "on": d.get("on"), "reason": d.get("reason", ""),
                "investigator": self.investigators.get(d.get("investigator") or "")}


class ExtendForm(forms.Form):
    due_on = _date("New due date")
    reason = forms.CharField(label="Reason for the extension", max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def action_kwargs(self) -> dict[str, Any]:
        return {"due_on": self.cleaned_data["due_on"], "reason": self.cleaned_data["reason"]}


class FindingForm(forms.Form):
    finding = forms.ChoiceField(label="Finding", choices=Finding.choices)
    finding_date = _date("Date of the finding", required=False, help_text="YYYY-MM-DD; empty = today")
    discipline = forms.CharField(label="Discipline", max_length=120, required=False,
                                 help_text="Only for a sustained finding, e.g. written reprimand, 3-day suspension.")

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"finding": d["finding"], "finding_date": d.get("finding_date"), "discipline": d.get("discipline", "")}


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class StatusLookupForm(forms.Form):
    reference = forms.CharField(label="Reference code", max_length=40, strip=True,
                                help_text="The code you were given when you made the complaint, "
                                          "e.g. ABCD-EFGH-JKMN-PQRS.")


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
