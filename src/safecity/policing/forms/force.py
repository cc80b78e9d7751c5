"""The use-of-force form: the incident, up to two subjects, and the officers (one line each, by employee id or
badge). It turns valid input into `force_incident_create` / `force_incident_update` keyword arguments; the
action does the checks that need the database, and its errors come back on the field they name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from safecity.core import selectors as core_selectors
from safecity.core.roles import ADD, Module
from safecity.policing import selectors, vocab
from safecity.policing.models import Injury, UseOfForceIncident

TRI = [("", "Not known"), ("yes", "Yes"), ("no", "No")]
SUBJECT_SLOTS = 2
OFFICER_FLAGS = {"firearm-discharged": "firearm_discharged", "injured": "injured", "off-duty": "on_duty"}


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "— not recorded —"), *list(choices)]


def _tri(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _untri(value: str) -> bool | None:
    return None if value == "" else value == "yes"


class ForceIncidentForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    case_number = forms.CharField(label="Case number", max_length=40)
    occurred_at = forms.DateTimeField(label="Date and time", help_text="YYYY-MM-DD HH:MM, local time",
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"))
    location = forms.CharField(label="Address (block level)", max_length=200, required=False)
    lat = forms.FloatField(label="Latitude", required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180)
    location_type = forms.ChoiceField(label="Location type", choices=_blank(vocab.LocationType.choices),
                                      required=False)
    district = forms.ChoiceField(label="District", required=False)
    reason_for_contact = forms.ChoiceField(label="Reason for initial contact",
                                           choices=_blank(vocab.ContactReason.choices), required=False)
    most_serious_offense = forms.CharField(label="Most serious offense (NIBRS code)", max_length=4, required=False,
                                           help_text="e.g. 13A; checked against the NIBRS code table")
    officer_approached = forms.ChoiceField(label="Did the officer approach the subject?", choices=TRI,
                                           required=False)
    ambush = forms.ChoiceField(label="Was it an ambush?", choices=TRI, required=False)
    supervisor_on_scene = forms.ChoiceField(label="Supervisor on scene?", choices=TRI, required=False)
    supervisor_consulted = forms.ChoiceField(label="Supervisor consulted?", choices=TRI, required=False)
    officers = forms.CharField(
        label="Officers who applied force", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One line per officer: employee id or badge number, then the force types used (codes: "
                  + ", ".join(vocab.ForceType.values) + "), then any of: firearm-discharged, injured, off-duty. "
                  "Example: E00012 hands takedown injured")

    def __init__(self, data: Any = None, *, user: Any, instance: UseOfForceIncident | None = None) -> None:
        super().__init__(data, initial=self._initial(instance) if instance else None)
        self.user, self.instance = user, instance
        for n in range(1, SUBJECT_SLOTS + 1):
            required = n == 1
            p = f"s{n}_"
            self.fields[p + "sex"] = forms.ChoiceField(label=f"Subject {n}: sex", choices=_blank(vocab.Sex.choices),
                                                       required=False)
            self.fields[p + "race"] = forms.ChoiceField(label=f"Subject {n}: race",
                                                        choices=_blank(vocab.SubjectRace.choices), required=False)
            self.fields[p + "ethnicity"] = forms.ChoiceField(label=f"Subject {n}: ethnicity",
                                                             choices=_blank(vocab.Ethnicity.choices), required=False)
            self.fields[p + "age"] = forms.IntegerField(label=f"Subject {n}: age", min_value=0, max_value=120,
                                                        required=False)
            self.fields[p + "height_in"] = forms.IntegerField(label=f"Subject {n}: height (inches)", min_value=20,
                                                              max_value=100, required=False)
            self.fields[p + "weight_lb"] = forms.IntegerField(label=f"Subject {n}: weight (pounds)", min_value=10,
                                                              max_value=800, required=False)
            self.fields[p + "impaired"] = forms.ChoiceField(label=f"Subject {n}: apparently impaired?", choices=TRI,
                                                            required=False)
            self.fields[p + "perceived_threat"] = forms.ChoiceField(label=f"Subject {n}: perceived as a threat?",
                                                                    choices=TRI, required=False)
            self.fields[p + "armed"] = forms.ChoiceField(label=f"Subject {n}: armed?",
                                                         choices=_blank(vocab.Armed.choices), required=False)
            self.fields[p + "resistance"] = forms.ChoiceField(label=f"Subject {n}: resistance",
                                                              choices=_blank(vocab.Resistance.choices),
                                                              required=False)
            self.fields[p + "force_types"] = forms.MultipleChoiceField(
                label=f"Subject {n}: force used on this subject", choices=vocab.ForceType.choices, required=False,
                help_text="Hold Ctrl (Cmd on a Mac) to choose more than one.")
            self.fields[p + "injury"] = forms.ChoiceField(
                label=f"Subject {n}: most serious injury", choices=Injury.choices if required else _blank(
                    Injury.choices), required=required, initial=Injury.NONE if required else "")
        agencies = list(core_selectors.agencies_where(user=user, module=Module.POLICING, action=ADD))
        agency_field: Any = self.fields["agency"]
        agency_field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in agencies]
        if instance is not None:
            agency_field.choices = [(instance.agency.ori, f"{instance.agency.name} ({instance.agency.ori})")]
        if len(agency_field.choices) == 1:
            self.initial.setdefault("agency", agency_field.choices[0][0])
        district_field: Any = self.fields["district"]
        district_field.choices = [("", "— none —")] + [
            (str(d.pk), f"{d.name} ({d.agency.ori})") for d in core_selectors.district_list(
                user=user, module=Module.POLICING).select_related("agency")]

    @staticmethod
    def _initial(obj: UseOfForceIncident) -> dict[str, Any]:
        data: dict[str, Any] = {
            "agency": obj.agency.ori, "case_number": obj.case_number,
            "occurred_at": timezone.localtime(obj.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "location": obj.location, "lat": obj.lat, "lng": obj.lng, "location_type": obj.location_type,
            "district": str(obj.district_id or ""), "reason_for_contact": obj.reason_for_contact,
            "most_serious_offense": obj.most_serious_offense,
        }
        for key in ("officer_approached", "ambush", "supervisor_on_scene", "supervisor_consulted"):
            data[key] = _tri(getattr(obj, key))
        lines = []
        for row in obj.officers.select_related("officer"):
            flags = [k for k, attr in OFFICER_FLAGS.items() if (not getattr(row, attr) if attr == "on_duty"
                                                                 else getattr(row, attr))]
            lines.append(" ".join([row.officer.employee_id, *row.force_types, *flags]))
        data["officers"] = "\n".join(lines)
        for s in obj.subjects.all()[:SUBJECT_SLOTS]:
            p = f"s{s.sequence}_"
            data.update({p + k: getattr(s, k) for k in ("sex", "race", "ethnicity", "age", "height_in", "weight_lb",
                                                        "armed", "resistance", "force_types", "injury")})
            data[p + "impaired"] = _tri(s.impaired)
            data[p + "perceived_threat"] = _tri(s.perceived_threat)
        return data

    def clean_most_serious_offense(self) -> str:
        return str(self.cleaned_data.get("most_serious_offense") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency = core_selectors.agency_by_ori(user=self.user, ori=data.get("agency") or "")
        data["agency_obj"] = agency
        rows = []
        for n, line in enumerate(str(data.get("officers") or "").splitlines(), 1):
            words = line.split()
            if not words:
                continue
            if agency is None:
                break
            officer = selectors.officer_by_number(user=self.user, agency_id=agency.pk, number=words[0])
            if officer is None:
                self.add_error("officers", f"Line {n}: no officer of {agency.ori} with employee id or badge "
                                           f"{words[0]!r} (or that badge is shared).")
                continue
            row: dict[str, Any] = {"officer": officer, "force_types": [], "on_duty": True, "injured": False,
                                   "firearm_discharged": False}
            for word in words[1:]:
                if word in OFFICER_FLAGS:
                    attr = OFFICER_FLAGS[word]
                    row[attr] = attr != "on_duty"
                elif word in vocab.ForceType.values:
                    row["force_types"].append(word)
                else:
                    self.add_error("officers", f"Line {n}: {word!r} is neither a force type nor a flag.")
            rows.append(row)
        if not rows and not self.errors.get("officers"):
            self.add_error("officers", "At least one officer who applied force.")
        data["officer_rows"] = rows
        subjects = []
        for n in range(1, SUBJECT_SLOTS + 1):
            p = f"s{n}_"
            values = {k[len(p):]: v for k, v in data.items() if k.startswith(p)}
            if n > 1 and not any(v not in ("", None, []) for v in values.values()):
                continue
            if n > 1 and not values.get("injury"):
                self.add_error(p + "injury", "Say the subject's most serious injury (or none).")
            for key in ("impaired", "perceived_threat"):
                values[key] = _untri(values.get(key) or "")
            values["resisted"] = None if not values.get("resistance") else values["resistance"] != "none"
            values["force_types"] = list(values.get("force_types") or [])
            subjects.append(values)
        data["subject_rows"] = subjects
        return data

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        occurred = d["occurred_at"]
        if isinstance(occurred, dt.datetime) and timezone.is_naive(occurred):
            occurred = timezone.make_aware(occurred)
        district = None
        if d.get("district"):
            district = core_selectors.district_list(user=self.user, module=Module.POLICING).filter(
                pk=d["district"]).first()
        kwargs: dict[str, Any] = {
            "case_number": d["case_number"], "occurred_at": occurred, "location": d["location"],
            "lat": d["lat"], "lng": d["lng"], "location_type": d["location_type"], "district": district,
            "reason_for_contact": d["reason_for_contact"], "most_serious_offense": d["most_serious_offense"],
            "officer_approached": _untri(d["officer_approached"]), "ambush": _untri(d["ambush"]),
            "supervisor_on_scene": _untri(d["supervisor_on_scene"]),
            "supervisor_consulted": _untri(d["supervisor_consulted"]),
            "subjects": d["subject_rows"], "officers": d["officer_rows"],
        }
        if self.instance is None:
            kwargs["agency"] = d["agency_obj"]
        return kwargs
