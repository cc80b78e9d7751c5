"""Forms for entering and editing incidents by hand; each turns valid input into its action's arguments."""

from __future__ import annotations

from typing import Any

from django import forms

from safecity.core import selectors as core_selectors
from safecity.core.roles import ADD, Module
from safecity.incidents.actions import OffenseIn
from safecity.incidents.codes import current_codes
from safecity.incidents.facts import CLEARED_EXCEPTIONALLY
from safecity.incidents.models import Incident

DATETIME = {"type": "datetime-local"}


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()]


class IncidentCreateForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    incident_number = forms.CharField(label="Incident number", max_length=30)
    occurred_from = forms.DateTimeField(label="Occurred at", help_text="Local date and time.",
                                        widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"))
    offense = forms.ChoiceField(label="Offense (NIBRS code)")
    attempted = forms.BooleanField(label="Attempted, not completed", required=False)
    weapon_codes = forms.CharField(label="Weapon/force codes", required=False, max_length=60,
                                   help_text="NIBRS codes separated by commas, e.g. 12, 40.")
    block_address = forms.CharField(label="Block address", required=False, max_length=200,
                                    help_text="Block level only, e.g. 1200 block of Main St.")
    latitude = forms.FloatField(label="Latitude", required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        agencies = list(core_selectors.agencies_where(user=user, module=Module.INCIDENTS, action=ADD))
        agency_field: Any = self.fields["agency"]
        agency_field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in agencies]
        if len(agencies) == 1:
            self.initial["agency"] = agencies[0].ori
        offense_field: Any = self.fields["offense"]
        offense_field.choices = [(c, f"{c} {row.name}") for c, row in sorted(current_codes().items())]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude" if data.get("longitude") is None else "latitude",
                           "Give both latitude and longitude, or neither.")
        return data

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "agency": core_selectors.agency_by_ori(user=self.user, ori=data["agency"]),
            "incident_number": data["incident_number"], "occurred_from": data["occurred_from"],
            "offenses": [OffenseIn(code=data["offense"], attempted=data["attempted"],
                                   weapon_codes=_codes(data["weapon_codes"]))],
            "block_address": data["block_address"], "latitude": data["latitude"], "longitude": data["longitude"],
        }


class IncidentEditForm(forms.Form):
    """The fields `incident_update` allows to change by hand (sensitivity labels have no form yet)."""

    block_address = forms.CharField(label="Block address", required=False, max_length=200)
    location_type = forms.CharField(label="Location type (NIBRS code)", required=False, max_length=3)
    occurred_to = forms.DateTimeField(label="Occurred until", required=False,
                                      help_text="End of the window, when the time is not exact.",
                                      widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"))
    cleared_exceptionally = forms.ChoiceField(label="Cleared exceptionally", choices=CLEARED_EXCEPTIONALLY)
    cleared_at = forms.DateField(label="Cleared on", required=False, help_text="YYYY-MM-DD",
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, data: Any = None, *, user: Any, instance: Incident) -> None:
        initial = {name: getattr(instance, name) for name in self.base_fields}
        initial["cleared_exceptionally"] = initial["cleared_exceptionally"] or "N"
        super().__init__(data, initial=initial)
        self.instance = instance

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        to = data.get("occurred_to")
        if to is not None and to < self.instance.occurred_from:
            self.add_error("occurred_to", "Must not be before the time the incident occurred.")
        return data

    def action_kwargs(self) -> dict[str, Any]:
        """Only what changed, so the history shows exactly the edited fields."""
        return {name: self.cleaned_data[name] for name in self.changed_data}
