"""Forms for body-worn cameras: a device, its issue to an officer, a recording's legal hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from safecity.core import selectors as core_selectors
from safecity.core.roles import ADD, Module
from safecity.policing import selectors
from safecity.policing.models import Camera, CameraStatus, Recording

DATE = {"type": "date"}


class CameraCreateForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    serial = forms.CharField(label="Serial number", max_length=40)
    model = forms.CharField(label="Make and model", max_length=60, required=False)
    status = forms.ChoiceField(label="Status", choices=CameraStatus.choices, initial=CameraStatus.IN_SERVICE)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        agencies = list(core_selectors.agencies_where(user=user, module=Module.POLICING, action=ADD))
        field: Any = self.fields["agency"]
        field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in agencies]
        if len(agencies) == 1:
            self.initial["agency"] = agencies[0].ori

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"agency": core_selectors.agency_by_ori(user=self.user, ori=d["agency"]), "serial": d["serial"],
                "model": d["model"], "status": d["status"]}


class CameraEditForm(forms.Form):
    model = forms.CharField(label="Make and model", max_length=60, required=False)
    status = forms.ChoiceField(label="Status", choices=CameraStatus.choices)

    def __init__(self, data: Any = None, *, user: Any, instance: Camera) -> None:
        super().__init__(data, initial={"model": instance.model, "status": instance.status})
        self.user, self.instance = user, instance

    def action_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class CameraAssignForm(forms.Form):
    officer = forms.CharField(label="Officer (employee id or badge)", max_length=30, required=False,
                              help_text="Leave empty to record the camera's return.")
    started = forms.DateTimeField(label="From", help_text="YYYY-MM-DD HH:MM, local time",
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format="%Y-%m-%dT%H:%M"))

    def __init__(self, data: Any = None, *, user: Any, camera: Camera) -> None:
        super().__init__(data, initial={"started": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
        self.user, self.camera = user, camera

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = str(data.get("officer") or "").strip()
        data["officer_obj"] = None
        if number:
            officer = selectors.officer_by_number(user=self.user, agency_id=self.camera.agency_id, number=number)
            if officer is None:
                self.add_error("officer", f"No officer of {self.camera.agency.ori} with employee id or badge "
                                          f"{number!r}.")
            data["officer_obj"] = officer
        started = data.get("started")
        if isinstance(started, dt.datetime) and timezone.is_naive(started):
            data["started"] = timezone.make_aware(started)
        return data


class LegalHoldForm(forms.Form):
    """The one change a recording takes by hand: legal hold on or off (`recording_legal_hold`)."""

    hold = forms.ChoiceField(label="Legal hold", choices=[("set", "On legal hold"), ("clear", "Not on hold")])
    reason = forms.CharField(label="Reason", max_length=200, required=False,
                             help_text="Required to set a hold: the case, subpoena or complaint.")

    def __init__(self, data: Any = None, *, user: Any, instance: Recording) -> None:
        super().__init__(data, initial={"hold": "set" if instance.legal_hold else "clear",
                                        "reason": instance.legal_hold_reason})
        self.user, self.instance = user, instance

    def action_kwargs(self) -> dict[str, Any]:
        return {"hold": self.cleaned_data["hold"] == "set", "reason": self.cleaned_data["reason"]}


class _UnitCodeField(forms.ChoiceField):
    """A unit chosen by its code; the code may be typed in any case (a link or API call), and is matched to
    the listed code."""

    default_error_messages = {
        "invalid_choice": "%(value)s is not the code of a unit you may see: choose one from the list.",
    }

    def _listed(self, text: str) -> str:
        codes: list[tuple[Any, Any]] = list(self.choices)  # type: ignore[arg-type]
        return next((str(code) for code, _ in codes if str(code).casefold() == text.casefold()), text)

    def to_python(self, value: Any) -> str:
        return self._listed(str(super().to_python(value)).strip())

    def bound_data(self, data: Any, initial: Any) -> Any:
        # so the select shows the unit a lower-case link asked for, not its first option
        return self._listed(data.strip()) if isinstance(data, str) else data

    def validate(self, value: Any) -> None:
        try:
            super().validate(value)
        except forms.ValidationError as exc:
            if exc.code != "invalid_choice":
                raise
            shown = value if len(value) <= 20 else value[:20] + "…"  # a long value is not echoed whole
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": shown}) from None


def unit_choices(user: Any) -> list[tuple[str, str]]:
    """(code, "Name (CODE)") of the units the user may see, by name; a code that several agencies use is one
    choice (the report groups by code), named by each of its units."""
    names: dict[str, list[str]] = {}
    for code, name in selectors.unit_list(user=user).values_list("code", "name"):
        if name not in names.setdefault(code, []):
            names[code].append(name)
    return sorted(((code, f"{' / '.join(found)} ({code})") for code, found in names.items()),
                  key=lambda c: (c[1].casefold(), c[0]))


class ActivationForm(forms.Form):
    """The camera activation report's parameters (page, CSV and API): a period and optionally one unit."""

    date_from = forms.DateField(label="From", required=False, help_text="YYYY-MM-DD",
                                widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    date_to = forms.DateField(label="To", required=False, help_text="YYYY-MM-DD, inclusive",
                              widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    unit = _UnitCodeField(label="Unit", required=False,
                          help_text="The unit the officer was assigned to on the day of the event.")

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        field: _UnitCodeField = self.fields["unit"]  # type: ignore[assignment]
        field.choices = [("", "All units you may see"), *unit_choices(user)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
            self.add_error("date_to", "Must not be before the start.")
        return data
