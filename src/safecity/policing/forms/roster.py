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

    account = forms.ChoiceField(label="User account", required=False,
                                help_text="The officer's own sign-in, if they have one (accounts of this agency).")

    def __init__(self, data: Any = None, *, user: Any, instance: Officer) -> None:
        initial: dict[str, Any] = {name: getattr(instance, name) for name in self.base_fields if name != "account"}
        initial["account"] = str(instance.user_id or "")
        super().__init__(data, initial=initial)
        self.user, self.instance = user, instance
        self.accounts = {str(u.pk): u for u in core_selectors.users_of_agency(
            user=user, agency=instance.agency, module=Module.POLICING, action="change")}
        if instance.user is not None:  # keep showing the current link even if the account moved agency
            self.accounts.setdefault(str(instance.user_id), instance.user)
        account_field: Any = self.fields["account"]
        account_field.choices = [("", "— no account —")] + [
            (pk, f"{u.username}" + (f" ({u.get_full_name()})" if u.get_full_name() else ""))
            for pk, u in self.accounts.items()]

    def action_kwargs(self) -> dict[str, Any]:
        """Only what changed, so the history shows exactly the edited fields."""
        changed = {name: self.cleaned_data[name] for name in self.changed_data if name != "account"}
        if "account" in self.changed_data:
            chosen = self.cleaned_data["account"]
            changed["user"] = self.accounts[chosen] if chosen else None
        return changed


class ReassignForm(forms.Form):
    """A move to another unit and/or rank: `assignment_start` ends the open assignment the day before."""

    unit = forms.ChoiceField(label="New unit")
    started = forms.DateField(label="Starts on", help_text="YYYY-MM-DD; the current assignment ends the day before.",
                              widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    rank = forms.ChoiceField(label="Rank", choices=Rank.choices)
    duty = forms.CharField(label="Duty", max_length=60, required=False,
                           help_text="e.g. patrol, investigations, school resource.")

    def __init__(self, data: Any = None, *, user: Any, officer: Officer) -> None:
        super().__init__(data, initial={"rank": officer.rank})
        self.user, self.officer = user, officer
        self.units = {str(u.public_id): u for u in selectors.unit_list(user=user).filter(agency=officer.agency)}
        unit_field: Any = self.fields["unit"]
        unit_field.choices = [(pk, f"{u.name} ({u.code})") for pk, u in self.units.items()]

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"unit": self.units[data["unit"]], "started": data["started"], "rank": data["rank"],
                "duty": data["duty"]}
