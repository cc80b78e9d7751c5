"""Forms for the roster; each turns valid input into its action's keyword arguments."""

from __future__ import annotations

from typing import Any

from django import forms

from safecity.core import selectors as core_selectors
from safecity.core.roles import ADD, Module
from safecity.policing import selectors
from safecity.policing.models import Officer, OfficerStatus, Rank

DATE = {"type": "date"}


class OfficerCreateForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    employee_id = forms.CharField(label="Employee id", max_length=30,
                                  help_text="The agency's stable personnel number.")
    badge_number = forms.CharField(label="Star / badge number", max_length=20, required=False)
    first_name = forms.CharField(label="First name", max_length=80)
    last_name = forms.CharField(label="Last name", max_length=80)
    rank = forms.ChoiceField(label="Rank", choices=Rank.choices, initial=Rank.OFFICER)
    unit = forms.ChoiceField(label="Unit", required=False)
    hire_date = forms.DateField(label="Hire date", required=False, help_text="YYYY-MM-DD",
                                widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        agencies = list(core_selectors.agencies_where(user=user, module=Module.POLICING, action=ADD))
        agency_field: Any = self.fields["agency"]
        agency_field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in agencies]
        if len(agencies) == 1:
            self.initial["agency"] = agencies[0].ori
        unit_field: Any = self.fields["unit"]
        unit_field.choices = [("", "— none —")] + [
            (str(u.public_id), f"{u.name} ({u.code}, {u.agency.ori})") for u in selectors.unit_list(user=user)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit_id = data.get("unit")
        data["unit_obj"] = None
        if unit_id:
            unit = selectors.unit_list(user=self.user).filter(public_id=unit_id).first()
            if unit is None or unit.agency.ori != data.get("agency"):
                self.add_error("unit", "Choose a unit of the officer's agency.")
            data["unit_obj"] = unit
        return data

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "agency": core_selectors.agency_by_ori(user=self.user, ori=data["agency"]),
            "employee_id": data["employee_id"], "badge_number": data["badge_number"],
            "first_name": data["first_name"], "last_name": data["last_name"], "rank": data["rank"],
            "unit": data["unit_obj"], "hire_date": data["hire_date"],
        }


class OfficerEditForm(forms.Form):
    """Roster fields `officer_update` allows; unit and rank change through a new assignment."""

    badge_number = forms.CharField(label="Star / badge number", max_length=20, required=False)
    first_name = forms.CharField(label="First name", max_length=80)
    last_name = forms.CharField(label="Last name", max_length=80)
    status = forms.ChoiceField(label="Status", choices=OfficerStatus.choices)
    separation_date = forms.DateField(label="Separation date", required=False, help_text="YYYY-MM-DD",
                                      widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, data: Any = None, *, user: Any, instance: Officer) -> None:
        initial = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(data, initial=initial)
        self.user, self.instance = user, instance

    def action_kwargs(self) -> dict[str, Any]:
        """Only what changed, so the history shows exactly the edited fields."""
        return {name: self.cleaned_data[name] for name in self.changed_data}
